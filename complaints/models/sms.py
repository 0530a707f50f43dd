"""The SMS hotline's conversation state: where each phone is in the guided questions."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from complaints.choices import Language
from complaints.models.case import Complainant
from wsr.network.models import Worksite


class ConversationStep(models.TextChoices):
    LANGUAGE = "language", _("Choosing a language")
    WORKSITE = "worksite", _("Asked for the worksite code")
    DETAILS = "details", _("Telling what happened")


class SmsConversation(models.Model):
    """A complaint being told over SMS, one question at a time; at most one per phone.

    The row lives from the first message until the complaint is filed (``SEND``, or the idle sweep)
    and is then deleted. Messages of the conversation are stored as ``Message`` rows without a
    complaint and linked to it when it is filed; MMS media wait in ``media`` until then.
    """

    complainant = models.OneToOneField(Complainant, on_delete=models.CASCADE, related_name="sms_conversation")
    step = models.CharField(max_length=10, choices=ConversationStep.choices, default=ConversationStep.LANGUAGE)
    language = models.CharField(max_length=2, choices=Language.choices, blank=True)
    worksite = models.ForeignKey(Worksite, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    description = models.TextField(blank=True)
    # [{"message_id": int, "url": str, "kind": str (content type)}]: MMS media to attach once filed.
    media = models.JSONField(default=list, blank=True)
    started_at = models.DateTimeField()
    last_message_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["last_message_at"], name="complaints_smsconv_idle_idx")]

    def __str__(self) -> str:
        return f"SMS conversation {self.pk} ({self.step})"

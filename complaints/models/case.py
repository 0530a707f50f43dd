"""The case itself: complaint, complainant, messages, attachments, events, identity accesses."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Case, F, Q, Value, When
from encrypted_model_fields.fields import EncryptedCharField

from complaints.choices import (
    DEADLINE_STAGES,
    Channel,
    DeliveryStatus,
    EventKind,
    Language,
    MessageKind,
    Scope,
    Status,
)
from wsr.network.choices import Severity
from wsr.network.models import Standard, Supplier, Worksite

# References: 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L, 2/Z, 5/S, 8/B),
# random, never sequential: 23^8 ≈ 7.8e10 possibilities.
REFERENCE_ALPHABET = "3469ACDEFGHJKMNPRTUVWXY"
REFERENCE_LENGTH = 8
REFERENCE_REGEX = rf"^[{REFERENCE_ALPHABET}]{{{REFERENCE_LENGTH}}}$"


class Complainant(models.Model):
    """The worker behind one or more complaints. Identity is encrypted and reached only through
    ``complaints.services.complainant_identity_reveal`` (logged)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    phone = EncryptedCharField(max_length=32, blank=True)
    # HMAC-SHA256 of the E.164 number under PHONE_HASH_KEY: lets a phone be found without decrypting.
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True)
    # A number typed into the public web form, which proves nothing about who owns it: kept apart
    # from ``phone_hash`` so that it never routes that phone's SMS to this complainant's cases. It
    # lets the owner of the number ask STATUS, and honours her opt-out.
    claimed_phone_hash = models.CharField(max_length=64, blank=True, db_index=True)
    name = EncryptedCharField(max_length=200, blank=True)
    preferred_language = models.CharField(max_length=2, choices=Language.choices, default=Language.EN)
    opted_out = models.BooleanField(default=False)
    opted_out_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["phone_hash"], condition=~Q(phone_hash=""), name="complaints_complainant_phone_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"Complainant {self.uuid}"  # never the phone or the name

    @property
    def reachable_by_sms(self) -> bool:
        return bool(self.phone) and not self.opted_out


# The queue reads cases in this order of severity. Not triaged yet ("") comes right after zero
# tolerance: it may be anything, forced labor included, so it is read before the cases already
# known to be serious or minor.
SEVERITY_RANK: dict[str, int] = {Severity.ZERO_TOLERANCE: 4, "": 3, Severity.SERIOUS: 2, Severity.MINOR: 1}


class ComplaintQuerySet(models.QuerySet["Complaint"]):
    def restrict(self, user: object, action: str = "view") -> ComplaintQuerySet:
        from complaints.permissions import restrict_complaints

        return restrict_complaints(self, user=user, action=action)

    def open(self) -> ComplaintQuerySet:
        return self.filter(status__in=[Status.NEW, Status.TRIAGED, Status.INVESTIGATING])


class Complaint(models.Model):
    """A case filed by or for a worker, known publicly only by its reference."""

    reference = models.CharField(max_length=REFERENCE_LENGTH, editable=False)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.EN)
    complainant = models.ForeignKey(
        Complainant, null=True, blank=True, on_delete=models.PROTECT, related_name="complaints"
    )
    worksite = models.ForeignKey(Worksite, null=True, blank=True, on_delete=models.PROTECT, related_name="complaints")
    standard = models.ForeignKey(Standard, null=True, blank=True, on_delete=models.PROTECT, related_name="complaints")
    severity = models.CharField(max_length=20, choices=Severity.choices, blank=True)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    scope = models.CharField(max_length=16, choices=Scope.choices, default=Scope.IN_SCOPE)
    referral_info = models.TextField(blank=True, help_text="Where the worker was referred (e.g. labor inspectorate).")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_complaints"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="Staff member who logged it on the worker's behalf.",
    )  # fmt: skip
    # Web intake: the receipt code (hashed like a password) and the form's idempotency key.
    receipt_code_hash = models.CharField(max_length=128, blank=True)
    idempotency_key = models.UUIDField(null=True, blank=True, unique=True)

    received_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)
    acknowledge_due = models.DateTimeField(null=True, blank=True)
    investigate_due = models.DateTimeField(null=True, blank=True)
    resolve_due = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    investigation_started_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Shown in the queue; the deadlines themselves are registered with ``wsr.deadlines``.
    escalated_at = models.DateTimeField(null=True, blank=True, help_text="Last time a deadline escalated.")
    linked = models.ManyToManyField("self", blank=True, symmetrical=True)

    # Derived in the database so the queue can order and index on them.
    severity_rank = models.GeneratedField(
        expression=Case(
            *(When(severity=severity, then=Value(rank)) for severity, rank in SEVERITY_RANK.items()),
            default=Value(0),
        ),
        output_field=models.SmallIntegerField(),
        db_persist=True,
    )
    # The due time of the current stage (DEADLINE_STAGES): what the queue orders by.
    next_due = models.GeneratedField(
        expression=Case(*(When(status=s.current_in, then=F(s.due)) for s in DEADLINE_STAGES), default=None),
        output_field=models.DateTimeField(null=True),
        db_persist=True,
    )
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["reference"], name="complaints_reference_unique"),
            models.CheckConstraint(condition=Q(reference__regex=REFERENCE_REGEX), name="complaints_reference_format"),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="complaints_status_valid"),
        ]
        indexes = [
            models.Index(
                F("severity_rank").desc(), F("next_due").asc(nulls_last=True), "id", name="complaints_urgency_idx"
            ),
            models.Index(fields=["status", "-received_at"], name="complaints_status_idx"),
            models.Index(fields=["next_due"], condition=Q(next_due__isnull=False), name="complaints_next_due_idx"),
            models.Index(fields=["assignee", "status"], name="complaints_assignee_idx"),
            GinIndex(fields=["search_vector"], name="complaints_search_idx"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def supplier(self) -> Supplier | None:
        return self.worksite.supplier if self.worksite_id else None  # type: ignore[union-attr]

    @property
    def is_zero_tolerance(self) -> bool:
        return self.severity == Severity.ZERO_TOLERANCE


class Message(models.Model):
    """One message in a case's thread: from the worker, to the worker (SMS), or an internal note."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    complaint = models.ForeignKey(Complaint, null=True, blank=True, on_delete=models.CASCADE, related_name="messages")
    complainant = models.ForeignKey(
        Complainant, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    kind = models.CharField(max_length=10, choices=MessageKind.choices)
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.SMS)
    body = models.TextField(blank=True)
    language = models.CharField(max_length=2, choices=Language.choices, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # SMS: Twilio's MessageSid (inbound: deduplicates retried webhooks; outbound: matches callbacks).
    twilio_sid = models.CharField(max_length=64, null=True, blank=True)
    in_reply_to = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies")
    delivery_status = models.CharField(max_length=12, choices=DeliveryStatus.choices, blank=True)
    error_code = models.CharField(max_length=16, blank=True)
    error_message = models.CharField(max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    # Outbound SMS: when the latest send attempt claimed the message, before calling the provider.
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["twilio_sid"], name="complaints_message_twilio_sid_unique"),
        ]
        indexes = [models.Index(fields=["complaint", "created_at"], name="complaints_message_thread_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.uuid}"


def attachment_path(instance: Attachment, filename: str) -> str:
    # Never the worker's file name in the path: it may name them.
    suffix = filename.rsplit(".", 1)[-1][:8].lower() if "." in filename else "bin"
    return f"attachments/{instance.uuid.hex[:2]}/{instance.uuid}.{suffix}"


class Attachment(models.Model):
    """A photo or document added to a case (MMS media, web upload, staff upload)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    # MMS media are fetched by a task; until then only Twilio's URL is known (not evidence yet).
    source_url = models.URLField(max_length=500, blank=True)
    fetched_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Attachment {self.uuid}"


class Event(models.Model):
    """One thing that happened to a case: who, when, from which status to which, and why."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=24, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["complaint", "created_at"], name="complaints_event_timeline_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.complaint_id}"


class IdentityAccess(models.Model):
    """A logged reveal of a complainant's identity: who looked, at which case, and why."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="identity_accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "identity accesses"

    def __str__(self) -> str:
        return f"{self.user_id} revealed {self.complaint_id}"

"""Enumerations of the complaints app."""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    WEB = "web", _("Web form")
    PHONE = "phone", _("Phone call")
    IN_PERSON = "in_person", _("In person")


class Language(models.TextChoices):
    EN = "en", "English"
    ES = "es", "Español"
    HT = "ht", "Kreyòl ayisyen"
    BN = "bn", "বাংলা"


class Status(models.TextChoices):
    NEW = "new", _("New")
    TRIAGED = "triaged", _("Triaged")
    INVESTIGATING = "investigating", _("Investigating")
    RESOLVED = "resolved", _("Resolved")
    NOT_SUBSTANTIATED = "not_substantiated", _("Not substantiated")
    REFERRED = "referred", _("Referred")
    CLOSED = "closed", _("Closed")


# Statuses in which a case is still being worked on (a worker's new message goes to it).
OPEN_STATUSES = (Status.NEW, Status.TRIAGED, Status.INVESTIGATING)
# Statuses reached at the end of an investigation; closing follows.
OUTCOME_STATUSES = (Status.RESOLVED, Status.NOT_SUBSTANTIATED, Status.REFERRED)


class Scope(models.TextChoices):
    IN_SCOPE = "in_scope", _("In scope")
    NOT_COVERED = "not_covered", _("Not covered by the program")


class DeadlineKind(models.TextChoices):
    ACKNOWLEDGE = "acknowledge", _("Acknowledge")
    INVESTIGATE = "investigate", _("Start investigation")
    RESOLVE = "resolve", _("Resolve")


@dataclass(frozen=True)
class DeadlineStage:
    """One deadline of a case: the one table every part reads (the queue's ``next_due`` column, the
    deadlines registered for escalation, the case page, the due times set at intake and triage)."""

    kind: DeadlineKind
    due: str  # the case's column holding the due time
    done: str  # the case's column set when the stage is done
    span: str  # the Standard's field: how long after receipt it is due
    owed_while: tuple[str, ...]  # statuses in which the stage is owed (if not done)

    @property
    def current_in(self) -> str:
        """The status whose current deadline this is (the last one that owes it)."""
        return self.owed_while[-1]


DEADLINE_STAGES: tuple[DeadlineStage, ...] = (
    DeadlineStage(DeadlineKind.ACKNOWLEDGE, "acknowledge_due", "acknowledged_at", "acknowledge_within", (Status.NEW,)),
    DeadlineStage(
        DeadlineKind.INVESTIGATE, "investigate_due", "investigation_started_at", "investigate_within",
        (Status.NEW, Status.TRIAGED),
    ),
    DeadlineStage(DeadlineKind.RESOLVE, "resolve_due", "resolved_at", "resolve_within", OPEN_STATUSES),
)  # fmt: skip


class MessageKind(models.TextChoices):
    INBOUND = "inbound", _("From the worker")
    OUTBOUND = "outbound", _("To the worker")
    NOTE = "note", _("Internal note")


class DeliveryStatus(models.TextChoices):
    """Outbound SMS lifecycle; Twilio's callbacks only ever move it forward (see RANK)."""

    RECORDED = "recorded", _("Recorded")
    # Handed to the provider by an attempt that has not recorded the outcome yet (complaints/sms/services.py).
    SENDING = "sending", _("Sending")
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    READ = "read", _("Read")
    UNDELIVERED = "undelivered", _("Undelivered")
    FAILED = "failed", _("Failed")
    SUPPRESSED = "suppressed", _("Not sent (opted out or unreachable)")


class EventKind(models.TextChoices):
    CREATED = "created", _("Received")
    STATUS_CHANGED = "status_changed", _("Status changed")
    TRIAGED = "triaged", _("Triaged")
    ASSIGNED = "assigned", _("Assigned")
    IDENTITY_REVEALED = "identity_revealed", _("Identity revealed")
    ESCALATED = "escalated", _("Deadline escalated")
    LINKED = "linked", _("Linked to another case")
    FINDING = "finding", _("Finding recorded")
    REMEDY = "remedy", _("Remedy recorded")
    STANDING_PROPOSED = "standing_proposed", _("Supplier suspension proposed")
    STANDING_CONFIRMED = "standing_confirmed", _("Supplier suspension confirmed")
    SHARED = "shared", _("Summary shared with supplier")
    REMEDY_VERIFIED = "remedy_verified", _("Remedy verified")
    STANDING_REJECTED = "standing_rejected", _("Supplier suspension rejected")
    FINDING_WITHDRAWN = "finding_withdrawn", _("Finding withdrawn")
    FINDING_CORRECTED = "finding_corrected", _("Finding corrected")
    REMEDY_WITHDRAWN = "remedy_withdrawn", _("Remedy withdrawn")
    REMEDY_CORRECTED = "remedy_corrected", _("Remedy corrected")


class RemedyKind(models.TextChoices):
    BACK_PAY = "back_pay", _("Back pay")
    REINSTATEMENT = "reinstatement", _("Reinstatement")
    DISCIPLINE = "discipline", _("Discipline of the offender")
    DISMISSAL = "dismissal", _("Dismissal of the offender")
    TRAINING = "training", _("Training")
    POLICY_CHANGE = "policy_change", _("Policy change")


# The ``origin`` of standing proposals made by a case's substantiated zero-tolerance finding.
FINDING_ORIGIN = "complaints.finding"

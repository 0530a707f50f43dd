"""Models of the complaints app, one module per part (case, intake, investigation)."""

from complaints.models.case import (
    Attachment,
    Complainant,
    Complaint,
    Escalation,
    Event,
    IdentityAccess,
    Message,
)

__all__ = ["Attachment", "Complainant", "Complaint", "Escalation", "Event", "IdentityAccess", "Message"]

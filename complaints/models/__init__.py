"""Models of the complaints app, one module per part (case, intake, investigation)."""

from complaints.models.case import (
    Attachment,
    Complainant,
    Complaint,
    Event,
    IdentityAccess,
    Message,
)
from complaints.models.investigation import CaseFinding, Remedy, SupplierShare
from complaints.models.sms import ConversationStep, SmsConversation

from complaints.models.history import ComplaintHistory, CaseFindingHistory, RemedyHistory  # isort: skip

__all__ = [
    "Attachment",
    "CaseFinding",
    "CaseFindingHistory",
    "Complainant",
    "Complaint",
    "ComplaintHistory",
    "ConversationStep",
    "Event",
    "IdentityAccess",
    "Message",
    "Remedy",
    "RemedyHistory",
    "SmsConversation",
    "SupplierShare",
]

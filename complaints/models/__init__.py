"""Models of the complaints app, one module per part (case, intake, investigation)."""

from complaints.models.case import (
    Attachment,
    Complainant,
    Complaint,
    Event,
    IdentityAccess,
    Message,
)
from complaints.models.investigation import Finding, Remedy, SupplierShare, SuspensionProposal
from complaints.models.sms import ConversationStep, SmsConversation

from complaints.models.history import ComplaintHistory, FindingHistory, RemedyHistory  # isort: skip

__all__ = [
    "Attachment",
    "Complainant",
    "Complaint",
    "ComplaintHistory",
    "ConversationStep",
    "Event",
    "Finding",
    "FindingHistory",
    "IdentityAccess",
    "Message",
    "Remedy",
    "RemedyHistory",
    "SmsConversation",
    "SupplierShare",
    "SuspensionProposal",
]

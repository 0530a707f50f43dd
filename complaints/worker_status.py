"""What a worker is told about her case: plain-language status names and what happens next.

Workers never see the internal status names (shared/reference/i18n-glossary.md): these texts are used
by the SMS ``STATUS`` reply, the status-update SMS and the ``/track/`` page alike, in the case's language.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from complaints.choices import EventKind, Status
from complaints.models import Complaint

# Internal status -> (what the worker sees, what happens next)
WORKER_STATUS = {
    Status.NEW: (
        _("received"),
        _("We received your complaint. A monitor will read it soon."),
    ),
    Status.TRIAGED: (
        _("being reviewed"),
        _("A monitor is reviewing your complaint and will decide the next steps."),
    ),
    Status.INVESTIGATING: (
        _("being investigated"),
        _("A monitor is investigating. We may contact you. Your name stays confidential."),
    ),
    Status.RESOLVED: (
        _("resolved"),
        _("We found a problem and asked for it to be fixed. Contact us if it happens again."),
    ),
    Status.NOT_SUBSTANTIATED: (
        _("resolved"),
        _("We looked into your complaint but could not confirm it. You can send more information."),
    ),
    Status.REFERRED: (
        _("resolved"),
        _("This is outside our program. We sent you where to get help."),
    ),
    Status.CLOSED: (
        _("closed"),
        _("Your case is closed. You can file a new complaint at any time."),
    ),
}


def worker_status_label(status: str) -> str:
    return str(WORKER_STATUS[Status(status)][0])


def worker_status_explanation(status: str) -> str:
    return str(WORKER_STATUS[Status(status)][1])


# On /track/ the help itself is shown below the status, so the explanation points to it.
REFERRED_ON_TRACK = _("This is outside our program. Below is where you can get help.")


def worker_referral(complaint: Complaint) -> str:
    """Where the worker was sent for help (the monitor's words), while that is her case's outcome:
    referred, or closed right after being referred. "" otherwise. One query for a closed case only."""
    if not complaint.referral_info:
        return ""
    if complaint.status == Status.REFERRED:
        return complaint.referral_info
    if complaint.status != Status.CLOSED:
        return ""
    closed_from = (
        complaint.events.filter(kind=EventKind.STATUS_CHANGED, to_status=Status.CLOSED)
        .order_by("-created_at", "-id")
        .values_list("from_status", flat=True)
        .first()
    )
    return complaint.referral_info if closed_from == Status.REFERRED else ""


def status_update_sms(complaint: Complaint, *, language: str = "") -> str:
    """Short SMS telling the worker her case's status, in ``language`` or else the case's."""
    with translation.override(language or complaint.language):
        return gettext("Case %(reference)s: %(status)s. %(next)s") % {
            "reference": complaint.reference,
            "status": worker_status_label(complaint.status),
            "next": worker_status_explanation(complaint.status),
        }

"""What a worker is told about her case: plain-language status names and what happens next.

Workers never see the internal status names (shared/reference/i18n-glossary.md): these texts are used
by the SMS ``STATUS`` reply, the status-update SMS and the ``/track/`` page alike, in the case's language.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from complaints.choices import Status
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


def status_update_sms(complaint: Complaint) -> str:
    """Short SMS telling the worker her case's status, in the case's language."""
    with translation.override(complaint.language):
        return gettext("Case %(reference)s: %(status)s. %(next)s") % {
            "reference": complaint.reference,
            "status": worker_status_label(complaint.status),
            "next": worker_status_explanation(complaint.status),
        }

"""Every action staff take on a case, written once.

The case page (``complaints.monitor.views``) and the API (``complaints.api.views``) both run these:
each parses its own input (a form, a serializer) into the same names and types, and calls
``CASE_ACTIONS[name].run(complaint, actor, data)``, which calls the workflow service and returns
what to tell the user. Neither door can offer what the other does not (a test holds them equal).

Input names and types (missing optional keys take the service's default):

- ``standard``: ``Standard``; ``worksite``: ``Worksite`` or None; ``assignee``: ``User`` or None;
- ``finding``: a ``CaseFinding`` of the case, or its UUID; ``remedy``: a remedy's UUID;
- ``other``: another case's reference (any spelling); everything else plain text, numbers, dates.

The identity reveal is not here: it answers with the identity, which only the case page shows.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404

from complaints import workflow
from complaints.choices import DeliveryStatus, Scope
from complaints.models import CaseFinding, Complaint
from complaints.permissions import access_complaint
from complaints.services import normalize_reference
from wsr.network.models import User

Run = Callable[[Complaint, User, dict[str, Any]], str]


@dataclass(frozen=True)
class CaseAction:
    """A verb staff use on a case: its label and what it does."""

    label: str
    run: Run


def _transition(service: Callable[..., Any], done: str) -> Run:
    def run(complaint: Complaint, actor: User, data: dict[str, Any]) -> str:
        service(complaint=complaint, actor=actor, reason=data.get("reason", ""))
        return done

    return run


def _reply(complaint: Complaint, actor: User, data: dict[str, Any]) -> str:
    message = workflow.complaint_reply(complaint=complaint, author=actor, body=data["body"])
    if message.delivery_status == DeliveryStatus.SUPPRESSED:
        return "Reply recorded, but not sent: the worker opted out of SMS."
    return "Reply recorded; it goes out by SMS in a moment."


def _note(complaint: Complaint, actor: User, data: dict[str, Any]) -> str:
    workflow.note_add(complaint=complaint, author=actor, body=data["body"])
    return "Internal note added."


def _triage(complaint: Complaint, actor: User, data: dict[str, Any]) -> str:
    workflow.complaint_triage(
        complaint=complaint, actor=actor, standard=data["standard"], worksite=data.get("worksite"),
        scope=data.get("scope") or Scope.IN_SCOPE, referral_info=data.get("referral_info", ""),
        assignee=data.get("assignee"),
    )  # fmt: skip
    return "Case triaged."


def _assign(complaint: Complaint, actor: User, data: dict[str, Any]) -> str:
    workflow.complaint_assign(complaint=complaint, actor=actor, assignee=data.get("assignee"))
    return "Assignee changed."


def _refer(complaint: Complaint, actor: User, data: dict[str, Any]) -> str:
    workflow.complaint_refer(
        complaint=complaint, actor=actor, referral_info=data.get("referral_info", ""), reason=data.get("reason", "")
    )
    return "Case referred; the worker is told where to get help."


def _finding(complaint: Complaint, actor: User, data: dict[str, Any]) -> str:
    workflow.finding_record(
        complaint=complaint, actor=actor, standard=data["standard"], substantiated=data["substantiated"],
        notes=data.get("notes", ""),
    )  # fmt: skip
    return "Finding recorded."


def _finding_of(complaint: Complaint, value: Any) -> CaseFinding | None:
    """The case's finding given as an instance or a UUID; ValidationError if it is not the case's."""
    if not value:
        return None
    if isinstance(value, CaseFinding):
        found: CaseFinding | None = value if value.complaint_id == complaint.pk else None
    else:
        found = complaint.findings.filter(uuid=_uuid(value, "finding")).first()
    if found is None:
        raise ValidationError({"finding": "No such finding on this case."})
    return found


def _uuid(value: Any, field: str) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise ValidationError({field: "Not a valid identifier."}) from None


def _remedy(complaint: Complaint, actor: User, data: dict[str, Any]) -> str:
    workflow.remedy_record(
        complaint=complaint, actor=actor, kind=data["kind"], description=data.get("description", ""),
        amount=data.get("amount"), currency=data.get("currency", ""), due_on=data.get("due_on"),
        finding=_finding_of(complaint, data.get("finding")),
    )  # fmt: skip
    return "Remedy recorded."


def _remedy_verify(complaint: Complaint, actor: User, data: dict[str, Any]) -> str:
    remedy = complaint.remedies.filter(uuid=_uuid(data["remedy"], "remedy")).first()
    if remedy is None:
        raise Http404("No such remedy on this case.")
    workflow.remedy_verify(remedy=remedy, actor=actor)
    return "Remedy verified."


def _link(complaint: Complaint, actor: User, data: dict[str, Any]) -> str:
    try:
        other = access_complaint(user=actor, reference=normalize_reference(data["other"]), action="change")
    except Http404:
        raise ValidationError({"other": "No case with this reference that you work on."}) from None
    linked = workflow.complaint_link(complaint=complaint, other=other, actor=actor, reason=data.get("reason", ""))
    return f"Linked with {other.reference}." if linked else f"Already linked with {other.reference}."


def _share(complaint: Complaint, actor: User, data: dict[str, Any]) -> str:
    workflow.complaint_summary_share(complaint=complaint, actor=actor, summary=data["summary"])
    return "Summary shared with the supplier."


CASE_ACTIONS: dict[str, CaseAction] = {
    "reply": CaseAction("Text the worker", _reply),
    "note": CaseAction("Add an internal note", _note),
    "triage": CaseAction("Triage", _triage),
    "assign": CaseAction("Assign", _assign),
    "start_investigation": CaseAction(
        "Start investigation", _transition(workflow.complaint_start_investigation, "Investigation started.")
    ),
    "resolve": CaseAction("Resolve", _transition(workflow.complaint_resolve, "Case resolved.")),
    "mark_not_substantiated": CaseAction(
        "Not substantiated",
        _transition(workflow.complaint_mark_not_substantiated, "Case marked not substantiated."),
    ),
    "refer": CaseAction("Refer", _refer),
    "close": CaseAction("Close", _transition(workflow.complaint_close, "Case closed.")),
    "reopen": CaseAction("Reopen", _transition(workflow.complaint_reopen, "Case reopened.")),
    "finding": CaseAction("Record a finding", _finding),
    "remedy": CaseAction("Record a remedy", _remedy),
    "remedy_verify": CaseAction("Verify a remedy", _remedy_verify),
    "link": CaseAction("Link another case", _link),
    "share": CaseAction("Share a redacted summary with the supplier", _share),
}

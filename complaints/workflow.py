"""The monitor's workflow on a case: every transition, note, finding, remedy and identity reveal.

Status machine (SPEC 4.3)::

    new ──triage──▶ triaged ──start_investigation──▶ investigating ──resolve──────────▶ resolved
                       │                                   ├──mark_not_substantiated──▶ not_substantiated
                       └──────────refer──────────────────▶ └──refer────────────────────▶ referred
    resolved | not_substantiated | referred ──close──▶ closed      (zero tolerance: the lead only)
    resolved | not_substantiated | referred | closed ──reopen──▶ investigating

Every function is keyword-only, checks that ``actor`` may change the case (the same rule as
``complaints.permissions.restrict_complaints``: a lead any case, an investigator her own and
unassigned ones) and writes one ``Event``. Each docstring says how concurrent calls are kept apart:

- *guarded update*: ``UPDATE … WHERE id = %s AND status = FROM`` and the row count tells who won;
- *row lock*: ``select_for_update()`` inside ``transaction.atomic()``.

Errors, for the pages and the API to show:

- ``IllegalTransition`` (HTTP 409): the case is not in a status the action starts from (perhaps
  someone else moved it a moment ago); ``.status`` is the status found;
- ``django.core.exceptions.ValidationError`` (HTTP 400): bad input (no referral information...);
- ``django.core.exceptions.PermissionDenied`` (HTTP 403): allowed to see the case but not to do
  this (closing a zero-tolerance case without being the lead; assigning someone else);
- ``django.http.Http404``: the actor may not change the case at all (looks like a missing one).

Findings and remedies are never edited or deleted: a mistake is withdrawn with a reason
(``finding_withdraw``, ``remedy_withdraw``) or corrected (``finding_correct``, ``remedy_correct``:
the old row is withdrawn and points at a new one that counts from then on, by the same rules as a
newly recorded one). A withdrawn row stays on the case, struck through, and counts nowhere else.

UI helpers: ``available_actions(complaint=..., user=...)`` lists the action names a button bar may
offer; ``ACTION_LABELS`` gives their English labels.

The worker is told by SMS (in her language, through ``complaints.sms.services.sms_send``) when her
case is triaged, reaches an outcome and is closed, if she is reachable and has not opted out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from complaints.choices import (
    FINDING_ORIGIN,
    OUTCOME_STATUSES,
    EventKind,
    MessageKind,
    RemedyKind,
    Scope,
    Status,
)
from complaints.escalation import complaint_deadlines_sync
from complaints.models import (
    CaseFinding,
    Complaint,
    IdentityAccess,
    Message,
    Remedy,
    SupplierShare,
)
from complaints.services import complaint_search_refresh, deadlines_for, event_record
from complaints.worker_status import status_update_sms
from wsr.network.choices import ProposalStatus, Standing
from wsr.network.models import Standard, StandingProposal, User, Worksite
from wsr.network.roles import can_work_cases, is_lead
from wsr.network.selectors import monitor_leads, supplier_users
from wsr.network.services import notify_users, standing_proposal_reject, standing_propose

WithdrawableRow = CaseFinding | Remedy

# action name -> statuses it starts from
# What an investigation records, and while which statuses (the case page offers the forms then).
FINDING_STATUSES = (Status.INVESTIGATING,)
REMEDY_STATUSES = (Status.INVESTIGATING, Status.RESOLVED)

SOURCES: dict[str, tuple[str, ...]] = {
    "triage": (Status.NEW,),
    "start_investigation": (Status.TRIAGED,),
    "resolve": (Status.INVESTIGATING,),
    "mark_not_substantiated": (Status.INVESTIGATING,),
    "refer": (Status.TRIAGED, Status.INVESTIGATING),
    "close": OUTCOME_STATUSES,
    "reopen": (*OUTCOME_STATUSES, Status.CLOSED),
}
TARGETS: dict[str, str] = {
    "triage": Status.TRIAGED,
    "start_investigation": Status.INVESTIGATING,
    "resolve": Status.RESOLVED,
    "mark_not_substantiated": Status.NOT_SUBSTANTIATED,
    "refer": Status.REFERRED,
    "close": Status.CLOSED,
    "reopen": Status.INVESTIGATING,
}
ACTION_LABELS: dict[str, str] = {
    "triage": "Triage",
    "start_investigation": "Start investigation",
    "resolve": "Resolve",
    "mark_not_substantiated": "Not substantiated",
    "refer": "Refer",
    "close": "Close",
    "reopen": "Reopen",
}
# Every legal (from, to) pair; anything else is refused.
LEGAL_TRANSITIONS: frozenset[tuple[str, str]] = frozenset(
    (source, TARGETS[action]) for action, sources in SOURCES.items() for source in sources
)
MIN_REASON_LENGTH = 5

# Shown to buyers and on the public page: names the kind of violation, never the worker or the case.
SUSPENSION_REASON = (
    "The monitor substantiated a zero-tolerance violation of the code of conduct ({category}) at one of "
    "this supplier's worksites. Under the program's agreements the supplier is suspended until the "
    "monitor confirms remediation."
)


class IllegalTransition(Exception):
    """The case is not in a status this action starts from."""

    def __init__(self, *, action: str, status: str) -> None:
        self.action = action
        self.status = status
        super().__init__(f"Cannot {ACTION_LABELS.get(action, action).lower()} a case that is {Status(status).label}.")


# --- Guards ---------------------------------------------------------------------------------------


def _changeable(actor: Any) -> Any:
    """Cases ``actor`` may change, as a queryset (empty for anyone who does not work cases)."""
    return Complaint.objects.restrict(actor, "change")


def _refuse(*, complaint: Complaint, actor: Any, action: str) -> None:
    """Explain why a guarded update changed no row: not visible (404) or wrong status (409)."""
    status = _changeable(actor).filter(pk=complaint.pk).values_list("status", flat=True).first()
    if status is None:
        raise Http404("No such case.")
    raise IllegalTransition(action=action, status=status)


def _locked(*, complaint: Complaint, actor: Any, action: str | None = None) -> Complaint:
    """The case row locked for this transaction (call inside ``transaction.atomic()``).

    ``FOR NO KEY UPDATE``, the lock an ``UPDATE`` takes: it keeps two changes of the case apart, but
    lets another transaction insert a row pointing at the case meanwhile (an event, a message), which
    ``FOR UPDATE`` would block. Otherwise the lead confirming a suspension (it locks the proposal,
    then adds an event to the case) and a withdrawal of its finding (it locks the case, then the
    proposal) would deadlock."""
    locked = _changeable(actor).select_for_update(of=("self",), no_key=True).filter(pk=complaint.pk).first()
    if locked is None:
        raise Http404("No such case.")
    if action is not None and locked.status not in SOURCES[action]:
        raise IllegalTransition(action=action, status=locked.status)
    return locked


def _guarded_update(*, complaint: Complaint, actor: Any, action: str, **fields: Any) -> str:
    """Move the case from its action's single source status to the target; returns the old status."""
    (source,) = SOURCES[action]
    updated = (
        _changeable(actor)
        .filter(pk=complaint.pk, status=source)
        .update(status=TARGETS[action], updated_at=timezone.now(), **fields)
    )
    if not updated:
        _refuse(complaint=complaint, actor=actor, action=action)
    return source


def _reload(complaint: Complaint) -> Complaint:
    """Refresh the caller's instance (generated columns too) after an update."""
    complaint.refresh_from_db()
    return complaint


def _moved(complaint: Complaint) -> Complaint:
    """After a transition: refresh the caller's instance and register the deadlines it owes now."""
    _reload(complaint)
    complaint_deadlines_sync(complaints=[complaint])
    return complaint


def _require_reason(reason: str, *, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise ValidationError({field: f"Give a reason of at least {MIN_REASON_LENGTH} characters."})
    return reason


def _check_assignee(*, actor: Any, assignee: User | None) -> None:
    """A lead assigns anyone who works cases; an investigator may take a case for herself only."""
    if assignee is None:
        return
    if not can_work_cases(assignee):
        raise ValidationError({"assignee": "This person does not work on cases."})
    if assignee.pk != actor.pk and not is_lead(actor):
        raise PermissionDenied("Only the monitor lead assigns cases to someone else.")


def _tell_worker(complaint: Complaint, *, extra: str = "") -> Message | None:
    """Send the worker a status SMS in her language, if she can be reached and has not opted out."""
    complainant = complaint.complainant
    if complainant is None or not complainant.reachable_by_sms:
        return None
    from complaints.sms.services import sms_send

    body = status_update_sms(complaint)
    if extra:
        body = f"{body}\n{extra}"
    return sms_send(complainant=complainant, complaint=complaint, body=body)


def available_actions(*, complaint: Complaint, user: Any) -> list[str]:
    """Workflow actions ``user`` may try on ``complaint`` now, in button order (no query)."""
    if not can_work_cases(user):
        return []
    if not is_lead(user) and complaint.assignee_id not in (None, user.pk):
        return []
    actions = [action for action, sources in SOURCES.items() if complaint.status in sources]
    if complaint.scope == Scope.NOT_COVERED and "start_investigation" in actions:
        actions.remove("start_investigation")
    if "close" in actions and complaint.is_zero_tolerance and not is_lead(user):
        actions.remove("close")
    return actions


# --- Transitions ----------------------------------------------------------------------------------


def complaint_triage(
    *,
    complaint: Complaint,
    actor: User,
    standard: Standard,
    worksite: Worksite | None = None,
    scope: str = Scope.IN_SCOPE,
    referral_info: str = "",
    assignee: User | None = None,
) -> Complaint:
    """new → triaged: classify the case against ``standard`` (which sets severity and deadlines),
    set the worksite if given, the scope (with referral information for a case the program does
    not cover) and optionally the assignee. Tells the worker.

    Guarded update on ``status = 'new'``: of two simultaneous triages one wins, the other raises
    ``IllegalTransition``.
    """
    if scope not in Scope.values:
        raise ValidationError({"scope": "Unknown scope."})
    referral_info = (referral_info or "").strip()
    if scope == Scope.NOT_COVERED and not referral_info:
        raise ValidationError({"referral_info": "Tell the worker where to get help for a case we do not cover."})
    if not standard.is_active:
        raise ValidationError({"standard": "This standard is no longer in the code of conduct."})
    if worksite is not None and not worksite.is_active:
        raise ValidationError({"worksite": "This worksite is no longer in the program."})
    if scope == Scope.IN_SCOPE and worksite is None and complaint.worksite_id is None:
        raise ValidationError({"worksite": "An in-scope case needs its worksite."})
    _check_assignee(actor=actor, assignee=assignee)
    now = timezone.now()
    fields: dict[str, Any] = {
        "standard": standard,
        "severity": standard.severity,
        "scope": scope,
        "referral_info": referral_info,
        "acknowledged_at": now,
        **deadlines_for(received_at=complaint.received_at, standard=standard),
    }
    if worksite is not None:
        fields["worksite"] = worksite
    if assignee is not None:
        fields["assignee"] = assignee
    with transaction.atomic():
        source = _guarded_update(complaint=complaint, actor=actor, action="triage", **fields)
        _moved(complaint)
        event_record(
            complaint=complaint, kind=EventKind.TRIAGED, actor=actor, from_status=source, to_status=Status.TRIAGED,
            data={"standard": standard.code, "severity": standard.severity, "scope": scope,
                  "worksite": complaint.worksite.code if complaint.worksite_id else None},  # type: ignore[union-attr]
        )  # fmt: skip
        if assignee is not None:
            event_record(complaint=complaint, kind=EventKind.ASSIGNED, actor=actor, data={"assignee": assignee.pk})
        _tell_worker(complaint)
    return complaint


def complaint_assign(*, complaint: Complaint, actor: User, assignee: User | None) -> Complaint:
    """Give the case to ``assignee`` (or back to the queue with None). A lead assigns anyone who
    works cases; an investigator may take an unassigned case or hand her own back.

    Row lock: the case is locked while the assignee changes, so two people cannot both take it.
    """
    _check_assignee(actor=actor, assignee=assignee)
    with transaction.atomic():
        locked = _locked(complaint=complaint, actor=actor)
        if locked.status == Status.CLOSED:
            raise IllegalTransition(action="assign", status=locked.status)
        if locked.assignee_id == (assignee.pk if assignee else None):
            return _reload(complaint)
        previous = locked.assignee_id
        locked.assignee = assignee
        locked.save(update_fields=["assignee", "updated_at"])
        event_record(
            complaint=locked, kind=EventKind.ASSIGNED, actor=actor,
            data={"assignee": assignee.pk if assignee else None, "previous": previous},
        )  # fmt: skip
    return _reload(complaint)


def complaint_start_investigation(*, complaint: Complaint, actor: User, reason: str = "") -> Complaint:
    """triaged → investigating. An unassigned case is assigned to ``actor``.

    Guarded update on ``status = 'triaged'`` (and in scope).
    """
    if complaint.scope == Scope.NOT_COVERED:
        raise ValidationError({"scope": "The program does not cover this case: refer it instead."})
    with transaction.atomic():
        source = _guarded_update(
            complaint=complaint, actor=actor, action="start_investigation",
            investigation_started_at=timezone.now(), assignee_id=Coalesce(F("assignee_id"), Value(actor.pk)),
        )  # fmt: skip
        _moved(complaint)
        event_record(
            complaint=complaint, kind=EventKind.STATUS_CHANGED, actor=actor, from_status=source,
            to_status=Status.INVESTIGATING, reason=reason.strip(),
        )  # fmt: skip
    return complaint


def _conclude(*, complaint: Complaint, actor: User, action: str, reason: str) -> Complaint:
    """investigating → resolved (needs a substantiated finding) or not_substantiated (refused with one).

    Row lock: the case is locked before its status and findings are read, and ``finding_record``
    takes the same lock, so no finding can slip in between the check and the move.
    """
    with transaction.atomic():
        locked = _locked(complaint=complaint, actor=actor, action=action)
        substantiated = locked.findings.active().filter(substantiated=True).exists()
        if action == "resolve" and not substantiated:
            raise ValidationError({"findings": "Record a substantiated finding before resolving the case."})
        if action == "mark_not_substantiated" and substantiated:
            raise ValidationError({"findings": "A finding is substantiated: resolve the case instead."})
        source = locked.status
        locked.status = TARGETS[action]
        locked.resolved_at = timezone.now()
        locked.save(update_fields=["status", "resolved_at", "updated_at"])
        _moved(complaint)
        event_record(
            complaint=complaint, kind=EventKind.STATUS_CHANGED, actor=actor, from_status=source,
            to_status=TARGETS[action], reason=reason.strip(),
        )  # fmt: skip
        _tell_worker(complaint)
    return complaint


def complaint_resolve(*, complaint: Complaint, actor: User, reason: str = "") -> Complaint:
    """investigating → resolved: a violation was found and remedied. Needs a substantiated finding.
    Tells the worker. Row lock (see ``_conclude``).
    """
    return _conclude(complaint=complaint, actor=actor, action="resolve", reason=reason)


def complaint_mark_not_substantiated(*, complaint: Complaint, actor: User, reason: str = "") -> Complaint:
    """investigating → not_substantiated: the complaint could not be confirmed. Refused if a finding
    is substantiated. Tells the worker. Row lock (see ``_conclude``).
    """
    return _conclude(complaint=complaint, actor=actor, action="mark_not_substantiated", reason=reason)


def complaint_refer(*, complaint: Complaint, actor: User, referral_info: str = "", reason: str = "") -> Complaint:
    """triaged | investigating → referred: the worker is sent elsewhere (e.g. the labor
    inspectorate). ``referral_info`` (or the one given at triage) is texted to her with the status.

    Row lock (two source statuses).
    """
    with transaction.atomic():
        locked = _locked(complaint=complaint, actor=actor, action="refer")
        info = (referral_info or "").strip() or locked.referral_info
        if not info:
            raise ValidationError({"referral_info": "Tell the worker where to get help."})
        source = locked.status
        locked.status = Status.REFERRED
        locked.referral_info = info
        locked.resolved_at = timezone.now()
        locked.save(update_fields=["status", "referral_info", "resolved_at", "updated_at"])
        _moved(complaint)
        event_record(
            complaint=complaint, kind=EventKind.STATUS_CHANGED, actor=actor, from_status=source,
            to_status=Status.REFERRED, reason=reason.strip(),
        )  # fmt: skip
        _tell_worker(complaint, extra=info)
    return complaint


def complaint_close(*, complaint: Complaint, actor: User, reason: str = "") -> Complaint:
    """resolved | not_substantiated | referred → closed. A zero-tolerance case is closed by the
    monitor lead only (``PermissionDenied`` otherwise). Tells the worker.

    Row lock (three source statuses; the severity is read under the lock).
    """
    with transaction.atomic():
        locked = _locked(complaint=complaint, actor=actor, action="close")
        if locked.is_zero_tolerance and not is_lead(actor):
            raise PermissionDenied("Only the monitor lead closes a zero-tolerance case.")
        source = locked.status
        locked.status = Status.CLOSED
        locked.closed_at = timezone.now()
        locked.save(update_fields=["status", "closed_at", "updated_at"])
        _moved(complaint)
        event_record(
            complaint=complaint, kind=EventKind.STATUS_CHANGED, actor=actor, from_status=source,
            to_status=Status.CLOSED, reason=reason.strip(),
        )  # fmt: skip
        _tell_worker(complaint)
    return complaint


def complaint_reopen(*, complaint: Complaint, actor: User, reason: str) -> Complaint:
    """resolved | not_substantiated | referred | closed → investigating, with a stated reason.

    The case gets a fresh resolve deadline (counted from now), which may escalate once again.
    Row lock (four source statuses).
    """
    reason = _require_reason(reason)
    with transaction.atomic():
        locked = _locked(complaint=complaint, actor=actor, action="reopen")
        now = timezone.now()
        due = deadlines_for(received_at=now, standard=locked.standard)
        source = locked.status
        locked.status = Status.INVESTIGATING
        locked.resolved_at = None
        locked.closed_at = None
        locked.investigation_started_at = locked.investigation_started_at or now
        locked.acknowledged_at = locked.acknowledged_at or now
        locked.resolve_due = due["resolve_due"]
        locked.save(
            update_fields=["status", "resolved_at", "closed_at", "investigation_started_at", "acknowledged_at",
                           "resolve_due", "updated_at"]
        )  # fmt: skip
        _moved(complaint)  # the new resolve deadline is registered afresh: it may escalate again
        event_record(
            complaint=complaint, kind=EventKind.STATUS_CHANGED, actor=actor, from_status=source,
            to_status=Status.INVESTIGATING, reason=reason, data={"reopened": True},
        )  # fmt: skip
    return complaint


# --- Notes, replies, findings, remedies, links ----------------------------------------------------


def _require_changeable(*, complaint: Complaint, actor: Any) -> None:
    if not _changeable(actor).filter(pk=complaint.pk).exists():
        raise Http404("No such case.")


def note_add(*, complaint: Complaint, author: User, body: str) -> Message:
    """Add an internal note to the case's thread (never sent to the worker)."""
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write the note."})
    _require_changeable(complaint=complaint, actor=author)
    with transaction.atomic():
        note = Message.objects.create(
            complaint=complaint, kind=MessageKind.NOTE, channel="web", body=body, author=author
        )
        complaint_search_refresh(complaint=complaint)
    return note


def complaint_reply(*, complaint: Complaint, author: User, body: str) -> Message:
    """Text the worker from the case page (in whatever language ``body`` is written; reply templates
    in ``complaints.reply_templates`` give reviewed texts per language). Recorded first, sent after
    commit; suppressed if she opted out."""
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write the message."})
    _require_changeable(complaint=complaint, actor=author)
    complainant = complaint.complainant
    if complainant is None or not complainant.phone:
        raise ValidationError({"body": "This worker has no phone number: she follows the case on /track/."})
    from complaints.sms.services import sms_send

    with transaction.atomic():
        message = sms_send(complainant=complainant, complaint=complaint, body=body, author=author)
        complaint_search_refresh(complaint=complaint)
    return message


def finding_record(
    *, complaint: Complaint, actor: User, standard: Standard, substantiated: bool, notes: str = ""
) -> CaseFinding:
    """Record what the investigation found against ``standard``. A substantiated zero-tolerance
    finding proposes suspending the supplier (``supplier_suspension_propose``).

    Row lock on the case, so a finding cannot slip in while the case is being resolved.
    """
    with transaction.atomic():
        locked = _locked_for_findings(complaint=complaint, actor=actor, action="record a finding on")
        finding = _finding_create(complaint=locked, actor=actor, standard=standard, substantiated=substantiated,
                                  notes=notes)  # fmt: skip
        event_record(
            complaint=locked, kind=EventKind.FINDING, actor=actor,
            data={"finding": str(finding.uuid), "standard": standard.code, "substantiated": substantiated},
        )  # fmt: skip
        _finding_consequences(complaint=locked, finding=finding, actor=actor)
    return finding


def _locked_for_findings(*, complaint: Complaint, actor: Any, action: str) -> Complaint:
    """The case locked, if its findings may change now (``FINDING_STATUSES``); see ``_locked``."""
    locked = _locked(complaint=complaint, actor=actor)
    if locked.status not in FINDING_STATUSES:
        raise IllegalTransition(action=action, status=locked.status)
    return locked


def _finding_create(
    *, complaint: Complaint, actor: User, standard: Standard, substantiated: bool, notes: str
) -> CaseFinding:
    return CaseFinding.objects.create(
        complaint=complaint, standard=standard, substantiated=substantiated, notes=(notes or "").strip(),
        recorded_by=actor,
    )  # fmt: skip


def _finding_consequences(*, complaint: Complaint, finding: CaseFinding, actor: User) -> None:
    """What a new finding sets off: a substantiated zero-tolerance one proposes a suspension."""
    if finding.substantiated and finding.standard.is_zero_tolerance and complaint.worksite_id:
        supplier_suspension_propose(complaint=complaint, finding=finding, actor=actor)


def finding_may_be_withdrawn(*, finding: CaseFinding, user: Any) -> bool:
    """Whether ``user``'s role lets her withdraw or correct ``finding`` (no query; the standard is
    loaded). A substantiated zero-tolerance finding is the lead's: it proposed suspending the
    supplier, and only the lead decides a supplier's standing (as only she closes such a case)."""
    return is_lead(user) or not (finding.substantiated and finding.standard.is_zero_tolerance)


def _withdrawn(row: WithdrawableRow, *, actor: User, reason: str, replaced_by: Any = None) -> None:
    """Mark ``row`` withdrawn. Guarded update on ``withdrawn_at IS NULL``: withdrawing twice (two
    people at once, or a stale page) raises ``ValidationError``."""
    updated = (
        type(row)
        .objects.filter(pk=row.pk, withdrawn_at__isnull=True)
        .update(withdrawn_at=timezone.now(), withdrawn_by=actor, withdrawal_reason=reason, replaced_by=replaced_by)
    )
    if not updated:
        noun = "finding" if isinstance(row, CaseFinding) else "remedy"
        raise ValidationError({noun: f"This {noun} was already withdrawn."})
    row.refresh_from_db()


def _finding_for_change(*, finding: CaseFinding, actor: User, action: str) -> tuple[Complaint, CaseFinding]:
    """Lock the case (call inside ``transaction.atomic()``) and check that ``actor`` may withdraw or
    correct ``finding`` now: the case is under investigation, the finding still counts, and a
    substantiated zero-tolerance one is the lead's (``PermissionDenied``)."""
    locked = _locked_for_findings(complaint=finding.complaint, actor=actor, action=action)
    current = CaseFinding.objects.select_related("standard").get(pk=finding.pk)
    if current.is_withdrawn:
        raise ValidationError({"finding": "This finding was already withdrawn."})
    if not finding_may_be_withdrawn(finding=current, user=actor):
        raise PermissionDenied(
            "Only the monitor lead withdraws or corrects a substantiated zero-tolerance finding: "
            "it proposed suspending the supplier."
        )
    return locked, current


def _finding_grounds_withdrawn(*, finding: CaseFinding, actor: User, why: str) -> None:
    """``finding`` no longer counts: settle the suspension it proposed, if any.

    Pending: rejected at once, with the withdrawal's reason, through ``standing_proposal_reject``
    (the actor is the lead: see ``finding_may_be_withdrawn``), so it is never left for the lead to
    confirm on grounds that are gone, and the case's timeline gets the decision. Confirmed: the
    supplier stays suspended (buyers were told; undoing that is a decision of its own), and the
    leads are told that its grounds were withdrawn. Row lock on the proposal."""
    proposal = (
        StandingProposal.objects.select_for_update()
        .select_related("supplier__organization")
        .filter(origin=FINDING_ORIGIN, origin_id=finding.pk)
        .first()
    )
    if proposal is None:
        return
    if proposal.status == ProposalStatus.PENDING:
        standing_proposal_reject(proposal=proposal, actor=actor, reason=why)
    elif proposal.status == ProposalStatus.CONFIRMED:
        supplier = proposal.supplier.name
        notify_users(
            users=monitor_leads(),
            subject=f"Suspension grounds withdrawn: {supplier}",
            body=(
                f"The substantiated finding on which {supplier} was suspended has been withdrawn "
                f"({proposal.origin_label}). The supplier stays suspended until you decide otherwise; "
                "the reason is on the case page."
            ),
            url=proposal.origin_url,
        )


def finding_proposal(*, finding: CaseFinding) -> StandingProposal | None:
    """The standing proposal ``finding`` made, if any (one query)."""
    return (
        StandingProposal.objects.select_related("supplier__organization")
        .filter(origin=FINDING_ORIGIN, origin_id=finding.pk)
        .first()
    )


def finding_withdraw(*, finding: CaseFinding, actor: User, reason: str) -> CaseFinding:
    """Withdraw a finding recorded in error, saying why. It stays on the case, struck through, but
    counts nowhere any more: not for resolving, not in the supplier summary, not in the API's
    ``findings``. A pending suspension it proposed is rejected with the same reason; see
    ``_finding_grounds_withdrawn``. While the case is under investigation (reopen it first);
    a substantiated zero-tolerance finding is withdrawn by the lead only.

    Row lock on the case (as ``finding_record`` and resolving take), then a guarded update.
    """
    reason = _require_reason(reason)
    with transaction.atomic():
        locked, current = _finding_for_change(finding=finding, actor=actor, action="withdraw a finding on")
        _withdrawn(current, actor=actor, reason=reason)
        event_record(
            complaint=locked, kind=EventKind.FINDING_WITHDRAWN, actor=actor, reason=reason,
            data={"finding": str(current.uuid), "standard": current.standard.code,
                  "substantiated": current.substantiated},
        )  # fmt: skip
        _finding_grounds_withdrawn(finding=current, actor=actor, why=f"Finding withdrawn: {reason}")
    finding.refresh_from_db()
    return finding


def finding_correct(
    *, finding: CaseFinding, actor: User, standard: Standard, substantiated: bool, notes: str = "", reason: str
) -> CaseFinding:
    """Correct a finding's standard, verdict or notes, saying why: the old finding is withdrawn and
    points at its replacement, which counts from now on exactly like a newly recorded one (a
    substantiated zero-tolerance replacement proposes a suspension; a pending suspension the old
    one proposed is rejected). The remedies recorded for the old finding move to the replacement.
    Returns the replacement. The same rules as ``finding_withdraw``; one ``finding_corrected`` event.

    Row lock on the case, then a guarded update of the old finding.
    """
    reason = _require_reason(reason)
    with transaction.atomic():
        locked, current = _finding_for_change(finding=finding, actor=actor, action="correct a finding on")
        replacement = _finding_create(
            complaint=locked, actor=actor, standard=standard, substantiated=substantiated, notes=notes
        )
        _withdrawn(current, actor=actor, reason=reason, replaced_by=replacement)
        moved = Remedy.objects.active().filter(finding=current).update(finding=replacement)
        event_record(
            complaint=locked, kind=EventKind.FINDING_CORRECTED, actor=actor, reason=reason,
            data={"finding": str(current.uuid), "replacement": str(replacement.uuid),
                  "from_standard": current.standard.code, "from_substantiated": current.substantiated,
                  "standard": standard.code, "substantiated": substantiated, "remedies_moved": moved},
        )  # fmt: skip
        _finding_grounds_withdrawn(finding=current, actor=actor, why=f"Finding corrected: {reason}")
        _finding_consequences(complaint=locked, finding=replacement, actor=actor)
    finding.refresh_from_db()
    return replacement


def _remedy_fields(
    *,
    complaint: Complaint,
    kind: str,
    description: str,
    amount: Decimal | None,
    currency: str,
    due_on: date | None,
    finding: CaseFinding | None,
) -> dict[str, Any]:
    """Check a remedy's fields (before any lock); returns them cleaned, to create the remedy with."""
    if kind not in RemedyKind.values:
        raise ValidationError({"kind": "Unknown remedy."})
    currency = (currency or "").strip().upper()
    if currency and not re.fullmatch(r"[A-Z]{3}", currency):
        raise ValidationError({"currency": "Use a three-letter currency code such as USD."})
    if amount is not None and amount < 0:
        raise ValidationError({"amount": "The amount cannot be negative."})
    if kind == RemedyKind.BACK_PAY and (amount is None or not currency):
        raise ValidationError({"amount": "Back pay needs an amount and a currency."})
    if finding is not None and finding.complaint_id != complaint.pk:
        raise ValidationError({"finding": "This finding belongs to another case."})
    return {
        "kind": kind, "description": (description or "").strip(), "amount": amount, "currency": currency,
        "due_on": due_on, "finding": finding,
    }  # fmt: skip


def _locked_for_remedies(
    *, complaint: Complaint, actor: Any, action: str, finding: CaseFinding | None = None
) -> Complaint:
    """The case locked, if its remedies may change now (``REMEDY_STATUSES``) and ``finding`` (if
    given) still counts: a remedy is never recorded for a withdrawn finding."""
    locked = _locked(complaint=complaint, actor=actor)
    if locked.status not in REMEDY_STATUSES:
        raise IllegalTransition(action=action, status=locked.status)
    if finding is not None and not locked.findings.active().filter(pk=finding.pk).exists():
        raise ValidationError({"finding": "This finding was withdrawn: choose one that stands."})
    return locked


def _remedy_data(remedy: Remedy) -> dict[str, Any]:
    """A remedy as the timeline keeps it (no free text: the description may be long)."""
    return {
        "kind": remedy.kind,
        "amount": str(remedy.amount) if remedy.amount is not None else None,
        "currency": remedy.currency,
        "due_on": remedy.due_on.isoformat() if remedy.due_on else None,
    }


def remedy_record(
    *,
    complaint: Complaint,
    actor: User,
    kind: str,
    description: str = "",
    amount: Decimal | None = None,
    currency: str = "",
    due_on: date | None = None,
    finding: CaseFinding | None = None,
) -> Remedy:
    """Record a remedy the supplier owes (back pay needs an amount and a currency), for a finding
    that still counts, if given. Row lock on the case."""
    fields = _remedy_fields(
        complaint=complaint, kind=kind, description=description, amount=amount, currency=currency, due_on=due_on,
        finding=finding,
    )  # fmt: skip
    with transaction.atomic():
        locked = _locked_for_remedies(complaint=complaint, actor=actor, action="record a remedy on", finding=finding)
        remedy = Remedy.objects.create(complaint=locked, recorded_by=actor, **fields)
        event_record(
            complaint=locked, kind=EventKind.REMEDY, actor=actor,
            data={"remedy": str(remedy.uuid), **_remedy_data(remedy)},
        )  # fmt: skip
    return remedy


def _remedy_for_change(*, remedy: Remedy, actor: User, action: str, finding: CaseFinding | None = None) -> Remedy:
    """Lock the case, then the remedy (call inside ``transaction.atomic()``): the remedy's row lock
    makes a verification at the same moment wait, then find it withdrawn."""
    _locked_for_remedies(complaint=remedy.complaint, actor=actor, action=action, finding=finding)
    current = Remedy.objects.select_for_update().get(pk=remedy.pk)
    if current.is_withdrawn:
        raise ValidationError({"remedy": "This remedy was already withdrawn."})
    return current


def remedy_withdraw(*, remedy: Remedy, actor: User, reason: str) -> Remedy:
    """Withdraw a remedy recorded in error, saying why (a verified one too: the verification stays
    in its history). It stays on the case, struck through, and counts nowhere any more.

    Row locks on the case and the remedy, then a guarded update.
    """
    reason = _require_reason(reason)
    with transaction.atomic():
        current = _remedy_for_change(remedy=remedy, actor=actor, action="withdraw a remedy on")
        _withdrawn(current, actor=actor, reason=reason)
        event_record(
            complaint=remedy.complaint, kind=EventKind.REMEDY_WITHDRAWN, actor=actor, reason=reason,
            data={"remedy": str(current.uuid), **_remedy_data(current), "verified": current.verified},
        )  # fmt: skip
    remedy.refresh_from_db()
    return remedy


def remedy_correct(
    *,
    remedy: Remedy,
    actor: User,
    reason: str,
    kind: str,
    description: str = "",
    amount: Decimal | None = None,
    currency: str = "",
    due_on: date | None = None,
    finding: CaseFinding | None = None,
) -> Remedy:
    """Correct a remedy, saying why: the old one is withdrawn and points at its replacement, which
    is not verified, whatever the old one was: a verification holds for what was verified, so a
    corrected remedy is verified again (a verified remedy is never edited in place). Returns the
    replacement; one ``remedy_corrected`` event.

    Row locks on the case and the remedy, then a guarded update of the old remedy.
    """
    reason = _require_reason(reason)
    complaint = remedy.complaint
    fields = _remedy_fields(
        complaint=complaint, kind=kind, description=description, amount=amount, currency=currency, due_on=due_on,
        finding=finding,
    )  # fmt: skip
    with transaction.atomic():
        current = _remedy_for_change(remedy=remedy, actor=actor, action="correct a remedy on", finding=finding)
        replacement = Remedy.objects.create(complaint=complaint, recorded_by=actor, **fields)
        _withdrawn(current, actor=actor, reason=reason, replaced_by=replacement)
        event_record(
            complaint=complaint, kind=EventKind.REMEDY_CORRECTED, actor=actor, reason=reason,
            data={"remedy": str(current.uuid), "replacement": str(replacement.uuid), **_remedy_data(replacement),
                  "from": _remedy_data(current), "was_verified": current.verified},
        )  # fmt: skip
    remedy.refresh_from_db()
    return replacement


def remedy_verify(*, remedy: Remedy, actor: User) -> Remedy:
    """Mark a remedy verified by the monitor. Guarded update on ``verified = false`` and not
    withdrawn; verifying twice, or a withdrawn remedy, raises ``ValidationError``."""
    _require_changeable(complaint=remedy.complaint, actor=actor)
    now = timezone.now()
    with transaction.atomic():
        updated = Remedy.objects.filter(pk=remedy.pk, verified=False, withdrawn_at__isnull=True).update(
            verified=True, verified_at=now, verified_by=actor
        )
        remedy.refresh_from_db()
        if not updated:
            raise ValidationError(
                {"remedy": "This remedy was withdrawn." if remedy.is_withdrawn else "This remedy is already verified."}
            )
        event_record(
            complaint=remedy.complaint, kind=EventKind.REMEDY_VERIFIED, actor=actor,
            data={"remedy": str(remedy.uuid), "kind": remedy.kind},
        )  # fmt: skip
    return remedy


def complaint_link(*, complaint: Complaint, other: Complaint, actor: User, reason: str = "") -> bool:
    """Link two cases (e.g. retaliation after an earlier complaint); both get an event. Returns False
    if they were already linked. ``actor`` must be able to change both."""
    if complaint.pk == other.pk:
        raise ValidationError({"other": "A case cannot be linked to itself."})
    if _changeable(actor).filter(pk__in=[complaint.pk, other.pk]).count() != 2:
        raise Http404("No such case.")
    with transaction.atomic():
        # Lock both rows in id order so two people linking the same pair cannot deadlock.
        list(Complaint.objects.select_for_update().filter(pk__in=[complaint.pk, other.pk]).order_by("pk"))
        if complaint.linked.filter(pk=other.pk).exists():
            return False
        complaint.linked.add(other)
        for one, two in ((complaint, other), (other, complaint)):
            event_record(
                complaint=one, kind=EventKind.LINKED, actor=actor, reason=reason.strip(),
                data={"reference": two.reference},
            )  # fmt: skip
    return True


# --- Identity -------------------------------------------------------------------------------------


def complainant_identity_reveal(*, complaint: Complaint, user: User, reason: str) -> tuple[str, str]:
    """The complainant's (phone, name), for an investigator or lead who states why.

    Every reveal writes an ``IdentityAccess`` row (the lead's access log) and an event; neither holds
    the identity itself. Raises Http404 if ``user`` may not work the case, ValidationError for a
    missing reason or an anonymous complaint.
    """
    reason = _require_reason(reason)
    if not Complaint.objects.restrict(user, "view").filter(pk=complaint.pk).exists():
        raise Http404("No such case.")
    complainant = complaint.complainant
    if complainant is None or not (complainant.phone or complainant.name):
        raise ValidationError({"reason": "This complaint is anonymous: there is no identity to reveal."})
    with transaction.atomic():
        IdentityAccess.objects.create(complaint=complaint, user=user, reason=reason)
        event_record(complaint=complaint, kind=EventKind.IDENTITY_REVEALED, actor=user, reason=reason)
    return complainant.phone, complainant.name


# --- Market consequence ---------------------------------------------------------------------------


def supplier_suspension_propose(*, complaint: Complaint, finding: CaseFinding, actor: User | None) -> StandingProposal:
    """Propose suspending the case's supplier after a substantiated zero-tolerance finding: a standing
    proposal (``wsr.network``) the lead confirms or rejects, with a reason naming neither the worker
    nor the case. Idempotent per finding. The case's timeline gets the proposal and, through
    ``complaints.receivers``, the lead's decision."""
    supplier = complaint.worksite.supplier  # type: ignore[union-attr]
    proposal, created = standing_propose(
        supplier=supplier,
        to_standing=Standing.SUSPENDED,
        reason=SUSPENSION_REASON.format(category=finding.standard.get_category_display().lower()),
        origin=FINDING_ORIGIN,
        origin_id=finding.pk,
        origin_label=f"Case {complaint.reference}: substantiated finding {finding.standard.code}",
        origin_url=case_path(complaint.reference),
        actor=actor,
    )
    if created:
        event_record(
            complaint=complaint, kind=EventKind.STANDING_PROPOSED, actor=actor,
            data={"proposal": str(proposal.uuid), "supplier": str(supplier.uuid), "to_standing": Standing.SUSPENDED},
        )  # fmt: skip
    return proposal


def standing_decision_record(*, proposal: StandingProposal) -> None:
    """Put the lead's decision on a proposal this app made into its case's timeline."""
    if proposal.origin != FINDING_ORIGIN or proposal.origin_id is None:
        return
    finding = CaseFinding.objects.select_related("complaint").filter(pk=proposal.origin_id).first()
    if finding is None:
        return
    confirmed = proposal.status == ProposalStatus.CONFIRMED
    event_record(
        complaint=finding.complaint,
        kind=EventKind.STANDING_CONFIRMED if confirmed else EventKind.STANDING_REJECTED,
        actor=proposal.decided_by,
        reason=proposal.decision_reason,
        data={
            "proposal": str(proposal.uuid),
            "supplier": str(proposal.supplier.uuid),
            "changed": bool(proposal.change_id),
        },
    )


# --- Redacted summary for the supplier ------------------------------------------------------------


def complaint_summary_draft(
    *, complaint: Complaint, findings: Sequence[CaseFinding] | None = None, remedies: Sequence[Remedy] | None = None
) -> str:
    """A starting text for the supplier summary: worksite, standard, outcome, findings and remedies.
    It never quotes the worker, and never holds her identity or the case reference. Pass the case's
    ``findings`` (standard loaded) and ``remedies`` if already read, to save their queries."""
    lines = []
    where = complaint.worksite.name if complaint.worksite_id else "one of your worksites"  # type: ignore[union-attr]
    about = complaint.standard.title if complaint.standard_id else "the code of conduct"  # type: ignore[union-attr]
    lines.append(f"The monitor received a worker complaint concerning {where}, under: {about}.")
    lines.append(f"Current status: {Status(complaint.status).label}.")
    if findings is None:
        findings = list(complaint.findings.active().select_related("standard"))
    if remedies is None:
        remedies = list(complaint.remedies.active())
    # A withdrawn finding or remedy was a mistake: it never reaches the supplier.
    findings = [finding for finding in findings if not finding.is_withdrawn]
    remedies = [remedy for remedy in remedies if not remedy.is_withdrawn]
    for finding in findings:
        verdict = "substantiated" if finding.substantiated else "not substantiated"
        lines.append(f"Finding — {finding.standard.title}: {verdict}.")
    for remedy in remedies:
        text = f"Remedy required — {remedy.get_kind_display()}"
        if remedy.amount is not None:
            text += f": {remedy.amount} {remedy.currency}"
        if remedy.due_on:
            text += f", due {remedy.due_on.isoformat()}"
        lines.append(text + ("" if not remedy.verified else " (verified)") + ".")
    return "\n".join(lines)


def _identity_leaks(*, complaint: Complaint, text: str) -> bool:
    """Whether ``text`` would let a supplier find the worker (``complaints.redaction``)."""
    from complaints.redaction import identity_leak

    return identity_leak(complaint=complaint, text=text) is not None


def complaint_summary_share(*, complaint: Complaint, actor: User, summary: str) -> SupplierShare:
    """Share a redacted summary with the case's supplier. Refused if the text contains the worker's
    name or phone number or the case reference (the supplier must not be able to find her)."""
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError({"summary": "Write the summary."})
    if not complaint.worksite_id:
        raise ValidationError({"summary": "The case has no worksite, so no supplier to share with."})
    _require_changeable(complaint=complaint, actor=actor)
    if _identity_leaks(complaint=complaint, text=summary):
        raise ValidationError({"summary": "Remove the worker's name, phone number and the case reference."})
    with transaction.atomic():
        share = SupplierShare.objects.create(
            complaint=complaint,
            supplier=complaint.worksite.supplier,  # type: ignore[union-attr]
            summary=summary,
            shared_by=actor,
        )
        event_record(complaint=complaint, kind=EventKind.SHARED, actor=actor, data={"share": str(share.uuid)})
        # Nothing from the case in the notice: the summary itself is behind the supplier's sign-in.
        notify_users(
            users=supplier_users(supplier=share.supplier),
            subject="The monitor shared a complaint summary with you",
            body="Read it and tell the monitor what you will do about it.",
            url="/supplier/summaries/",
        )
    return share


def case_path(reference: str) -> str:
    """The monitor's case page for ``reference``."""
    from django.urls import reverse

    return reverse("complaints:case", kwargs={"reference": reference})

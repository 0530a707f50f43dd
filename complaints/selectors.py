"""Reads of cases for the monitor workspace and the API. Query counts never grow with the data.

For the pages (``/monitor/`` queue, case page, access log), the signatures are:

``QueueFilters.from_params(request.GET)``
    Parse the queue's query string, ignoring values that make no sense (never an error):
    ``status`` (repeatable; a status, ``open`` — the default — or ``all``), ``severity``, ``standard``
    (code), ``supplier`` (UUID), ``worksite`` (code), ``language``, ``channel``, ``assignee``
    (``mine`` | ``unassigned``), ``overdue`` (``1``), ``q`` (search), ``cursor``, ``limit`` (≤ 100).
    ``filters.as_params()`` gives them back as a dict for links; ``cursor`` is left out.

``complaint_queue(*, user, filters) -> QueuePage``
    ``page.rows``: up to ``limit`` cases (``QUEUE_COLUMNS`` loaded) ordered by urgency — severity
    (zero tolerance first), then the current stage's deadline (``next_due``: overdue, i.e. earliest,
    first; none last), then id — with ``worksite__supplier__organization``, ``standard`` and
    ``assignee`` loaded; each row has ``is_overdue``. ``page.next_cursor``: the opaque cursor of the next page, or None.
    Keyset pagination: the last page costs what the first does. 1 query (2 after the first page).

``complaint_queue_counts(*, user, filters) -> dict[str, int]``
    Counts beside the filters, under the current filters except status/assignee/overdue: one per
    status, ``open``, ``overdue``, ``mine``, ``unassigned``, ``all``. One query; load it lazily (htmx).

``complaint_case(*, user, reference) -> CaseView``
    Everything the case page shows except the timeline, in a fixed number of queries; raises Http404
    as ``access_complaint`` does. ``complaint_timeline(*, complaint)`` gives the timeline (3 queries).

``identity_access_log(*, user)``: the reveal log, newest first, for the lead (empty for others).
``supplier_shared_summaries(*, user)``: summaries shared with the user's own supplier(s).
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.contrib.postgres.search import SearchQuery
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from complaints.choices import FINDING_ORIGIN, OPEN_STATUSES, Channel, Language, Status
from complaints.models import (
    Complaint,
    Event,
    IdentityAccess,
    Message,
    SupplierShare,
)
from complaints.models.case import SEVERITY_RANK
from complaints.permissions import access_complaint
from complaints.services import normalize_reference
from wsr.network.choices import OrganizationKind, Role, Severity
from wsr.network.models import Organization, StandingProposal, SupplyRelationship
from wsr.network.roles import is_lead

DEFAULT_LIMIT = 50
MAX_LIMIT = 100
QUEUE_RELATED = ("worksite__supplier__organization", "standard", "assignee")
# The columns a queue row shows; leaving the rest out (search vector, receipt hash, related rows'
# other columns) halves the work of building 50 rows.
QUEUE_COLUMNS = (
    "reference", "channel", "language", "worksite__code", "worksite__name", "worksite__supplier__uuid",
    "worksite__supplier__standing", "worksite__supplier__organization__name", "standard__code", "standard__title",
    "severity", "description", "status", "scope", "assignee__username", "assignee__first_name",
    "assignee__last_name", "received_at", "acknowledge_due", "investigate_due", "resolve_due", "escalated_at",
    "severity_rank", "next_due", "complainant_id", "updated_at",
)  # fmt: skip


# --- Filters --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueFilters:
    """The queue's filters; every field optional. Build from a query string with ``from_params``."""

    status: tuple[str, ...] = ()  # empty: open cases
    all_statuses: bool = False
    severity: str = ""
    standard: str = ""
    supplier: uuid.UUID | None = None
    worksite: str = ""
    language: str = ""
    channel: str = ""
    assignee: str = ""  # "mine" | "unassigned"
    overdue: bool = False
    q: str = ""
    cursor: str = ""
    limit: int = DEFAULT_LIMIT

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> QueueFilters:
        """Parse a QueryDict (or plain dict); unknown or malformed values are ignored."""

        def one(name: str) -> str:
            value = params.get(name, "")
            if isinstance(value, list | tuple):
                value = value[-1] if value else ""
            return str(value).strip()[:200]

        getlist = getattr(params, "getlist", None)
        raw_status = getlist("status") if getlist else params.get("status", [])
        if isinstance(raw_status, str):
            raw_status = [raw_status]
        statuses = {s.strip() for item in raw_status for s in str(item).split(",") if s.strip()}
        all_statuses = "all" in statuses
        chosen = tuple(sorted(s for s in statuses if s in Status.values))
        if "open" in statuses:
            chosen = tuple(sorted({*chosen, *OPEN_STATUSES}))
        try:
            supplier = uuid.UUID(one("supplier")) if one("supplier") else None
        except ValueError:
            supplier = None
        try:
            limit = max(1, min(MAX_LIMIT, int(one("limit") or DEFAULT_LIMIT)))
        except ValueError:
            limit = DEFAULT_LIMIT
        severity = one("severity")
        language = one("language")
        channel = one("channel")
        assignee = one("assignee")
        return cls(
            status=() if all_statuses else chosen,
            all_statuses=all_statuses,
            severity=severity if severity in Severity.values else "",
            standard=one("standard").upper()[:10],
            supplier=supplier,
            worksite=one("worksite").upper()[:5],
            language=language if language in Language.values else "",
            channel=channel if channel in Channel.values else "",
            assignee=assignee if assignee in ("mine", "unassigned") else "",
            overdue=one("overdue").lower() in ("1", "true", "yes", "on"),
            q=one("q"),
            cursor=one("cursor"),
            limit=limit,
        )

    def as_params(self) -> dict[str, Any]:
        """The filters as query parameters (without the cursor), for links and forms."""
        params: dict[str, Any] = {}
        if self.all_statuses:
            params["status"] = "all"
        elif self.status:
            params["status"] = list(self.status)
        for name in ("severity", "standard", "worksite", "language", "channel", "assignee", "q"):
            if getattr(self, name):
                params[name] = getattr(self, name)
        if self.supplier:
            params["supplier"] = str(self.supplier)
        if self.overdue:
            params["overdue"] = "1"
        if self.limit != DEFAULT_LIMIT:
            params["limit"] = self.limit
        return params


def _filtered(*, user: Any, filters: QueueFilters, now: datetime, facets: bool = True) -> QuerySet[Complaint]:
    """The restricted queryset under ``filters``; without ``facets`` the status, assignee and overdue
    filters are left out (the counts are computed across them)."""
    qs = Complaint.objects.restrict(user, "view")
    if filters.severity:
        # The same rows as severity=..., but a range of the urgency indexes rather than a filter.
        qs = qs.filter(severity_rank=SEVERITY_RANK[filters.severity])
    if filters.standard:
        qs = qs.filter(standard__code=filters.standard)
    if filters.supplier:
        qs = qs.filter(worksite__supplier__uuid=filters.supplier)
    if filters.worksite:
        qs = qs.filter(worksite__code=filters.worksite)
    if filters.language:
        qs = qs.filter(language=filters.language)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.q:
        reference = normalize_reference(filters.q)
        search = Q(search_vector=SearchQuery(filters.q, config="simple", search_type="plain"))
        qs = qs.filter(search | Q(reference=reference)) if reference else qs.filter(search)
    if not facets:
        return qs
    if not filters.all_statuses:
        qs = qs.filter(status__in=filters.status or OPEN_STATUSES)
    if filters.assignee == "mine":
        qs = qs.filter(assignee=user)
    elif filters.assignee == "unassigned":
        qs = qs.filter(assignee__isnull=True)
    if filters.overdue:
        qs = qs.filter(next_due__lte=now)
    return qs


# --- Queue ----------------------------------------------------------------------------------------


@dataclass
class QueuePage:
    rows: list[Complaint]
    next_cursor: str | None
    filters: QueueFilters
    now: datetime = field(default_factory=timezone.now)


def _cursor_encode(row: Complaint) -> str:
    payload = [row.severity_rank, row.next_due.isoformat() if row.next_due else None, row.pk]
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


def _cursor_decode(cursor: str) -> tuple[int, datetime | None, int] | None:
    """(severity_rank, next_due, id) of the last row shown, or None for a malformed cursor."""
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        rank, due, pk = raw
        due_at = parse_datetime(due) if due is not None else None
        if not isinstance(rank, int) or not isinstance(pk, int) or (due is not None and due_at is None):
            return None
        return rank, due_at, pk
    except (ValueError, TypeError, json.JSONDecodeError):
        return None


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _urgency(qs: QuerySet[Complaint]) -> QuerySet[Complaint]:
    return qs.order_by(F("severity_rank").desc(), F("next_due").asc(nulls_last=True), "id")


def complaint_queue(*, user: Any, filters: QueueFilters) -> QueuePage:
    """One page of the triage queue for ``user`` (see the module docstring)."""
    now = timezone.now()
    qs = _filtered(user=user, filters=filters, now=now)
    limit = filters.limit
    cursor = _cursor_decode(filters.cursor) if filters.cursor else None
    if cursor is None:
        rows = list(_urgency(qs.select_related(*QUEUE_RELATED).only(*QUEUE_COLUMNS))[: limit + 1])
    else:
        rows = _after_cursor(qs, cursor, limit + 1)
    next_cursor = _cursor_encode(rows[limit - 1]) if len(rows) > limit else None
    rows = rows[:limit]
    for row in rows:
        row.is_overdue = bool(row.next_due and row.next_due <= now)  # type: ignore[attr-defined]
    return QueuePage(rows=rows, next_cursor=next_cursor, filters=filters, now=now)


def _after_cursor(qs: QuerySet[Complaint], cursor: tuple[int, datetime | None, int], n: int) -> list[Complaint]:
    """Rows after ``cursor`` in urgency order, in two queries whatever the page's depth.

    The order mixes directions (severity desc, deadline asc nulls last, id asc), so one row
    comparison cannot express "after". Instead three index range scans, each in the index's order
    (so PostgreSQL reads them from the urgency indexes, the partial one of open cases first) and cut
    at ``n`` rows, are glued with UNION ALL: the rest of the cursor's severity with a later
    deadline, the rest of it without a deadline, and every lower severity.
    """
    rank, due, pk = cursor
    columns = ("id", "severity_rank", "next_due")
    parts = []
    if due is not None:
        # next_due >= due is redundant with the OR but lets PostgreSQL use it as the index condition.
        same_rank_dated = qs.filter(severity_rank=rank, next_due__gte=due).filter(
            Q(next_due__gt=due) | Q(next_due=due, id__gt=pk)
        )
        parts.append(_urgency(same_rank_dated).values_list(*columns)[:n])
        parts.append(_urgency(qs.filter(severity_rank=rank, next_due__isnull=True)).values_list(*columns)[:n])
    else:
        parts.append(
            _urgency(qs.filter(severity_rank=rank, next_due__isnull=True, id__gt=pk)).values_list(*columns)[:n]
        )
    parts.append(_urgency(qs.filter(severity_rank__lt=rank)).values_list(*columns)[:n])
    union = parts[0].union(*parts[1:], all=True)
    ordered = sorted(union, key=lambda r: (-r[1], r[2] is None, r[2] or _EPOCH, r[0]))[:n]
    ids = [r[0] for r in ordered]
    by_id = Complaint.objects.select_related(*QUEUE_RELATED).only(*QUEUE_COLUMNS).in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]


def complaint_queue_counts(*, user: Any, filters: QueueFilters) -> dict[str, int]:
    """Counts per facet under the other filters, in one aggregate query (see the module docstring)."""
    now = timezone.now()
    qs = _filtered(user=user, filters=filters, now=now, facets=False)
    aggregates: dict[str, Any] = {status: Count("id", filter=Q(status=status)) for status in Status.values}
    aggregates["all"] = Count("id")
    aggregates["overdue"] = Count("id", filter=Q(status__in=OPEN_STATUSES, next_due__lte=now))
    aggregates["mine"] = Count("id", filter=Q(status__in=OPEN_STATUSES, assignee=user.pk))
    aggregates["unassigned"] = Count("id", filter=Q(status__in=OPEN_STATUSES, assignee__isnull=True))
    counts: dict[str, int] = qs.aggregate(**aggregates)
    counts["open"] = sum(counts[s] for s in OPEN_STATUSES)
    return counts


# --- Case page ------------------------------------------------------------------------------------


@dataclass
class TimelineEntry:
    """One line of the case timeline: an event or a message (``message.kind == 'note'`` is internal)."""

    at: datetime
    event: Event | None = None
    message: Message | None = None

    @property
    def kind(self) -> str:
        return "event" if self.event is not None else "message"

    @property
    def is_internal(self) -> bool:
        return self.message is not None and self.message.kind == "note"


def complaint_timeline(*, complaint: Complaint) -> list[TimelineEntry]:
    """Events and messages of the case merged by time (oldest first): 3 queries, whatever the size."""
    events = list(complaint.events.select_related("actor").order_by("created_at", "id"))
    messages = list(
        complaint.messages.select_related("author").prefetch_related("attachments").order_by("created_at", "id")
    )
    entries = [TimelineEntry(at=e.created_at, event=e) for e in events]
    entries += [TimelineEntry(at=m.created_at, message=m) for m in messages]
    # Stable: at equal times, events (e.g. "received") come before the messages they introduce.
    entries.sort(key=lambda entry: (entry.at, entry.kind != "event"))
    return entries


@dataclass
class CaseView:
    """What the case page shows besides the timeline. ``complainant_*`` never carry the identity."""

    complaint: Complaint
    findings: list[Any]
    remedies: list[Any]
    linked: list[Complaint]
    attachments: list[Any]
    concerned_buyers: list[Organization]
    proposals: list[StandingProposal]
    shares: list[SupplierShare]
    identity_reveals: int
    has_complainant: bool
    complainant_reachable: bool
    is_overdue: bool


def complaint_case(*, user: Any, reference: str) -> CaseView:
    """The case page's data for ``user``; Http404 if she may not see it (constant query count)."""
    complaint = access_complaint(user=user, reference=reference)
    supplier_id = complaint.worksite.supplier_id if complaint.worksite_id else None  # type: ignore[union-attr]
    complainant = complaint.complainant  # one query, no decryption shown anywhere
    buyers: list[Organization] = []
    if supplier_id:
        buyers = list(
            Organization.objects.filter(
                kind=OrganizationKind.BUYER,
                pk__in=SupplyRelationship.objects.active().filter(supplier_id=supplier_id).values("buyer_id"),
            ).order_by("name")
        )
    now = timezone.now()
    return CaseView(
        complaint=complaint,
        findings=list(complaint.findings.select_related("standard", "recorded_by")),
        remedies=list(complaint.remedies.select_related("finding__standard", "verified_by")),
        linked=list(
            complaint.linked.restrict(user, "view").select_related("worksite", "standard").order_by("received_at")
        ),
        attachments=list(complaint.attachments.order_by("created_at")),
        concerned_buyers=buyers,
        proposals=case_standing_proposals(complaint=complaint),
        shares=list(complaint.supplier_shares.select_related("shared_by")),
        identity_reveals=complaint.identity_accesses.count(),
        has_complainant=complainant is not None and bool(complainant.phone_hash or complainant.name),
        complainant_reachable=complainant is not None and complainant.reachable_by_sms,
        is_overdue=bool(complaint.next_due and complaint.next_due <= now),
    )


# --- Logs and portals -----------------------------------------------------------------------------


def case_standing_proposals(*, complaint: Complaint) -> list[StandingProposal]:
    """The standing proposals this case's findings made, oldest first (one query)."""
    return list(
        StandingProposal.objects.filter(origin=FINDING_ORIGIN, origin_id__in=complaint.findings.values("pk"))
        .select_related("supplier__organization", "decided_by")
        .order_by("proposed_at", "pk")
    )


def identity_access_log(*, user: Any) -> QuerySet[IdentityAccess]:
    """Every identity reveal, newest first, for the monitor lead (and admin); empty for anyone else."""
    if not is_lead(user):
        return IdentityAccess.objects.none()
    return IdentityAccess.objects.select_related("complaint", "user").order_by("-created_at", "-id")


def supplier_shared_summaries(*, user: Any) -> QuerySet[SupplierShare]:
    """Redacted summaries shared with the supplier(s) ``user`` belongs to. The rows carry no link to
    the case the page may follow: show ``summary`` and ``shared_at`` only, never ``complaint``."""
    if not (user.is_authenticated and user.is_active):
        return SupplierShare.objects.none()
    return (
        SupplierShare.objects.filter(
            supplier__organization__memberships__user=user,
            supplier__organization__memberships__role=Role.SUPPLIER_USER,
            supplier__organization__memberships__is_active=True,
        )
        .select_related("supplier__organization")
        .only("uuid", "summary", "shared_at", "supplier__organization__name", "supplier__uuid")
        .order_by("-shared_at", "-id")
    )


__all__ = [
    "CaseView",
    "QueueFilters",
    "QueuePage",
    "TimelineEntry",
    "case_standing_proposals",
    "complaint_case",
    "complaint_queue",
    "complaint_queue_counts",
    "complaint_timeline",
    "identity_access_log",
    "supplier_shared_summaries",
]

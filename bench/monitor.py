"""Monitor workspace at scale: queue pages, the case timeline and one escalation scan, each beside raw SQL.

Needs a database filled by ``manage.py seed_scale`` (see docs/performance.md). Creates, once, a bench
lead and one case with 200 messages; the escalation scan runs inside a transaction that is rolled back,
so the data set stays as it was.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from complaints.escalation import complaint_deadlines_sync
from complaints.models import Complaint, Event, Message
from complaints.selectors import QueueFilters, complaint_case, complaint_queue, complaint_timeline
from complaints.services import complaint_create
from wsr.deadlines.services import deadline_scan
from wsr.network.choices import OrganizationKind, Role
from wsr.network.models import Membership, Organization, User, Worksite

Row = tuple[str, float, float | None, int, str]
REPEAT = 11
OVERDUE = 5000

SELECT = """
    SELECT c.id, c.reference, c.status, c.severity, c.language, c.channel, c.received_at, c.next_due,
           c.severity_rank, c.escalated_at, c.description, w.code, w.name, o.name, st.code, st.title, u.username
    FROM complaints_complaint c
    LEFT JOIN network_worksite w ON w.id = c.worksite_id
    LEFT JOIN network_supplier s ON s.id = w.supplier_id
    LEFT JOIN network_organization o ON o.id = s.organization_id
    LEFT JOIN network_standard st ON st.id = c.standard_id
    LEFT JOIN network_user u ON u.id = c.assignee_id
    WHERE c.status IN ('new', 'triaged', 'investigating') {where}
    ORDER BY c.severity_rank DESC, c.next_due ASC NULLS LAST, c.id
    LIMIT 51
"""


def median_ms(func: Callable[[], Any], repeat: int = REPEAT, warmup: int = 2) -> float:
    for _ in range(warmup):
        func()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def count_queries(func: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as captured:
        func()
    return len(captured.captured_queries)


def raw(sql: str, params: list[Any] | None = None) -> Callable[[], list[Any]]:
    def execute() -> list[Any]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params or [])
            return cursor.fetchall()

    return execute


def bench_lead() -> User:
    monitor, _ = Organization.objects.get_or_create(name="Scale monitor", defaults={"kind": OrganizationKind.MONITOR})
    user, _ = User.objects.get_or_create(username="bench-lead", defaults={"email": "bench-lead@example.org"})
    Membership.objects.get_or_create(user=user, organization=monitor, role=Role.MONITOR_LEAD)
    return User.objects.get(pk=user.pk)


def bench_case() -> Complaint:
    """A case with 200 messages and a few events (made once, found again by its description)."""
    marker = "bench case with 200 messages"
    existing = Complaint.objects.filter(description=marker).first()
    if existing:
        return existing
    worksite = Worksite.objects.order_by("pk").first()
    complaint = complaint_create(channel="sms", language="es", description=marker, worksite=worksite)
    kinds = ["inbound", "outbound", "note", "outbound"]
    Message.objects.bulk_create(
        [Message(complaint=complaint, kind=kinds[i % 4], body=f"message {i} about the wages", language="es")
         for i in range(200)]
    )  # fmt: skip
    Event.objects.bulk_create([Event(complaint=complaint, kind="assigned", data={"n": i}) for i in range(20)])
    return complaint


def staff_client(user: User) -> Client:
    """A signed-in client past the TOTP step, as after ``/accounts/2fa/``."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})[0]
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def get_ok(client: Client, url: str) -> Callable[[], None]:
    def fetch() -> None:
        response = client.get(url, secure=True)
        assert response.status_code == 200, (url, response.status_code)

    return fetch


def run() -> Iterator[Row]:
    total = Complaint.objects.count()
    lead = bench_lead()
    lead.roles  # noqa: B018 - the role cache a request fills once
    client = staff_client(lead)
    yield ("data set", 0.0, None, 0, f"{total:,} complaints, {Worksite.objects.count():,} worksites")

    pages: list[tuple[str, QueueFilters, str, str]] = [
        ("queue: first page (open cases by urgency)", QueueFilters(), "", ""),
        (
            "queue: filtered (serious, SMS, overdue)",
            QueueFilters(severity="serious", channel="sms", overdue=True),
            "AND c.severity_rank = 2 AND c.channel = 'sms' AND c.next_due <= now()",
            "severity=serious&channel=sms&overdue=1",
        ),
        (
            "queue: searched ('passports')",
            QueueFilters(q="passports"),
            "AND (c.search_vector @@ plainto_tsquery('simple', 'passports') OR c.reference = 'PASSPORTS')",
            "q=passports",
        ),
    ]
    for label, filters, where, query in pages:
        page_ms = median_ms(lambda f=filters: complaint_queue(user=lead, filters=f))  # type: ignore[misc]
        raw_ms = median_ms(raw(SELECT.format(where=where)))
        queries = count_queries(lambda f=filters: complaint_queue(user=lead, filters=f))  # type: ignore[misc]
        yield (label + " — selector", page_ms, raw_ms, queries, "")
        api_ms = median_ms(get_ok(client, f"/api/v1/complaints/?{query}"))
        yield (label + " — API request", api_ms, raw_ms, count_queries(get_ok(client, f"/api/v1/complaints/?{query}")),
               "whole request: auth, session, JSON")  # fmt: skip
        page = get_ok(client, f"/monitor/?{query}")
        yield (label + " — /monitor/ page", median_ms(page), raw_ms, count_queries(page),
               "whole request: session, 2FA, HTML")  # fmt: skip

    # A deep page: 400 pages of 50 in, through the keyset cursor.
    filters = QueueFilters(limit=50)
    cursor_page = complaint_queue(user=lead, filters=filters)
    deep_rows = 0
    for _ in range(400):
        if not cursor_page.next_cursor:
            break
        cursor_page = complaint_queue(user=lead, filters=QueueFilters(limit=50, cursor=cursor_page.next_cursor))
        deep_rows += 50
    if cursor_page.next_cursor:
        deep = QueueFilters(limit=50, cursor=cursor_page.next_cursor)
        deep_ms = median_ms(lambda: complaint_queue(user=lead, filters=deep))
        offset_ms = median_ms(raw(SELECT.format(where="") + f" OFFSET {deep_rows}"))
        deep_queries = count_queries(lambda: complaint_queue(user=lead, filters=deep))
        label = f"queue: page after {deep_rows:,} rows (keyset)"
        yield (label, deep_ms, offset_ms, deep_queries, "raw SQL = the same page by OFFSET")

    case = bench_case()

    def case_page() -> None:
        complaint_case(user=lead, reference=case.reference)
        complaint_timeline(complaint=case)

    raw_timeline = raw(
        """
        SELECT e.*, u.username FROM complaints_event e LEFT JOIN network_user u ON u.id = e.actor_id
        WHERE e.complaint_id = %s ORDER BY e.created_at, e.id;
        """,
        [case.pk],
    )
    raw_messages = raw(
        """
        SELECT m.*, u.username FROM complaints_message m LEFT JOIN network_user u ON u.id = m.author_id
        WHERE m.complaint_id = %s ORDER BY m.created_at, m.id
        """,
        [case.pk],
    )
    raw_ms = median_ms(lambda: (raw_timeline(), raw_messages()))
    yield ("case: header + timeline, 200 messages — selectors", median_ms(case_page), raw_ms, count_queries(case_page),
           "raw SQL = events + messages")  # fmt: skip
    case_url = f"/monitor/cases/{case.reference}/"
    yield ("case: /monitor/cases/<ref>/ page, 200 messages", median_ms(get_ok(client, case_url)), raw_ms,
           count_queries(get_ok(client, case_url)), "whole request: session, 2FA, HTML")  # fmt: skip
    timeline_url = f"/api/v1/complaints/{case.reference}/timeline/"
    yield ("case: timeline, 200 messages — API request", median_ms(get_ok(client, timeline_url)), raw_ms,
           count_queries(get_ok(client, timeline_url)), "whole request")  # fmt: skip

    yield from escalation_rows()


def _make_overdue(now: Any) -> list[int]:
    """Turn 5,000 open cases into new cases whose acknowledgement was due an hour ago."""
    ids = list(
        Complaint.objects.filter(status__in=["new", "triaged", "investigating"]).values_list("pk", flat=True)[:OVERDUE]
    )
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM deadlines_deadline WHERE kind LIKE 'complaints.%%' AND object_id = ANY(%s)", [ids])
        cursor.execute(
            """
            UPDATE complaints_complaint SET status = 'new', acknowledged_at = NULL, investigation_started_at = NULL,
                resolved_at = NULL, escalated_at = NULL, acknowledge_due = %s, investigate_due = %s, resolve_due = %s
            WHERE id = ANY(%s)
            """,
            [now - timedelta(hours=1), now + timedelta(days=1), now + timedelta(days=10), ids],
        )
    complaint_deadlines_sync(complaints=Complaint.objects.filter(pk__in=ids), new=True)
    return ids


class Rollback(Exception):
    pass


def escalation_rows() -> Iterator[Row]:
    started = time.perf_counter()
    backlog = deadline_scan()  # the seeded data's own overdue cases, once (committed)
    yield ("escalation: first scan of the seeded backlog", (time.perf_counter() - started) * 1000, None, 0,
           f"{backlog.escalations:,} deadlines, {backlog.notifications} digests")  # fmt: skip

    scan_ms: list[float] = []
    raw_ms: list[float] = []
    queries = 0
    result = None
    for attempt in range(3):
        now = timezone.now()
        try:
            with transaction.atomic():
                _make_overdue(now)
                started = time.perf_counter()
                with CaptureQueriesContext(connection) as captured:
                    result = deadline_scan(now=now)
                scan_ms.append((time.perf_counter() - started) * 1000)
                queries = len(captured.captured_queries)
                raise Rollback
        except Rollback:
            pass
        try:
            with transaction.atomic():
                ids = _make_overdue(now)
                started = time.perf_counter()
                _raw_scan(now, ids)
                raw_ms.append((time.perf_counter() - started) * 1000)
                raise Rollback
        except Rollback:
            pass
        del attempt
    assert result is not None
    yield (f"escalation: one scan, {OVERDUE:,} overdue cases", statistics.median(scan_ms), statistics.median(raw_ms),
           queries, f"{result.escalations:,} escalations, {result.notifications} digests; rolled back")  # fmt: skip


def _raw_scan(now: Any, ids: list[int]) -> None:
    """The same writes in hand-written SQL: lock the due deadlines, mark them, events, flag the cases."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT id, object_id, due_at FROM deadlines_deadline
            WHERE closed_at IS NULL AND escalated_at IS NULL AND due_at <= %s
            ORDER BY due_at, id LIMIT 10000 FOR UPDATE SKIP LOCKED
            """,
            [now],
        )
        rows = cursor.fetchall()
        marked = [r[0] for r in rows]
        cursor.execute("UPDATE deadlines_deadline SET escalated_at = %s WHERE id = ANY(%s)", [now, marked])
        cursor.execute(
            """
            INSERT INTO complaints_event (complaint_id, kind, from_status, to_status, reason, data, created_at)
            SELECT unnest(%s::bigint[]), 'escalated', '', '', 'Acknowledge deadline passed.', '{}', %s
            """,
            [[r[1] for r in rows], now],
        )
        cursor.execute("UPDATE complaints_complaint SET escalated_at = %s WHERE id = ANY(%s)", [now, ids])

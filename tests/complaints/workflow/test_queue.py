"""The triage queue: urgency order, filters, search, keyset pages and query counts that do not grow."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from complaints.choices import Channel, MessageKind, Status
from complaints.models import Complaint, Event, Message
from complaints.models.case import REFERENCE_ALPHABET
from complaints.selectors import (
    QueueFilters,
    complaint_case,
    complaint_queue,
    complaint_queue_counts,
    complaint_timeline,
)
from complaints.services import complaint_search_refresh
from wsr.network.choices import Severity

pytestmark = pytest.mark.django_db


def bulk_cases(world, standards, count: int, *, seed: int = 1) -> list[Complaint]:
    """``count`` open cases of mixed severity, deadline, assignee and worksite, inserted in bulk."""
    rng = random.Random(seed)
    now = timezone.now()
    choices = [standards["ZT-1"], standards["W-1"], standards["D-2"], None]
    rows = []
    for i in range(count):
        standard = choices[i % 4]
        due = now + timedelta(hours=rng.randint(-48, 240)) if i % 7 else None
        rows.append(
            Complaint(
                reference="".join(rng.choice(REFERENCE_ALPHABET) for _ in range(8)),
                channel=Channel.SMS,
                language=rng.choice(["en", "es"]),
                description=f"case {i} about wages",
                status=rng.choice([Status.NEW, Status.TRIAGED, Status.INVESTIGATING]),
                worksite=rng.choice([world.worksite_a, world.worksite_b]),
                standard=standard,
                severity=standard.severity if standard else "",
                received_at=now - timedelta(days=1),
                acknowledge_due=due,
                investigate_due=due,
                resolve_due=due,
                assignee=rng.choice([None, world.investigator, world.lead]),
            )
        )
    return Complaint.objects.bulk_create(rows)


NO_DEADLINE = datetime(1970, 1, 1, tzinfo=UTC)


def key(row: Complaint) -> tuple:
    # A constant for rows without a deadline: they tie on it and are then ordered by id, as in SQL.
    return (-row.severity_rank, row.next_due is None, row.next_due or NO_DEADLINE, row.pk)


def test_the_queue_puts_zero_tolerance_first_then_the_nearest_deadline(world, standards, make_case):
    soon_serious = make_case(status=Status.TRIAGED, standard="W-1")
    zero = make_case(status=Status.TRIAGED, standard="ZT-3")
    overdue_serious = make_case(status=Status.TRIAGED, standard="W-1")
    Complaint.objects.filter(pk=overdue_serious.pk).update(investigate_due=timezone.now() - timedelta(hours=1))
    closed = make_case(status=Status.CLOSED, standard="ZT-1")
    page = complaint_queue(user=world.lead, filters=QueueFilters())
    assert [c.pk for c in page.rows] == [zero.pk, overdue_serious.pk, soon_serious.pk]
    assert [c.is_overdue for c in page.rows] == [False, True, False]
    assert closed.pk not in [c.pk for c in page.rows]


def test_keyset_pages_walk_the_whole_queue_in_order_without_gaps_or_repeats(world, standards):
    bulk_cases(world, standards, 60)
    expected = sorted(Complaint.objects.all(), key=key)
    seen: list[int] = []
    filters = QueueFilters(limit=7)
    while True:
        page = complaint_queue(user=world.lead, filters=filters)
        seen += [c.pk for c in page.rows]
        if page.next_cursor is None:
            break
        filters = QueueFilters(limit=7, cursor=page.next_cursor)
    assert seen == [c.pk for c in expected]


def test_an_investigator_sees_her_cases_and_unassigned_ones_only(world, standards):
    bulk_cases(world, standards, 30)
    page = complaint_queue(user=world.investigator, filters=QueueFilters(limit=100))
    assert page.rows and all(c.assignee_id in (None, world.investigator.pk) for c in page.rows)
    for who in (world.auditor, world.buyer_a_user, world.supplier_a_user, world.outsider):
        assert complaint_queue(user=who, filters=QueueFilters()).rows == []


def test_filters_narrow_the_queue_and_bad_values_are_ignored(world, standards):
    bulk_cases(world, standards, 120)
    params = {"severity": "zero_tolerance", "worksite": "rf101", "assignee": "mine", "limit": "100"}
    page = complaint_queue(user=world.lead, filters=QueueFilters.from_params(params))
    expected = Complaint.objects.filter(
        severity=Severity.ZERO_TOLERANCE, worksite=world.worksite_a, assignee=world.lead
    )
    assert expected.exists()
    assert {c.pk for c in page.rows} == set(expected.values_list("pk", flat=True))
    overdue = complaint_queue(user=world.lead, filters=QueueFilters.from_params({"overdue": "1", "limit": "100"}))
    assert overdue.rows and all(c.is_overdue for c in overdue.rows)
    nonsense = QueueFilters.from_params(
        {"severity": "huge", "supplier": "not-a-uuid", "limit": "lots", "cursor": "%%%", "status": "bogus"}
    )
    assert complaint_queue(user=world.lead, filters=nonsense).rows  # the plain open queue


def test_search_finds_words_in_descriptions_and_messages_and_exact_references(world, make_case):
    mentioned = make_case(status=Status.NEW, description="Crew leader took our passports")
    by_message = make_case(status=Status.NEW)
    Message.objects.create(complaint=by_message, kind=MessageKind.INBOUND, body="no shade at the north field")
    complaint_search_refresh(complaint=by_message)
    other = make_case(status=Status.NEW)

    def search(q: str) -> list[int]:
        return [c.pk for c in complaint_queue(user=world.lead, filters=QueueFilters(q=q)).rows]

    assert search("passports") == [mentioned.pk]
    assert search("shade") == [by_message.pk]
    assert search(other.reference.lower()) == [other.pk]
    assert search(f"{other.reference[:4]}-{other.reference[4:]}") == [other.pk]
    assert search("nothing-like-this") == []


def test_each_queue_row_carries_the_start_of_the_first_line_on_every_page(world, standards):
    cases = bulk_cases(world, standards, 6)
    long_line = "word " * 40
    Complaint.objects.filter(pk=cases[0].pk).update(description=f"\r\n\t {long_line}\r\nthe rest of the story")
    Complaint.objects.filter(pk=cases[1].pk).update(description="Ningún pago desde marzo")
    Complaint.objects.filter(pk=cases[2].pk).update(description="")
    expected = {
        cases[0].pk: ("word " * 18).strip() + "…",
        cases[1].pk: "Ningún pago desde marzo",
        cases[2].pk: "",
    }
    first = complaint_queue(user=world.lead, filters=QueueFilters(limit=3))
    second = complaint_queue(user=world.lead, filters=QueueFilters(limit=3, cursor=first.next_cursor))
    rows = {row.pk: row.first_line for row in first.rows + second.rows}
    assert len(rows) == 6
    for pk, line in expected.items():
        assert rows[pk] == line
    assert all(len(line) <= 90 for line in rows.values())


def test_counts_beside_the_filters_add_up(world, standards):
    bulk_cases(world, standards, 50)
    counts = complaint_queue_counts(user=world.lead, filters=QueueFilters())
    assert counts["open"] == counts["all"] == 50
    assert counts["new"] + counts["triaged"] + counts["investigating"] == 50
    assert counts["unassigned"] == Complaint.objects.filter(assignee__isnull=True).count()
    assert counts["mine"] == Complaint.objects.filter(assignee=world.lead).count()
    assert counts["overdue"] == Complaint.objects.filter(next_due__lte=timezone.now()).count()


def _queries(func) -> int:
    with CaptureQueriesContext(connection) as captured:
        func()
    return len(captured.captured_queries)


def test_queue_query_count_is_the_same_for_5_and_500_cases(world, standards):
    world.lead.roles  # noqa: B018 - warm the per-user role cache, as a request would
    bulk_cases(world, standards, 5, seed=2)
    small = [
        _queries(lambda: complaint_queue(user=world.lead, filters=QueueFilters(limit=3))),
        _queries(lambda: complaint_queue(user=world.lead, filters=QueueFilters(q="wages", overdue=True))),
        _queries(lambda: complaint_queue_counts(user=world.lead, filters=QueueFilters())),
    ]
    cursor = complaint_queue(user=world.lead, filters=QueueFilters(limit=3)).next_cursor
    small.append(_queries(lambda: complaint_queue(user=world.lead, filters=QueueFilters(limit=3, cursor=cursor))))
    bulk_cases(world, standards, 495, seed=3)
    large = [
        _queries(lambda: complaint_queue(user=world.lead, filters=QueueFilters(limit=3))),
        _queries(lambda: complaint_queue(user=world.lead, filters=QueueFilters(q="wages", overdue=True))),
        _queries(lambda: complaint_queue_counts(user=world.lead, filters=QueueFilters())),
    ]
    cursor = complaint_queue(user=world.lead, filters=QueueFilters(limit=3)).next_cursor
    large.append(_queries(lambda: complaint_queue(user=world.lead, filters=QueueFilters(limit=3, cursor=cursor))))
    assert small == large == [1, 1, 1, 2]


def test_case_page_query_count_is_the_same_with_5_and_200_messages(world, standards, make_case, worker):
    world.lead.roles  # noqa: B018
    complaint = make_case(status=Status.INVESTIGATING, complainant=worker)

    def add_messages(n: int) -> None:
        Message.objects.bulk_create(
            [Message(complaint=complaint, complainant=worker, kind=[MessageKind.INBOUND, MessageKind.OUTBOUND,
                     MessageKind.NOTE][i % 3], body=f"message {i}", author=world.lead if i % 3 else None)
             for i in range(n)]
        )  # fmt: skip
        Event.objects.bulk_create([Event(complaint=complaint, kind="assigned", actor=world.lead) for _ in range(n)])

    def case_page() -> None:
        complaint_case(user=world.lead, reference=complaint.reference)
        complaint_timeline(complaint=complaint)

    add_messages(5)
    small = _queries(case_page)
    add_messages(195)
    bulk_cases(world, standards, 495)
    assert _queries(case_page) == small
    timeline = complaint_timeline(complaint=complaint)
    assert len([e for e in timeline if e.kind == "message"]) == 200
    assert [e.at for e in timeline] == sorted(e.at for e in timeline)
    assert sum(e.is_internal for e in timeline) == 1 + 65  # every third message is a note


def test_a_case_not_triaged_yet_is_read_after_zero_tolerance_and_before_known_serious_ones(world, standards, make_case):
    serious = make_case(status=Status.TRIAGED, standard="W-1")
    Complaint.objects.filter(pk=serious.pk).update(investigate_due=timezone.now() - timedelta(hours=1))
    untriaged = make_case(status=Status.NEW, standard=None)
    zero = make_case(status=Status.TRIAGED, standard="ZT-3")
    page = complaint_queue(user=world.lead, filters=QueueFilters())
    assert [c.pk for c in page.rows] == [zero.pk, untriaged.pk, serious.pk]

"""The shared deadline ledger: registering, moving and closing deadlines, and the scan's guarantees."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from wsr.deadlines.models import Deadline
from wsr.deadlines.registry import DeadlineKind, Notice, Passed, deadline_kind_register
from wsr.deadlines.services import deadline_scan, deadlines_sync
from wsr.network.models import Notification

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)
KIND = "tests.widget"


class Widgets:
    """A test app's kind: which widgets are done, who is told, what escalated."""

    def __init__(self, user_id: int) -> None:
        self.done: set[int] = set()
        self.escalated: list[tuple[int, datetime]] = []
        self.user_id = user_id

    def still_owed(self, ids: Sequence[int]) -> set[int]:
        return set(ids) - self.done

    def escalate(self, passed: Sequence[Passed], now: datetime) -> list[Notice]:
        self.escalated += [(p.object_id, p.due_at) for p in passed]
        return [
            Notice(self.user_id, f"Widget {p.object_id} is late", f"widget {p.object_id}", f"/w/{p.object_id}/", "/w/")
            for p in passed
        ]


@pytest.fixture
def widgets(world) -> Iterator[Widgets]:
    kind = Widgets(world.lead.pk)
    deadline_kind_register(DeadlineKind(KIND, "Widget", kind.still_owed, kind.escalate))
    yield kind


def sync(object_id: int, due: datetime | None) -> None:
    deadlines_sync([(KIND, object_id, due)])


def test_a_deadline_escalates_once_when_it_passes_and_tells_whom_the_app_names(world, widgets):
    sync(1, NOW + timedelta(hours=1))
    assert deadline_scan(now=NOW).escalations == 0
    assert deadline_scan(now=NOW + timedelta(hours=2)).escalations == 1
    assert deadline_scan(now=NOW + timedelta(hours=3)).escalations == 0
    assert widgets.escalated == [(1, NOW + timedelta(hours=1))]
    (note,) = Notification.objects.filter(user=world.lead)
    assert (note.subject, note.url) == ("Widget 1 is late", "/w/1/")


def test_a_deadline_not_yet_escalated_takes_its_new_time_earlier_or_later(world, widgets):
    sync(1, NOW + timedelta(days=3))
    sync(1, NOW + timedelta(hours=1))  # brought forward
    assert deadline_scan(now=NOW + timedelta(hours=2)).escalations == 1
    sync(2, NOW + timedelta(hours=1))
    sync(2, NOW + timedelta(days=3))  # extended before it passed
    assert deadline_scan(now=NOW + timedelta(days=1)).escalations == 0
    assert Deadline.objects.filter(object_id=2, closed_at__isnull=True).count() == 1


def test_an_escalated_deadline_moved_later_escalates_again_when_the_new_time_passes(world, widgets):
    sync(1, NOW + timedelta(hours=1))
    deadline_scan(now=NOW + timedelta(hours=2))
    sync(1, NOW + timedelta(days=7))  # an extension
    assert deadline_scan(now=NOW + timedelta(days=1)).escalations == 0
    assert deadline_scan(now=NOW + timedelta(days=8)).escalations == 1
    assert widgets.escalated == [(1, NOW + timedelta(hours=1)), (1, NOW + timedelta(days=7))]


def test_an_escalated_deadline_moved_earlier_or_kept_does_not_escalate_twice(world, widgets):
    sync(1, NOW + timedelta(hours=5))
    deadline_scan(now=NOW + timedelta(hours=6))
    sync(1, NOW + timedelta(hours=5))
    sync(1, NOW + timedelta(hours=2))
    assert deadline_scan(now=NOW + timedelta(hours=7)).escalations == 0
    assert len(widgets.escalated) == 1


def test_a_closed_deadline_never_escalates(world, widgets):
    sync(1, NOW + timedelta(hours=1))
    sync(1, None)
    assert deadline_scan(now=NOW + timedelta(days=30)).escalations == 0
    assert widgets.escalated == []


def test_a_deadline_met_just_before_the_scan_is_closed_not_escalated(world, widgets):
    sync(1, NOW + timedelta(hours=1))
    widgets.done.add(1)  # the app's row says done, though nobody closed the deadline yet
    result = deadline_scan(now=NOW + timedelta(hours=2))
    assert (result.escalations, result.closed) == (0, 1)
    assert Deadline.objects.get(object_id=1).closed_at is not None
    assert not Notification.objects.exists()


def test_a_deadline_of_a_kind_no_app_handles_is_closed(world, caplog):
    deadlines_sync([("gone.app", 5, NOW - timedelta(hours=1))])
    assert deadline_scan(now=NOW).closed == 1
    assert "no app handles kind 'gone.app'" in caplog.text


def test_several_deadlines_passing_for_one_person_arrive_as_one_digest(world, widgets):
    deadlines_sync([(KIND, i, NOW + timedelta(minutes=i)) for i in range(1, 4)])
    result = deadline_scan(now=NOW + timedelta(hours=1))
    assert (result.escalations, result.notifications) == (3, 1)
    (note,) = Notification.objects.filter(user=world.lead)
    assert (note.subject, note.url) == ("3 deadlines passed", "/w/")
    assert [line for line in note.body.splitlines() if line.startswith("- ")] == [
        "- widget 1", "- widget 2", "- widget 3",
    ]  # fmt: skip

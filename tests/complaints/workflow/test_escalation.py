"""Deadlines escalate exactly once when they pass, never when met in time, even with parallel scans."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.utils import timezone

from complaints import workflow
from complaints.choices import EventKind, Status
from complaints.models import CaseFinding, Complaint, Event
from wsr.deadlines.models import Deadline
from wsr.deadlines.services import deadline_scan as escalation_scan
from wsr.deadlines.tasks import deadline_scan_task as escalation_scan_task
from wsr.network.models import Notification
from wsr.network.tasks import notification_email_send

pytestmark = pytest.mark.django_db

START = timezone.now().replace(microsecond=0)


def send_emails() -> None:
    """What the Celery worker does with the queued e-mails (run twice: a redelivery sends nothing)."""
    for _ in range(2):
        for pk in Notification.objects.values_list("pk", flat=True):
            notification_email_send(notification_id=pk)


def escalated_kinds(complaint: Complaint) -> list[str]:
    escalated = Deadline.objects.filter(
        object_id=complaint.pk, kind__startswith="complaints.", escalated_at__isnull=False
    )
    return sorted(kind.removeprefix("complaints.") for kind in escalated.values_list("kind", flat=True))


def test_an_untouched_case_escalates_each_deadline_once_as_it_passes(world, make_case):
    with time_machine.travel(START, tick=False):
        complaint = make_case(status=Status.NEW, assignee=world.investigator)  # intake: 24 h / 3 d / 30 d
    steps = [
        (timedelta(hours=23), []),
        (timedelta(hours=25), ["acknowledge"]),
        (timedelta(hours=26), ["acknowledge"]),
        (timedelta(days=3, hours=1), ["acknowledge", "investigate"]),
        (timedelta(days=30, hours=1), ["acknowledge", "investigate", "resolve"]),
        (timedelta(days=31), ["acknowledge", "investigate", "resolve"]),
    ]
    for offset, expected in steps:
        with time_machine.travel(START + offset, tick=False):
            escalation_scan()
        assert escalated_kinds(complaint) == expected, offset
    assert Event.objects.filter(complaint=complaint, kind=EventKind.ESCALATED).count() == 3
    complaint.refresh_from_db()
    assert complaint.escalated_at == START + timedelta(days=30, hours=1)
    # Each deadline told the lead and the assignee once.
    for user in (world.lead, world.investigator):
        assert Notification.objects.filter(user=user).count() == 3
    assert not Notification.objects.filter(user__in=[world.auditor, world.buyer_a_user, world.admin]).exists()
    send_emails()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(["lead@example.org", "investigator@example.org"] * 3)
    assert all(complaint.reference in m.subject for m in mail.outbox)


def test_deadlines_met_in_time_never_escalate(world, standards, make_case):
    with time_machine.travel(START, tick=False):
        complaint = make_case(status=Status.NEW)
    with time_machine.travel(START + timedelta(hours=2), tick=False):
        workflow.complaint_triage(complaint=complaint, actor=world.lead, standard=standards["W-1"])
    with time_machine.travel(START + timedelta(days=2), tick=False):
        workflow.complaint_start_investigation(complaint=complaint, actor=world.lead)
    with time_machine.travel(START + timedelta(days=20), tick=False):
        CaseFinding.objects.create(complaint=complaint, standard=standards["W-1"], substantiated=True)
        workflow.complaint_resolve(complaint=complaint, actor=world.lead)
    with time_machine.travel(START + timedelta(days=90), tick=False):
        assert escalation_scan().escalations == 0
    assert escalated_kinds(complaint) == []
    assert not Notification.objects.exists()


def test_a_late_stage_escalates_but_the_met_one_does_not(world, standards, make_case):
    with time_machine.travel(START, tick=False):
        complaint = make_case(status=Status.NEW)
    with time_machine.travel(START + timedelta(hours=1), tick=False):
        workflow.complaint_triage(complaint=complaint, actor=world.lead, standard=standards["ZT-4"])
    with time_machine.travel(START + timedelta(hours=25), tick=False):
        result = escalation_scan()
    assert (result.escalations, escalated_kinds(complaint)) == (1, ["investigate"])


def test_closed_and_referred_cases_owe_no_deadline(world, make_case):
    with time_machine.travel(START - timedelta(days=100), tick=False):
        make_case(status=Status.CLOSED)
        make_case(status=Status.REFERRED)
        make_case(status=Status.NOT_SUBSTANTIATED)
    assert escalation_scan().escalations == 0


def test_the_beat_task_scans_and_reports_how_many_deadlines_escalated(world, make_case):
    with time_machine.travel(START - timedelta(days=2), tick=False):
        make_case(status=Status.NEW)
    assert escalation_scan_task() == 1
    assert escalation_scan_task() == 0


def _parallel_scans(count: int = 2) -> list[object]:
    barrier = threading.Barrier(count)
    results: list[object] = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(escalation_scan(batch_size=7))
        except Exception as exc:
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_two_scans_at_the_same_moment_escalate_a_deadline_once_and_email_once(world, make_case):
    with time_machine.travel(START - timedelta(hours=30), tick=False):
        complaint = make_case(status=Status.TRIAGED, standard="ZT-1", assignee=world.investigator)
    # ZT: investigate within 24 h — passed 6 hours ago; acknowledged at triage, resolve in 14 days.
    results = _parallel_scans()
    assert not [r for r in results if isinstance(r, Exception)], results
    assert escalated_kinds(complaint) == ["investigate"]
    assert Event.objects.filter(complaint=complaint, kind=EventKind.ESCALATED).count() == 1
    send_emails()
    assert sorted(m.to[0] for m in mail.outbox) == ["investigator@example.org", "lead@example.org"]


@pytest.mark.django_db(transaction=True)
def test_parallel_scans_share_a_backlog_without_escalating_anything_twice(world, make_case):
    with time_machine.travel(START - timedelta(days=2), tick=False):
        cases = [make_case(status=Status.NEW) for _ in range(40)]
    results = _parallel_scans(3)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(r.escalations for r in results) == 40  # type: ignore[attr-defined]
    escalated = Deadline.objects.filter(escalated_at__isnull=False)
    assert escalated.count() == 40
    assert Event.objects.filter(kind=EventKind.ESCALATED).count() == 40
    assert set(escalated.values_list("object_id", flat=True)) == {c.pk for c in cases}


def test_a_reopened_case_escalates_its_new_resolve_deadline_once(world, standards, make_case):
    with time_machine.travel(START - timedelta(days=40), tick=False):
        complaint = make_case(status=Status.INVESTIGATING, standard="W-1")
    assert escalation_scan().escalations == 1  # resolve, 30 days, passed 10 days ago
    CaseFinding.objects.create(complaint=complaint, standard=standards["W-1"], substantiated=True)
    workflow.complaint_resolve(complaint=complaint, actor=world.lead)
    workflow.complaint_reopen(complaint=complaint, actor=world.lead, reason="The worker was fired after all")
    assert escalation_scan().escalations == 0
    with time_machine.travel(timezone.now() + timedelta(days=31), tick=False):
        assert escalation_scan().escalations == 1
        assert escalation_scan().escalations == 0
    assert Event.objects.filter(complaint=complaint, kind=EventKind.ESCALATED).count() == 2


def test_a_deadline_brought_forward_past_the_last_escalation_still_escalates_at_once(world, standards, make_case):
    """Triage with a stricter standard moves the investigation deadline to a time already passed,
    before the moment the case last escalated: it escalates at the next scan, not days later."""
    with time_machine.travel(START, tick=False):
        complaint = make_case(status=Status.NEW, assignee=world.investigator)  # intake: 24 h / 3 d / 30 d
    with time_machine.travel(START + timedelta(hours=25), tick=False):
        escalation_scan()  # the acknowledgement is a day late
    assert escalated_kinds(complaint) == ["acknowledge"]
    with time_machine.travel(START + timedelta(hours=26), tick=False):
        workflow.complaint_triage(complaint=complaint, actor=world.lead, standard=standards["ZT-1"])
    assert complaint.investigate_due == START + timedelta(hours=24)  # zero tolerance: within 24 h
    with time_machine.travel(START + timedelta(hours=26, minutes=1), tick=False):
        assert escalation_scan().escalations == 1
    assert escalated_kinds(complaint) == ["acknowledge", "investigate"]
    assert Notification.objects.filter(user=world.lead, subject__contains="start investigation").count() == 1

"""The status machine: every legal and illegal transition, concurrency, and who may do what."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.postgres.search import SearchQuery
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.http import Http404

from complaints import workflow
from complaints.choices import EventKind, Scope, Status
from complaints.models import CaseFinding, Complaint, Event
from complaints.workflow import SOURCES, TARGETS, IllegalTransition
from tests.conftest import make_user
from wsr.deadlines.models import Deadline
from wsr.network.choices import Role, Severity

pytestmark = pytest.mark.django_db

ACTIONS = list(SOURCES)


def run_action(action: str, complaint: Complaint, actor: Any, standards: dict[str, Any]) -> Complaint:
    if action == "triage":
        return workflow.complaint_triage(complaint=complaint, actor=actor, standard=standards["W-1"])
    if action == "start_investigation":
        return workflow.complaint_start_investigation(complaint=complaint, actor=actor)
    if action == "resolve":
        return workflow.complaint_resolve(complaint=complaint, actor=actor, reason="Back pay made")
    if action == "mark_not_substantiated":
        return workflow.complaint_mark_not_substantiated(complaint=complaint, actor=actor)
    if action == "refer":
        return workflow.complaint_refer(complaint=complaint, actor=actor, referral_info="Call the labor office")
    if action == "close":
        return workflow.complaint_close(complaint=complaint, actor=actor)
    if action == "reopen":
        return workflow.complaint_reopen(complaint=complaint, actor=actor, reason="The worker wrote again")
    raise AssertionError(action)


@pytest.mark.parametrize("status", Status.values)
@pytest.mark.parametrize("action", ACTIONS)
def test_each_action_moves_only_a_case_in_one_of_its_source_statuses(world, standards, make_case, action, status):
    complaint = make_case(status=status)
    if action == "resolve":
        CaseFinding.objects.create(complaint=complaint, standard=standards["W-1"], substantiated=True)
    events_before = Event.objects.filter(complaint=complaint).count()
    if status in SOURCES[action]:
        run_action(action, complaint, world.lead, standards)
        complaint.refresh_from_db()
        assert complaint.status == TARGETS[action]
        last = Event.objects.filter(complaint=complaint, to_status=TARGETS[action]).latest("id")
        assert (last.from_status, last.actor) == (status, world.lead)
    else:
        with pytest.raises(IllegalTransition) as refused:
            run_action(action, complaint, world.lead, standards)
        assert refused.value.status == status
        complaint.refresh_from_db()
        assert complaint.status == status
        assert Event.objects.filter(complaint=complaint).count() == events_before


def test_the_legal_transitions_are_exactly_the_documented_workflow():
    assert {
        (Status.NEW, Status.TRIAGED),
        (Status.TRIAGED, Status.INVESTIGATING),
        (Status.TRIAGED, Status.REFERRED),
        (Status.INVESTIGATING, Status.RESOLVED),
        (Status.INVESTIGATING, Status.NOT_SUBSTANTIATED),
        (Status.INVESTIGATING, Status.REFERRED),
        (Status.RESOLVED, Status.CLOSED),
        (Status.NOT_SUBSTANTIATED, Status.CLOSED),
        (Status.REFERRED, Status.CLOSED),
        (Status.RESOLVED, Status.INVESTIGATING),
        (Status.NOT_SUBSTANTIATED, Status.INVESTIGATING),
        (Status.REFERRED, Status.INVESTIGATING),
        (Status.CLOSED, Status.INVESTIGATING),
    } == workflow.LEGAL_TRANSITIONS


def test_triage_sets_standard_severity_deadlines_worksite_and_assignee(world, standards, make_case):
    complaint = make_case(status=Status.NEW)
    zero_tolerance = standards["ZT-1"]
    workflow.complaint_triage(
        complaint=complaint, actor=world.lead, standard=zero_tolerance, worksite=world.worksite_b,
        assignee=world.investigator,
    )  # fmt: skip
    complaint.refresh_from_db()
    assert complaint.status == Status.TRIAGED
    assert (complaint.standard, complaint.severity) == (zero_tolerance, Severity.ZERO_TOLERANCE)
    assert complaint.investigate_due == complaint.received_at + timedelta(hours=24)
    assert complaint.resolve_due == complaint.received_at + timedelta(days=14)
    assert complaint.next_due == complaint.investigate_due
    assert complaint.worksite == world.worksite_b
    assert complaint.assignee == world.investigator
    assert complaint.acknowledged_at is not None
    kinds = list(complaint.events.values_list("kind", flat=True))
    assert kinds == [EventKind.CREATED, EventKind.TRIAGED, EventKind.ASSIGNED]


def test_a_case_the_program_does_not_cover_needs_referral_information(world, standards, make_case):
    complaint = make_case(status=Status.NEW)
    with pytest.raises(ValidationError):
        workflow.complaint_triage(
            complaint=complaint, actor=world.lead, standard=standards["O-1"], scope=Scope.NOT_COVERED
        )
    workflow.complaint_triage(
        complaint=complaint, actor=world.lead, standard=standards["O-1"], scope=Scope.NOT_COVERED,
        referral_info="Department of Labor wage line: 1-866-487-9243",
    )  # fmt: skip
    with pytest.raises(ValidationError):
        workflow.complaint_start_investigation(complaint=complaint, actor=world.lead)
    workflow.complaint_refer(complaint=complaint, actor=world.lead)
    complaint.refresh_from_db()
    assert complaint.status == Status.REFERRED
    assert complaint.referral_info.startswith("Department of Labor")


def test_resolving_needs_a_substantiated_finding_and_not_substantiated_refuses_one(world, standards, make_case):
    complaint = make_case(status=Status.INVESTIGATING)
    with pytest.raises(ValidationError):
        workflow.complaint_resolve(complaint=complaint, actor=world.lead)
    CaseFinding.objects.create(complaint=complaint, standard=standards["W-1"], substantiated=True)
    with pytest.raises(ValidationError):
        workflow.complaint_mark_not_substantiated(complaint=complaint, actor=world.lead)
    workflow.complaint_resolve(complaint=complaint, actor=world.lead)
    assert complaint.status == Status.RESOLVED


def test_only_the_lead_closes_a_zero_tolerance_case(world, make_case):
    complaint = make_case(status=Status.RESOLVED, standard="ZT-2", assignee=world.investigator)
    with pytest.raises(PermissionDenied):
        workflow.complaint_close(complaint=complaint, actor=world.investigator)
    assert "close" not in workflow.available_actions(complaint=complaint, user=world.investigator)
    workflow.complaint_close(complaint=complaint, actor=world.lead)
    assert complaint.status == Status.CLOSED


def test_an_investigator_closes_her_own_serious_case(world, make_case):
    complaint = make_case(status=Status.NOT_SUBSTANTIATED, standard="W-1", assignee=world.investigator)
    workflow.complaint_close(complaint=complaint, actor=world.investigator)
    assert complaint.status == Status.CLOSED and complaint.closed_at is not None


def test_an_investigator_cannot_move_a_colleagues_case(world, make_case):
    colleague = make_user("colleague", world.monitor, Role.INVESTIGATOR)
    complaint = make_case(status=Status.TRIAGED, assignee=colleague)
    with pytest.raises(Http404):
        workflow.complaint_start_investigation(complaint=complaint, actor=world.investigator)
    assert workflow.available_actions(complaint=complaint, user=world.investigator) == []


@pytest.mark.parametrize("who", ["auditor", "buyer_a_user", "supplier_a_user", "outsider"])
def test_people_outside_the_case_team_cannot_move_any_case(world, make_case, standards, who):
    complaint = make_case(status=Status.NEW)
    with pytest.raises(Http404):
        workflow.complaint_triage(complaint=complaint, actor=getattr(world, who), standard=standards["W-1"])
    complaint.refresh_from_db()
    assert complaint.status == Status.NEW


def test_an_investigator_may_take_a_case_but_only_the_lead_assigns_someone_else(world, make_case):
    complaint = make_case(status=Status.TRIAGED)
    colleague = make_user("colleague", world.monitor, Role.INVESTIGATOR)
    with pytest.raises(PermissionDenied):
        workflow.complaint_assign(complaint=complaint, actor=world.investigator, assignee=colleague)
    workflow.complaint_assign(complaint=complaint, actor=world.investigator, assignee=world.investigator)
    assert complaint.assignee == world.investigator
    workflow.complaint_assign(complaint=complaint, actor=world.lead, assignee=colleague)
    assert complaint.assignee == colleague
    with pytest.raises(ValidationError):
        workflow.complaint_assign(complaint=complaint, actor=world.lead, assignee=world.auditor)


def test_starting_an_investigation_assigns_an_unassigned_case_to_the_investigator(world, make_case):
    complaint = make_case(status=Status.TRIAGED)
    workflow.complaint_start_investigation(complaint=complaint, actor=world.investigator)
    assert complaint.assignee == world.investigator
    assert complaint.investigation_started_at is not None


def test_reopening_needs_a_reason_and_gives_a_fresh_resolve_deadline_that_can_escalate_again(world, make_case):
    complaint = make_case(status=Status.CLOSED)
    with pytest.raises(ValidationError):
        workflow.complaint_reopen(complaint=complaint, actor=world.lead, reason="")
    old_due = complaint.resolve_due
    workflow.complaint_reopen(complaint=complaint, actor=world.lead, reason="Retaliation reported after closing")
    assert complaint.status == Status.INVESTIGATING
    assert complaint.closed_at is None and complaint.resolved_at is None
    assert complaint.resolve_due > old_due
    (resolve,) = Deadline.objects.filter(object_id=complaint.pk, kind="complaints.resolve", closed_at__isnull=True)
    assert (resolve.due_at, resolve.escalated_at) == (complaint.resolve_due, None)
    event = complaint.events.latest("id")
    assert (event.from_status, event.to_status, event.reason) == (
        Status.CLOSED, Status.INVESTIGATING, "Retaliation reported after closing",
    )  # fmt: skip


def test_linking_two_cases_is_symmetric_and_recorded_once(world, make_case):
    first, second = make_case(status=Status.INVESTIGATING), make_case(status=Status.NEW, standard="ZT-5")
    assert workflow.complaint_link(complaint=second, other=first, actor=world.lead, reason="Retaliation") is True
    assert workflow.complaint_link(complaint=first, other=second, actor=world.lead) is False
    assert list(first.linked.all()) == [second]
    assert Event.objects.filter(kind=EventKind.LINKED).count() == 2
    with pytest.raises(ValidationError):
        workflow.complaint_link(complaint=first, other=first, actor=world.lead)


def test_notes_are_internal_messages_and_findable_by_search(world, make_case):
    complaint = make_case(status=Status.INVESTIGATING, assignee=world.investigator)
    note = workflow.note_add(complaint=complaint, author=world.investigator, body="Visited the packing shed")
    assert note.kind == "note" and note.author == world.investigator
    assert Complaint.objects.filter(pk=complaint.pk, search_vector=SearchQuery("packing", config="simple")).exists()
    with pytest.raises(ValidationError):
        workflow.note_add(complaint=complaint, author=world.investigator, body="   ")


def test_remedies_check_back_pay_amounts_and_are_verified_once(world, standards, make_case):
    complaint = make_case(status=Status.INVESTIGATING)
    with pytest.raises(ValidationError):
        workflow.remedy_record(complaint=complaint, actor=world.lead, kind="back_pay")
    with pytest.raises(ValidationError):
        workflow.remedy_record(complaint=complaint, actor=world.lead, kind="back_pay", amount=10, currency="dollars")
    remedy = workflow.remedy_record(complaint=complaint, actor=world.lead, kind="back_pay", amount=420, currency="usd")
    assert remedy.currency == "USD"
    workflow.remedy_verify(remedy=remedy, actor=world.lead)
    assert remedy.verified and remedy.verified_by == world.lead
    with pytest.raises(ValidationError):
        workflow.remedy_verify(remedy=remedy, actor=world.lead)


def _race(calls: list[Any]) -> list[Any]:
    """Run the calls at the same moment in threads; return each one's result or exception."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = calls[index]()
        except Exception as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_two_people_triaging_the_same_case_at_once_one_wins(world, standards, make_case):
    complaint = make_case(status=Status.NEW)
    results = _race(
        [
            lambda: workflow.complaint_triage(
                complaint=Complaint.objects.get(pk=complaint.pk), actor=world.lead, standard=standards["W-1"]
            ),
            lambda: workflow.complaint_triage(
                complaint=Complaint.objects.get(pk=complaint.pk), actor=world.investigator, standard=standards["ZT-1"]
            ),
        ]
    )
    assert sorted(type(r).__name__ for r in results) == ["Complaint", "IllegalTransition"]
    assert Event.objects.filter(complaint=complaint, kind=EventKind.TRIAGED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_people_closing_and_reopening_at_once_leave_one_consistent_outcome(world, make_case):
    complaint = make_case(status=Status.RESOLVED)
    results = _race(
        [
            lambda: workflow.complaint_close(complaint=Complaint.objects.get(pk=complaint.pk), actor=world.lead),
            lambda: workflow.complaint_close(complaint=Complaint.objects.get(pk=complaint.pk), actor=world.admin),
        ]
    )
    assert sorted(type(r).__name__ for r in results) == ["Complaint", "IllegalTransition"]
    assert Event.objects.filter(complaint=complaint, to_status=Status.CLOSED).count() == 1


def test_triage_refuses_a_worksite_that_left_the_program(world, standards, make_case):
    complaint = make_case(status=Status.NEW, standard=None)
    world.worksite_b.is_active = False
    world.worksite_b.save(update_fields=["is_active"])
    with pytest.raises(ValidationError):
        workflow.complaint_triage(
            complaint=complaint, actor=world.lead, standard=standards["W-1"], worksite=world.worksite_b
        )


@pytest.mark.django_db(transaction=True)
def test_a_finding_recorded_while_the_case_is_marked_not_substantiated_cannot_leave_both(world, standards, make_case):
    """The investigator records a substantiated zero-tolerance finding while a colleague marks the
    case not substantiated: the case must never end not substantiated with a substantiated finding
    (nor with a suspension proposal)."""
    complaint = make_case(status=Status.INVESTIGATING, standard="ZT-1")
    finding_written, release = threading.Event(), threading.Event()
    outcome: dict[str, Any] = {}

    def record_and_hold() -> None:
        try:
            with transaction.atomic():
                workflow.finding_record(
                    complaint=Complaint.objects.get(pk=complaint.pk), actor=world.investigator,
                    standard=standards["ZT-1"], substantiated=True,
                )  # fmt: skip
                finding_written.set()
                release.wait(10)  # the finding is not committed yet; the case row stays locked
        finally:
            connection.close()

    def conclude() -> None:
        try:
            outcome["result"] = workflow.complaint_mark_not_substantiated(
                complaint=Complaint.objects.get(pk=complaint.pk), actor=world.lead, reason="No witness"
            )
        except Exception as exc:
            outcome["result"] = exc
        finally:
            connection.close()

    recorder = threading.Thread(target=record_and_hold)
    recorder.start()
    assert finding_written.wait(10)
    concluder = threading.Thread(target=conclude)
    concluder.start()
    time.sleep(0.5)  # let the conclusion read the findings (old code) or wait for the lock (new code)
    release.set()
    recorder.join(10)
    concluder.join(10)
    complaint.refresh_from_db()
    assert isinstance(outcome["result"], ValidationError)
    assert complaint.status == Status.INVESTIGATING
    assert CaseFinding.objects.filter(complaint=complaint, substantiated=True).count() == 1


def test_resolving_a_case_in_the_wrong_status_is_an_illegal_transition_not_a_missing_finding(world, make_case):
    complaint = make_case(status=Status.NEW)
    with pytest.raises(IllegalTransition):
        workflow.complaint_resolve(complaint=complaint, actor=world.lead)

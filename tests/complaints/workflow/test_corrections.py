"""Mistakes corrected: findings and remedies withdrawn or corrected with who, when and why, and a
withdrawn one counting nowhere (resolving, the supplier summary, suspensions)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from complaints import workflow
from complaints.choices import EventKind, Status
from complaints.models import CaseFinding, CaseFindingHistory, Complaint, Event, Remedy, RemedyHistory
from tests.complaints.workflow.test_transitions import _race
from wsr.network import services
from wsr.network.choices import ProposalStatus, Standing
from wsr.network.models import Notification, StandingChange, StandingProposal

pytestmark = pytest.mark.django_db


def finding(world, standards, complaint, code="W-1", substantiated=True, actor=None) -> CaseFinding:
    return workflow.finding_record(
        complaint=complaint, actor=actor or world.lead, standard=standards[code], substantiated=substantiated
    )


def proposal_of(finding_: CaseFinding) -> StandingProposal:
    return StandingProposal.objects.get(origin="complaints.finding", origin_id=finding_.pk)


# --- Findings -------------------------------------------------------------------------------------


def test_a_withdrawn_finding_no_longer_lets_the_case_be_resolved(world, standards, make_case):
    complaint = make_case(status=Status.INVESTIGATING, assignee=world.investigator)
    wrong = finding(world, standards, complaint, actor=world.investigator)
    workflow.finding_withdraw(finding=wrong, actor=world.investigator, reason="Payroll was read for the wrong month")
    with pytest.raises(ValidationError, match="substantiated finding"):
        workflow.complaint_resolve(complaint=complaint, actor=world.investigator)
    # ... and no longer stops it being marked not substantiated.
    workflow.complaint_mark_not_substantiated(complaint=complaint, actor=world.investigator, reason="No evidence")
    assert Complaint.objects.get(pk=complaint.pk).status == Status.NOT_SUBSTANTIATED


def test_withdrawing_keeps_the_finding_with_who_when_and_why_on_the_timeline_and_in_its_history(
    world, standards, make_case
):
    complaint = make_case(status=Status.INVESTIGATING)
    wrong = finding(world, standards, complaint)
    with pytest.raises(ValidationError, match="at least 5"):
        workflow.finding_withdraw(finding=wrong, actor=world.lead, reason="oops")
    workflow.finding_withdraw(finding=wrong, actor=world.lead, reason="Recorded on the wrong case")
    wrong.refresh_from_db()
    assert wrong.is_withdrawn and wrong.withdrawn_by == world.lead
    assert wrong.withdrawal_reason == "Recorded on the wrong case" and wrong.replaced_by is None
    event = Event.objects.get(complaint=complaint, kind=EventKind.FINDING_WITHDRAWN)
    assert (event.actor, event.reason, event.data["finding"]) == (
        world.lead,
        "Recorded on the wrong case",
        str(wrong.uuid),
    )
    versions = CaseFindingHistory.objects.filter(pgh_obj=wrong).order_by("pgh_id")
    assert [(v.pgh_label, v.withdrawn_at is None) for v in versions] == [("insert", True), ("update", False)]
    with pytest.raises(ValidationError, match="already withdrawn"):
        workflow.finding_withdraw(finding=wrong, actor=world.lead, reason="Recorded on the wrong case")
    assert Event.objects.filter(complaint=complaint, kind=EventKind.FINDING_WITHDRAWN).count() == 1


def test_the_supplier_summary_draft_lists_only_the_corrected_finding_and_remedy(world, standards, make_case):
    complaint = make_case(status=Status.INVESTIGATING)
    wrong = finding(world, standards, complaint, "W-1", substantiated=True)
    remedy = workflow.remedy_record(complaint=complaint, actor=world.lead, kind="back_pay", amount=120, currency="USD")
    workflow.finding_correct(
        finding=wrong, actor=world.lead, standard=standards["W-1"], substantiated=False,
        reason="The payslips show the hours were paid",
    )  # fmt: skip
    workflow.remedy_withdraw(remedy=remedy, actor=world.lead, reason="Nothing is owed after all")
    draft = workflow.complaint_summary_draft(complaint=complaint)
    title = standards["W-1"].title
    assert f"Finding — {title}: not substantiated." in draft
    assert f"Finding — {title}: substantiated." not in draft
    assert "Back pay" not in draft
    assert draft.count("Finding —") == 1


def test_correcting_a_finding_replaces_it_and_moves_its_remedies(world, standards, make_case):
    complaint = make_case(status=Status.INVESTIGATING)
    wrong = finding(world, standards, complaint, "W-1")
    remedy = workflow.remedy_record(
        complaint=complaint, actor=world.lead, kind="back_pay", amount=120, currency="USD", finding=wrong
    )
    right = workflow.finding_correct(
        finding=wrong, actor=world.lead, standard=standards["W-2"], substantiated=True, notes="Overtime unpaid",
        reason="It was overtime, not the hourly wage",
    )  # fmt: skip
    wrong.refresh_from_db()
    assert wrong.is_withdrawn and wrong.replaced_by == right
    assert (right.standard.code, right.substantiated, right.notes) == ("W-2", True, "Overtime unpaid")
    assert list(complaint.findings.active()) == [right]
    assert Remedy.objects.get(pk=remedy.pk).finding == right
    event = Event.objects.get(complaint=complaint, kind=EventKind.FINDING_CORRECTED)
    assert event.reason == "It was overtime, not the hourly wage"
    assert (event.data["from_standard"], event.data["standard"], event.data["remedies_moved"]) == ("W-1", "W-2", 1)
    # One event for the correction: no separate "finding recorded" for the replacement.
    assert Event.objects.filter(complaint=complaint, kind=EventKind.FINDING).count() == 1


def test_findings_are_corrected_only_while_the_case_is_under_investigation(world, standards, make_case):
    complaint = make_case(status=Status.INVESTIGATING)
    recorded = finding(world, standards, complaint)
    workflow.complaint_resolve(complaint=complaint, actor=world.lead)
    with pytest.raises(workflow.IllegalTransition):
        workflow.finding_withdraw(finding=recorded, actor=world.lead, reason="The payslips were misread")
    workflow.complaint_reopen(complaint=complaint, actor=world.lead, reason="The payslips were misread")
    workflow.finding_withdraw(finding=recorded, actor=world.lead, reason="The payslips were misread")
    assert not complaint.findings.active().exists()


def test_an_investigator_cannot_withdraw_a_colleagues_finding_on_a_case_she_does_not_work(world, standards, make_case):
    complaint = make_case(status=Status.INVESTIGATING, assignee=world.lead)
    recorded = finding(world, standards, complaint)
    with pytest.raises(Http404):
        workflow.finding_withdraw(finding=recorded, actor=world.investigator, reason="Looks wrong to me")
    assert not CaseFinding.objects.get(pk=recorded.pk).is_withdrawn


# --- Suspensions ----------------------------------------------------------------------------------


def test_withdrawing_a_zero_tolerance_finding_rejects_its_pending_suspension_with_the_reason(
    world, standards, make_case
):
    complaint = make_case(status=Status.INVESTIGATING, standard="ZT-1")
    wrong = finding(world, standards, complaint, "ZT-1")
    assert proposal_of(wrong).status == ProposalStatus.PENDING
    workflow.finding_withdraw(finding=wrong, actor=world.lead, reason="The passports were in a locker she opens")
    proposal = proposal_of(wrong)
    assert (proposal.status, proposal.decided_by) == (ProposalStatus.REJECTED, world.lead)
    assert proposal.decision_reason == "Finding withdrawn: The passports were in a locker she opens"
    rejected = Event.objects.get(complaint=complaint, kind=EventKind.STANDING_REJECTED)
    assert rejected.reason == proposal.decision_reason
    world.supplier_a.refresh_from_db()
    assert world.supplier_a.standing == Standing.GOOD_STANDING
    assert not StandingChange.objects.exists()
    assert not Notification.objects.filter(user__in=[world.buyer_a_user, world.supplier_a_user]).exists()


def test_only_the_lead_withdraws_or_corrects_a_substantiated_zero_tolerance_finding(world, standards, make_case):
    complaint = make_case(status=Status.INVESTIGATING, standard="ZT-1", assignee=world.investigator)
    zero = finding(world, standards, complaint, "ZT-1", actor=world.investigator)
    with pytest.raises(PermissionDenied, match="Only the monitor lead"):
        workflow.finding_withdraw(finding=zero, actor=world.investigator, reason="Wrong standard picked")
    with pytest.raises(PermissionDenied, match="Only the monitor lead"):
        workflow.finding_correct(
            finding=zero, actor=world.investigator, standard=standards["W-1"], substantiated=True,
            reason="Wrong standard picked",
        )  # fmt: skip
    assert proposal_of(zero).status == ProposalStatus.PENDING
    assert list(complaint.findings.active()) == [zero]
    # Her own other findings she corrects herself.
    wages = finding(world, standards, complaint, "W-1", substantiated=False, actor=world.investigator)
    workflow.finding_withdraw(finding=wages, actor=world.investigator, reason="Recorded twice by mistake")


def test_correcting_a_finding_to_substantiated_zero_tolerance_proposes_a_suspension_like_a_new_one(
    world, standards, make_case
):
    complaint = make_case(status=Status.INVESTIGATING, assignee=world.investigator)
    wages = finding(world, standards, complaint, "W-1", substantiated=False, actor=world.investigator)
    forced = workflow.finding_correct(
        finding=wages, actor=world.investigator, standard=standards["ZT-1"], substantiated=True,
        reason="Her passport is held by the crew leader",
    )  # fmt: skip
    proposal = proposal_of(forced)
    assert (proposal.status, proposal.to_standing, proposal.supplier) == (
        ProposalStatus.PENDING, Standing.SUSPENDED, world.supplier_a,
    )  # fmt: skip
    assert Event.objects.filter(complaint=complaint, kind=EventKind.STANDING_PROPOSED).count() == 1
    assert Notification.objects.filter(user=world.lead, subject__contains="Suspension proposed").exists()


def test_correcting_one_zero_tolerance_finding_into_another_rejects_the_old_proposal_and_makes_a_new_one(
    world, standards, make_case
):
    complaint = make_case(status=Status.INVESTIGATING, standard="ZT-1")
    first = finding(world, standards, complaint, "ZT-1")
    second = workflow.finding_correct(
        finding=first, actor=world.lead, standard=standards["ZT-4"], substantiated=True,
        reason="It was violence, not forced labor",
    )  # fmt: skip
    assert proposal_of(first).status == ProposalStatus.REJECTED
    assert proposal_of(first).decision_reason == "Finding corrected: It was violence, not forced labor"
    assert proposal_of(second).status == ProposalStatus.PENDING
    assert "violence" in proposal_of(second).reason.lower()


def test_a_confirmed_suspension_stays_when_its_finding_is_withdrawn_and_the_leads_are_told(world, standards, make_case):
    complaint = make_case(status=Status.INVESTIGATING, standard="ZT-1")
    wrong = finding(world, standards, complaint, "ZT-1")
    services.standing_proposal_confirm(proposal=proposal_of(wrong), actor=world.lead)
    Notification.objects.all().delete()
    workflow.finding_withdraw(finding=wrong, actor=world.lead, reason="The worker's account was about another farm")
    world.supplier_a.refresh_from_db()
    assert world.supplier_a.standing == Standing.SUSPENDED  # undoing a suspension is a decision of its own
    assert proposal_of(wrong).status == ProposalStatus.CONFIRMED
    told = Notification.objects.get(user=world.lead)
    assert "Suspension grounds withdrawn" in told.subject and "stays suspended" in told.body
    assert "another farm" not in told.body  # the reason stays on the case page
    assert not Notification.objects.exclude(user=world.lead).exists()


# --- Remedies -------------------------------------------------------------------------------------


def test_correcting_a_verified_remedy_never_edits_it_and_the_correction_is_verified_again(world, standards, make_case):
    complaint = make_case(status=Status.INVESTIGATING)
    paid = workflow.remedy_record(complaint=complaint, actor=world.lead, kind="back_pay", amount=120, currency="USD")
    workflow.remedy_verify(remedy=paid, actor=world.lead)
    corrected = workflow.remedy_correct(
        remedy=paid, actor=world.lead, kind="back_pay", amount=Decimal("1200"),
        currency="usd", reason="A zero was missing from the amount",
    )  # fmt: skip
    paid.refresh_from_db()
    assert (paid.amount, paid.verified, paid.is_withdrawn, paid.replaced_by) == (120, True, True, corrected)
    assert (corrected.amount, corrected.currency, corrected.verified) == (1200, "USD", False)
    versions = RemedyHistory.objects.filter(pgh_obj=paid).order_by("pgh_id")
    assert [v.amount for v in versions] == [120, 120, 120]  # recorded, verified, withdrawn: never another amount
    event = Event.objects.get(complaint=complaint, kind=EventKind.REMEDY_CORRECTED)
    assert event.data["was_verified"] is True and event.data["from"]["amount"] == "120.00"
    assert event.data["amount"] == "1200"
    workflow.remedy_verify(remedy=corrected, actor=world.lead)


def test_a_withdrawn_remedy_cannot_be_verified_or_corrected(world, make_case):
    complaint = make_case(status=Status.INVESTIGATING)
    remedy = workflow.remedy_record(complaint=complaint, actor=world.lead, kind="training")
    workflow.remedy_withdraw(remedy=remedy, actor=world.lead, reason="Entered on the wrong case")
    with pytest.raises(ValidationError, match="withdrawn"):
        workflow.remedy_verify(remedy=remedy, actor=world.lead)
    with pytest.raises(ValidationError, match="already withdrawn"):
        workflow.remedy_correct(remedy=remedy, actor=world.lead, kind="discipline", reason="Another try at it")
    assert not Remedy.objects.get(pk=remedy.pk).verified
    assert Event.objects.filter(complaint=complaint, kind=EventKind.REMEDY_WITHDRAWN).count() == 1


def test_a_remedy_is_never_recorded_for_a_withdrawn_finding(world, standards, make_case):
    complaint = make_case(status=Status.INVESTIGATING)
    wrong = finding(world, standards, complaint)
    workflow.finding_withdraw(finding=wrong, actor=world.lead, reason="Recorded on the wrong case")
    with pytest.raises(ValidationError, match="withdrawn"):
        workflow.remedy_record(complaint=complaint, actor=world.lead, kind="training", finding=wrong)
    assert not Remedy.objects.exists()


# --- Two people at once ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_people_correcting_the_same_finding_at_once_leave_one_replacement(world, standards, make_case):
    complaint = make_case(status=Status.INVESTIGATING)
    recorded = finding(world, standards, complaint)

    def correct(actor: Any, code: str) -> Any:
        return workflow.finding_correct(
            finding=CaseFinding.objects.get(pk=recorded.pk), actor=actor, standard=standards[code],
            substantiated=True, reason="Another standard fits better",
        )  # fmt: skip

    results = _race([lambda: correct(world.lead, "W-2"), lambda: correct(world.admin, "W-3")])
    assert sorted(type(r).__name__ for r in results) == ["CaseFinding", "ValidationError"]
    assert complaint.findings.active().count() == 1
    assert Event.objects.filter(complaint=complaint, kind=EventKind.FINDING_CORRECTED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_remedy_verified_while_it_is_corrected_is_either_verified_before_or_refused(world, make_case):
    complaint = make_case(status=Status.INVESTIGATING)
    remedy = workflow.remedy_record(complaint=complaint, actor=world.lead, kind="training")
    results = _race(
        [
            lambda: workflow.remedy_verify(remedy=Remedy.objects.get(pk=remedy.pk), actor=world.lead),
            lambda: workflow.remedy_correct(
                remedy=Remedy.objects.get(pk=remedy.pk),
                actor=world.admin,
                kind="discipline",
                reason="It was discipline, not training",
            ),
        ]
    )
    remedy.refresh_from_db()
    event = Event.objects.get(complaint=complaint, kind=EventKind.REMEDY_CORRECTED)
    assert remedy.is_withdrawn
    # The correction's event says whether what it replaced had been verified, never wrongly.
    assert event.data["was_verified"] == remedy.verified
    if isinstance(results[0], ValidationError):
        assert not remedy.verified


@pytest.mark.django_db(transaction=True)
def test_a_finding_withdrawn_while_the_lead_confirms_its_suspension_leaves_a_consistent_outcome(
    world, standards, make_case
):
    complaint = make_case(status=Status.INVESTIGATING, standard="ZT-1")
    zero = finding(world, standards, complaint, "ZT-1")
    proposal = proposal_of(zero)
    results = _race(
        [
            lambda: services.standing_proposal_confirm(
                proposal=StandingProposal.objects.get(pk=proposal.pk), actor=world.lead
            ),
            lambda: workflow.finding_withdraw(
                finding=CaseFinding.objects.get(pk=zero.pk),
                actor=world.admin,
                reason="The account was about another farm",
            ),
        ]
    )
    assert isinstance(results[1], CaseFinding), results  # the withdrawal always goes through
    proposal.refresh_from_db()
    world.supplier_a.refresh_from_db()
    if isinstance(results[0], ValidationError):  # withdrawn first: nothing left to confirm
        assert proposal.status == ProposalStatus.REJECTED
        assert world.supplier_a.standing == Standing.GOOD_STANDING
    else:  # confirmed first: the suspension stands and the leads are told its grounds are gone
        assert proposal.status == ProposalStatus.CONFIRMED
        assert world.supplier_a.standing == Standing.SUSPENDED
        assert Notification.objects.filter(user=world.lead, subject__startswith="Suspension grounds withdrawn").exists()

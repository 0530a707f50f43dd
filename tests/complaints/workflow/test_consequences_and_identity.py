"""Market consequence of zero tolerance, identity protection and the row history of cases."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from complaints import workflow
from complaints.choices import EventKind, Status
from complaints.models import Complaint, ComplaintHistory, Event, IdentityAccess
from complaints.selectors import identity_access_log, supplier_shared_summaries
from tests.complaints.workflow.conftest import WORKER_NAME, WORKER_PHONE
from tests.conftest import make_user
from wsr.network import services
from wsr.network.choices import OrganizationKind, ProposalStatus, Role, Standing
from wsr.network.models import Notification, StandingChange, StandingProposal

pytestmark = pytest.mark.django_db


def test_a_substantiated_zero_tolerance_finding_suspends_the_supplier_once_the_lead_confirms(
    world, standards, make_case, worker
):
    # A third buyer used to source from supplier A, but that relationship has ended.
    former = services.organization_create(name="Former Buyer", kind=OrganizationKind.BUYER)
    former_user = make_user("former-buyer", former, Role.BUYER_USER)
    ended = services.supply_relationship_start(buyer=former, supplier=world.supplier_a, started_on=date(2023, 1, 1))
    services.supply_relationship_end(relationship=ended, ended_on=date(2023, 12, 31))
    colleague_a = make_user("buyer-a-2", world.buyer_a, Role.BUYER_USER)

    complaint = make_case(status=Status.INVESTIGATING, standard="ZT-1", complainant=worker)
    finding = workflow.finding_record(
        complaint=complaint, actor=world.investigator, standard=standards["ZT-1"], substantiated=True,
        notes="Passports held by the crew leader",
    )  # fmt: skip
    proposal = StandingProposal.objects.get(origin="complaints.finding", origin_id=finding.pk)
    assert (proposal.status, proposal.to_standing) == (ProposalStatus.PENDING, Standing.SUSPENDED)
    world.supplier_a.refresh_from_db()
    assert world.supplier_a.standing == Standing.GOOD_STANDING  # nothing happens before the lead decides
    assert Event.objects.filter(complaint=complaint, kind=EventKind.STANDING_PROPOSED).exists()
    assert Notification.objects.filter(user=world.lead, subject__contains="Suspension proposed").exists()

    with pytest.raises(PermissionDenied):
        services.standing_proposal_confirm(proposal=proposal, actor=world.investigator)
    services.standing_proposal_confirm(proposal=proposal, actor=world.lead)
    assert Event.objects.filter(complaint=complaint, kind=EventKind.STANDING_CONFIRMED, actor=world.lead).exists()

    world.supplier_a.refresh_from_db()
    assert world.supplier_a.standing == Standing.SUSPENDED
    change = StandingChange.objects.get(supplier=world.supplier_a)
    assert (change.to_standing, change.changed_by) == (Standing.SUSPENDED, world.lead)
    notified = set(Notification.objects.filter(url__startswith="/buyer/").values_list("user__username", flat=True))
    assert notified == {world.buyer_a_user.username, colleague_a.username}
    assert former_user.username not in notified and world.buyer_b_user.username not in notified
    for note in Notification.objects.filter(url__startswith="/buyer/"):
        text = f"{note.subject}\n{note.body}\n{note.url}"
        assert complaint.reference not in text
        assert "Maria" not in text and "Hernandez" not in text
        assert WORKER_PHONE[-7:] not in re.sub(r"\D", "", text)
    with pytest.raises(ValidationError):
        services.standing_proposal_confirm(proposal=proposal, actor=world.lead)


def test_the_lead_may_reject_a_proposal_and_the_standing_stays(world, standards, make_case):
    complaint = make_case(status=Status.INVESTIGATING, standard="ZT-4")
    finding = workflow.finding_record(
        complaint=complaint, actor=world.lead, standard=standards["ZT-4"], substantiated=True
    )
    proposal = StandingProposal.objects.get(origin="complaints.finding", origin_id=finding.pk)
    services.standing_proposal_reject(proposal=proposal, actor=world.lead, reason="Offender dismissed same day")
    assert Event.objects.filter(
        complaint=complaint, kind=EventKind.STANDING_REJECTED, reason="Offender dismissed same day"
    ).exists()
    world.supplier_a.refresh_from_db()
    assert world.supplier_a.standing == Standing.GOOD_STANDING
    assert not Notification.objects.filter(user__in=[world.buyer_a_user, world.buyer_b_user]).exists()


def test_a_serious_or_unsubstantiated_finding_proposes_nothing(world, standards, make_case):
    complaint = make_case(status=Status.INVESTIGATING, standard="ZT-1")
    workflow.finding_record(complaint=complaint, actor=world.lead, standard=standards["ZT-1"], substantiated=False)
    workflow.finding_record(complaint=complaint, actor=world.lead, standard=standards["W-1"], substantiated=True)
    assert not StandingProposal.objects.exists()


def test_revealing_the_identity_needs_a_reason_and_is_logged_for_the_lead(world, make_case, worker):
    complaint = make_case(status=Status.TRIAGED, complainant=worker)
    with pytest.raises(ValidationError):
        workflow.complainant_identity_reveal(complaint=complaint, user=world.investigator, reason="")
    phone, name = workflow.complainant_identity_reveal(
        complaint=complaint, user=world.investigator, reason="Calling her back as she asked"
    )
    assert (phone, name) == (WORKER_PHONE, WORKER_NAME)
    access = IdentityAccess.objects.get()
    assert (access.user, access.complaint, access.reason) == (
        world.investigator, complaint, "Calling her back as she asked",
    )  # fmt: skip
    event = Event.objects.get(kind=EventKind.IDENTITY_REVEALED)
    assert WORKER_PHONE not in str(event.data) and WORKER_NAME not in str(event.data)
    assert list(identity_access_log(user=world.lead)) == [access]
    assert list(identity_access_log(user=world.investigator)) == []
    assert list(identity_access_log(user=world.auditor)) == []


@pytest.mark.parametrize("who", ["auditor", "buyer_a_user", "supplier_a_user", "outsider"])
def test_nobody_outside_the_case_team_can_reveal_an_identity(world, make_case, worker, who):
    complaint = make_case(status=Status.TRIAGED, complainant=worker)
    with pytest.raises(Http404):
        workflow.complainant_identity_reveal(complaint=complaint, user=getattr(world, who), reason="Just curious")
    assert not IdentityAccess.objects.exists()


def test_the_supplier_sees_only_a_redacted_summary_shared_with_it(world, standards, make_case, worker):
    complaint = make_case(status=Status.INVESTIGATING, complainant=worker)
    draft = workflow.complaint_summary_draft(complaint=complaint)
    assert complaint.reference not in draft and "Maria" not in draft and "pay" not in draft.split("under:")[0]
    for leaky in (f"Case {complaint.reference}", "Maria says so", "call 555-0123"):
        with pytest.raises(ValidationError):
            workflow.complaint_summary_share(complaint=complaint, actor=world.lead, summary=leaky)
    share = workflow.complaint_summary_share(complaint=complaint, actor=world.lead, summary=draft)
    assert list(supplier_shared_summaries(user=world.supplier_a_user)) == [share]
    assert list(supplier_shared_summaries(user=world.supplier_b_user)) == []
    assert list(supplier_shared_summaries(user=world.buyer_a_user)) == []


def test_history_keeps_every_version_of_a_case_including_bulk_updates(world, standards, make_case):
    first, second = make_case(status=Status.NEW), make_case(status=Status.NEW)
    before = ComplaintHistory.objects.filter(pgh_obj__in=[first, second]).count()
    Complaint.objects.filter(pk__in=[first.pk, second.pk]).update(assignee=world.investigator)  # a queryset update
    workflow.complaint_triage(complaint=first, actor=world.lead, standard=standards["W-1"])
    rows = ComplaintHistory.objects.filter(pgh_obj__in=[first, second]).order_by("pgh_id")
    assert rows.count() == before + 3
    bulk = rows.filter(pgh_label="update", assignee=world.investigator, status=Status.NEW)
    assert set(bulk.values_list("pgh_obj_id", flat=True)) == {first.pk, second.pk}
    assert rows.filter(pgh_obj=first, status=Status.TRIAGED, standard=standards["W-1"]).count() == 1
    # Recomputing the search vector is not a change worth a version.
    from complaints.services import complaint_search_refresh

    complaint_search_refresh(complaint=second)
    assert ComplaintHistory.objects.filter(pgh_obj__in=[first, second]).count() == before + 3


def test_history_rows_cannot_be_rewritten(world, make_case):
    from django.db import ProgrammingError, transaction

    make_case(status=Status.NEW)
    with pytest.raises(ProgrammingError, match="Cannot update or delete"), transaction.atomic():
        ComplaintHistory.objects.update(description="tampered")


@pytest.mark.parametrize(
    ("name", "leaky", "safe"),
    [
        ("Maria Hernandez", "The worker M. Hernández (row 7) was not paid.", "Workers on row 7 were not paid."),
        ("Bo Li", "Bo from the packing line was pushed.", "A packer was pushed; Limited shifts followed."),
        ("José Pierre", "JOSE said the crew leader hit him.", "A worker said the crew leader hit him."),
    ],
)
def test_a_summary_naming_the_worker_in_any_spelling_is_refused(world, make_case, worker, name, leaky, safe):
    worker.name = name
    worker.save(update_fields=["name"])
    complaint = make_case(status=Status.INVESTIGATING, complainant=worker)
    with pytest.raises(ValidationError):
        workflow.complaint_summary_share(complaint=complaint, actor=world.lead, summary=leaky)
    assert workflow.complaint_summary_share(complaint=complaint, actor=world.lead, summary=safe).summary == safe

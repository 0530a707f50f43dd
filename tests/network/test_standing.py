"""Standing proposals: one mechanism for every rule that proposes a change of a supplier's standing."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import make_user
from wsr.network import services
from wsr.network.choices import OrganizationKind, ProposalStatus, Role, Standing
from wsr.network.models import Notification, StandingChange, StandingProposal
from wsr.network.signals import standing_changed

pytestmark = pytest.mark.django_db

REASON = "The supplier left corrective actions overdue past the warning deadline."


def propose(world, **extra):
    fields = {"supplier": world.supplier_a, "to_standing": Standing.SUSPENDED, "reason": REASON, "actor": world.lead}
    return services.standing_propose(**{**fields, **extra})


def test_a_proposal_changes_nothing_until_the_lead_confirms_and_then_everyone_concerned_is_told(world):
    proposal, created = propose(world, origin="tests.rule", origin_id=7, origin_label="Rule 7")
    assert created and proposal.status == ProposalStatus.PENDING
    world.supplier_a.refresh_from_db()
    assert world.supplier_a.standing == Standing.GOOD_STANDING
    assert Notification.objects.filter(user=world.lead, subject="Suspension proposed: Sunrise Farms").exists()
    assert not Notification.objects.filter(user__in=[world.buyer_a_user, world.supplier_a_user]).exists()

    services.standing_proposal_confirm(proposal=proposal, actor=world.lead)
    world.supplier_a.refresh_from_db()
    assert world.supplier_a.standing == Standing.SUSPENDED
    change = StandingChange.objects.get()
    assert (change.reason, change.changed_by, proposal.change) == (REASON, world.lead, change)
    buyer_note = Notification.objects.get(user=world.buyer_a_user)
    assert buyer_note.url == f"/buyer/suppliers/{world.supplier_a.uuid}/" and REASON in buyer_note.body
    assert "Rule 7" not in buyer_note.body  # the grounds are the monitor's
    assert Notification.objects.filter(user=world.supplier_a_user, body__contains=REASON).exists()
    assert not Notification.objects.filter(user__in=[world.buyer_b_user, world.supplier_b_user]).exists()


def test_proposing_twice_from_the_same_rule_row_makes_one_proposal(world):
    first, created = propose(world, origin="tests.rule", origin_id=7)
    again, created_again = propose(world, origin="tests.rule", origin_id=7)
    assert (created, created_again, first.pk) == (True, False, again.pk)
    assert Notification.objects.filter(user=world.lead).count() == 1


@pytest.mark.parametrize("who", ["investigator", "auditor", "buyer_a_user", "supplier_a_user", "outsider"])
def test_only_a_lead_decides(world, who):
    proposal, _ = propose(world)
    with pytest.raises(PermissionDenied):
        services.standing_proposal_confirm(proposal=proposal, actor=getattr(world, who))
    with pytest.raises(PermissionDenied):
        services.standing_proposal_reject(proposal=proposal, actor=getattr(world, who), reason="No grounds")
    assert StandingProposal.objects.get().status == ProposalStatus.PENDING


def test_a_rejected_proposal_keeps_the_standing_and_its_reason_and_cannot_be_decided_again(world):
    proposal, _ = propose(world)
    with pytest.raises(ValidationError):
        services.standing_proposal_reject(proposal=proposal, actor=world.lead, reason="")
    services.standing_proposal_reject(proposal=proposal, actor=world.lead, reason="Remediated on the spot")
    assert (proposal.status, proposal.decision_reason) == (ProposalStatus.REJECTED, "Remediated on the spot")
    world.supplier_a.refresh_from_db()
    assert world.supplier_a.standing == Standing.GOOD_STANDING
    with pytest.raises(ValidationError):
        services.standing_proposal_confirm(proposal=proposal, actor=world.lead)
    assert not Notification.objects.filter(user=world.buyer_a_user).exists()


def test_other_apps_hear_of_a_standing_change_through_the_registrys_signal(world):
    heard = []

    def listener(sender, supplier, change, **kwargs):
        heard.append((supplier.pk, change.to_standing))

    standing_changed.connect(listener)
    try:
        services.supplier_standing_change(
            supplier=world.supplier_a, to_standing=Standing.PROBATION, actor=world.lead, reason="Warning"
        )
    finally:
        standing_changed.disconnect(listener)
    assert heard == [(world.supplier_a.pk, Standing.PROBATION)]


def test_the_proposal_page_shows_the_lead_who_will_be_told_before_confirming(world):
    second_buyer = services.organization_create(name="Buyer C", kind=OrganizationKind.BUYER)
    make_user("buyer-c-1", second_buyer, Role.BUYER_USER)
    make_user("buyer-c-2", second_buyer, Role.BUYER_USER)
    services.supply_relationship_start(buyer=second_buyer, supplier=world.supplier_a, started_on=date(2024, 1, 1))
    proposal, _ = propose(world, origin_label="Case ABCDEFGH: finding ZT-1", origin_url="/monitor/cases/ABCDEFGH/")
    client = world.client_for(world.lead)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"/monitor/proposals/{proposal.uuid}/").content.decode()
    assert "Buyer A (1 user)" in page and "Buyer C (2 users)" in page and "Buyer B" not in page
    assert "Confirm: suspension and tell 2 buyers" in page
    assert REASON in page and 'href="/monitor/cases/ABCDEFGH/"' in page
    assert len(queries) <= 12
    world.supplier_a.refresh_from_db()
    assert world.supplier_a.standing == Standing.GOOD_STANDING  # looking changes nothing

    assert client.post(f"/monitor/proposals/{proposal.uuid}/", {"decision": "reject", "reason": ""}).status_code == 400
    response = client.post(f"/monitor/proposals/{proposal.uuid}/", {"decision": "reject", "reason": "Fixed today"})
    assert response.status_code == 302
    assert StandingProposal.objects.get().status == ProposalStatus.REJECTED


@pytest.mark.parametrize(
    ("role", "expected"),
    [("lead", 200), ("admin", 200), ("investigator", 404), ("auditor", 404), ("buyer_a_user", 404),
     ("supplier_a_user", 404), ("outsider", 404)],
)  # fmt: skip
def test_proposal_pages_open_for_leads_only(world, role, expected):
    proposal, _ = propose(world)
    client = world.client_for(getattr(world, role))
    assert client.get("/monitor/proposals/").status_code == expected
    assert client.get(f"/monitor/proposals/{proposal.uuid}/").status_code == expected
    assert client.post(f"/monitor/proposals/{proposal.uuid}/", {"decision": "confirm"}).status_code in (
        (302,) if expected == 200 else (404,)
    )


def test_the_proposals_list_takes_the_same_queries_for_2_and_20_proposals(world):
    client = world.client_for(world.lead)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/monitor/proposals/").status_code == 200
        return len(queries)

    for i in range(2):
        propose(world, origin="tests.rule", origin_id=i)
    few = count()
    for i in range(2, 20):
        propose(world, origin="tests.rule", origin_id=i)
    assert count() == few


@pytest.mark.parametrize(
    ("role", "listed", "decide"),
    [("lead", 1, 200), ("investigator", 0, 404), ("auditor", 0, 404), ("buyer_a_user", 0, 404),
     ("supplier_a_user", 0, 404), (None, None, 401)],
)  # fmt: skip
def test_the_api_lists_and_decides_proposals_for_leads_only(world, api_client_for, role, listed, decide):
    proposal, _ = propose(world)
    client = api_client_for(getattr(world, role) if role else None)
    response = client.get("/api/v1/standing-proposals/")
    if listed is None:
        assert response.status_code == 401
    else:
        assert response.json()["count"] == listed
    response = client.post(f"/api/v1/standing-proposals/{proposal.uuid}/reject/", {"reason": "Fixed on site"})
    assert response.status_code == decide
    if decide == 200:
        assert response.json()["status"] == "rejected"
        again = client.post(f"/api/v1/standing-proposals/{proposal.uuid}/confirm/")
        assert again.status_code == 400

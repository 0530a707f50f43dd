"""Registry writes: standing changes, memberships, worksite codes, permission sync (SPEC 2, 3, 4.4)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from tests.conftest import make_user
from wsr.network import services
from wsr.network.choices import OrganizationKind, Role, Severity, Standing
from wsr.network.models import WORKSITE_CODE_REGEX, Notification, Standard, StandingChange, Supplier, Worksite
from wsr.network.permissions import all_supplier_permissions_sync

pytestmark = pytest.mark.django_db


def visible(user) -> list[str]:
    return sorted(s.name for s in Supplier.objects.restrict(user))


def test_standing_change_writes_history_and_notifies_exactly_the_buyers_sourcing_from_the_supplier(world):
    # A second buyer still sourcing from supplier A, one whose relationship ended, an inactive user.
    buyer_c = services.organization_create(name="Buyer C", kind=OrganizationKind.BUYER)
    buyer_c_user = make_user("buyer-c", buyer_c, Role.BUYER_USER)
    services.supply_relationship_start(buyer=buyer_c, supplier=world.supplier_a, started_on=date(2024, 1, 1))
    former = services.organization_create(name="Former buyer", kind=OrganizationKind.BUYER)
    make_user("former-buyer", former, Role.BUYER_USER)
    ended = services.supply_relationship_start(buyer=former, supplier=world.supplier_a, started_on=date(2023, 1, 1))
    services.supply_relationship_end(relationship=ended, ended_on=date(2023, 12, 31))
    make_user("gone-buyer-a", world.buyer_a, Role.BUYER_USER, is_active=False)
    # Buyer A once sourced from supplier B too; that old, ended relationship must not silence it.
    old = services.supply_relationship_start(
        buyer=world.buyer_a, supplier=world.supplier_b, started_on=date(2023, 1, 1)
    )
    services.supply_relationship_end(relationship=old, ended_on=date(2023, 6, 30))

    change = services.supplier_standing_change(
        supplier=world.supplier_a, to_standing=Standing.SUSPENDED, actor=world.lead, reason="Unremediated heat risk"
    )

    assert change is not None
    assert (change.from_standing, change.to_standing, change.changed_by) == (
        Standing.GOOD_STANDING,
        Standing.SUSPENDED,
        world.lead,
    )
    world.supplier_a.refresh_from_db()
    assert world.supplier_a.standing == Standing.SUSPENDED
    assert world.supplier_a.standing_changed_at == change.changed_at
    recipients = sorted(n.user.username for n in Notification.objects.select_related("user"))
    # The buyers sourcing from it today, and the supplier's own users; nobody else.
    assert recipients == sorted([world.buyer_a_user.username, buyer_c_user.username, world.supplier_a_user.username])
    notice = Notification.objects.get(user=world.buyer_a_user)
    assert "Suspended" in notice.subject
    assert "Unremediated heat risk" in notice.body


def test_setting_the_same_standing_again_changes_nothing_and_notifies_no_one(world):
    services.supplier_standing_change(
        supplier=world.supplier_a, to_standing=Standing.PROBATION, actor=world.lead, reason="Late CAP items"
    )
    again = services.supplier_standing_change(
        supplier=world.supplier_a, to_standing=Standing.PROBATION, actor=world.lead, reason="Late CAP items"
    )
    assert again is None
    assert StandingChange.objects.filter(supplier=world.supplier_a).count() == 1
    assert Notification.objects.count() == 2  # the first change: buyer A and supplier A, once each


def test_standing_history_is_kept_newest_first(world):
    for standing in (Standing.PROBATION, Standing.SUSPENDED, Standing.GOOD_STANDING):
        services.supplier_standing_change(supplier=world.supplier_b, to_standing=standing, actor=None, reason="r")
    history = list(world.supplier_b.standing_changes.values_list("from_standing", "to_standing"))
    assert history == [
        (Standing.SUSPENDED, Standing.GOOD_STANDING),
        (Standing.PROBATION, Standing.SUSPENDED),
        (Standing.GOOD_STANDING, Standing.PROBATION),
    ]


def test_a_new_buyer_relationship_grants_access_and_ending_it_today_removes_it(world):
    assert visible(world.buyer_b_user) == ["Delta Garments"]
    relationship = services.supply_relationship_start(
        buyer=world.buyer_b, supplier=world.supplier_a, started_on=date(2024, 6, 1)
    )
    assert visible(world.buyer_b_user) == ["Delta Garments", "Sunrise Farms"]

    services.supply_relationship_end(relationship=relationship, ended_on=timezone.localdate())
    assert visible(world.buyer_b_user) == ["Delta Garments"]


def test_a_relationship_ending_in_the_future_keeps_access_until_the_daily_resync_after_that_day(world, time_machine):
    relationship = world.buyer_a.supply_relationships.get(supplier=world.supplier_a)
    today = timezone.localdate()
    services.supply_relationship_end(relationship=relationship, ended_on=today + timedelta(days=3))
    assert visible(world.buyer_a_user) == ["Sunrise Farms"]

    time_machine.move_to(today + timedelta(days=3, hours=12))
    assert all_supplier_permissions_sync() == 2
    assert visible(world.buyer_a_user) == []


def test_a_relationship_starting_in_the_future_grants_nothing_yet(world):
    services.supply_relationship_start(
        buyer=world.buyer_a, supplier=world.supplier_b, started_on=timezone.localdate() + timedelta(days=10)
    )
    assert visible(world.buyer_a_user) == ["Sunrise Farms"]


def test_deleting_a_relationship_removes_access(world):
    world.buyer_a.supply_relationships.get(supplier=world.supplier_a).delete()
    assert visible(world.buyer_a_user) == []


def test_deactivated_supplier_user_sees_nothing_and_reactivation_restores_access(world):
    membership = world.supplier_a_user.memberships.get()
    services.membership_deactivate(membership=membership)
    world.supplier_a_user.refresh_from_db()
    assert visible(world.supplier_a_user) == []

    services.membership_create(user=world.supplier_a_user, organization=world.supplier_a.organization,
                               role=Role.SUPPLIER_USER)  # fmt: skip
    assert visible(world.supplier_a_user) == ["Sunrise Farms"]


def test_deactivated_monitor_staff_lose_the_all_suppliers_view(world):
    assert visible(world.investigator) == ["Delta Garments", "Sunrise Farms"]
    services.membership_deactivate(membership=world.investigator.memberships.get())
    world.investigator.refresh_from_db()
    assert visible(world.investigator) == []


def test_a_role_that_does_not_fit_the_organization_is_refused(world):
    with pytest.raises(ValidationError):
        services.membership_create(user=world.outsider, organization=world.buyer_a, role=Role.INVESTIGATOR)
    with pytest.raises(ValidationError):
        services.supply_relationship_start(buyer=world.monitor, supplier=world.supplier_a, started_on=date.today())


def test_generated_worksite_codes_are_short_unambiguous_and_unique(world):
    sites = [services.worksite_create(supplier=world.supplier_a, name=f"Field {i}") for i in range(30)]
    codes = [site.code for site in sites]
    assert len(set(codes)) == 30
    for code in codes:
        assert re.fullmatch(WORKSITE_CODE_REGEX, code)
        assert not set(code) & set("IOQSZ")


def test_the_database_refuses_a_malformed_or_duplicate_worksite_code(world):
    with pytest.raises(IntegrityError):
        Worksite.objects.create(supplier=world.supplier_a, code="IO0", name="Bad")


def test_a_taken_worksite_code_is_refused(world):
    with pytest.raises(IntegrityError):
        services.worksite_create(supplier=world.supplier_b, name="Copy", code="RF101")


def test_the_code_of_conduct_is_seeded_with_zero_tolerance_standards_and_their_deadlines(db):
    zero = Standard.objects.filter(severity=Severity.ZERO_TOLERANCE)
    categories = set(zero.values_list("category", flat=True))
    assert {"forced_labor", "child_labor", "sexual_assault", "violence", "retaliation"} <= categories
    forced = zero.get(category="forced_labor")
    assert (forced.acknowledge_within, forced.investigate_within, forced.resolve_within) == (
        timedelta(hours=4),
        timedelta(hours=24),
        timedelta(days=14),
    )
    assert Standard.objects.filter(severity=Severity.SERIOUS, category="wages").exists()


@pytest.mark.django_db(transaction=True)
def test_flushing_the_database_keeps_a_code_of_conduct_but_never_overwrites_an_edited_one():
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    assert Standard.objects.filter(severity=Severity.ZERO_TOLERANCE).count() >= 5

    Standard.objects.filter(code="O-1").update(title="Edited by the program")
    call_command("migrate", verbosity=0)
    assert Standard.objects.get(code="O-1").title == "Edited by the program"

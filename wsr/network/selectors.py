"""Reads of the registry that depend on who is asking."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from wsr.network.choices import OrganizationKind, ProposalStatus, Role
from wsr.network.models import Membership, Organization, StandingProposal, Supplier, SupplyRelationship, User
from wsr.network.roles import is_lead


def home_summary(*, user: User) -> dict[str, Any]:
    """What a signed-in user's home page shows: memberships and the suppliers they may see."""
    suppliers = (
        Supplier.objects.restrict(user)
        .select_related("organization")
        .annotate(worksite_count=Count("worksites"))
        .order_by("organization__name")
    )
    return {
        "memberships": Membership.objects.filter(user=user, is_active=True).select_related("organization"),
        "suppliers": suppliers[:50],
        "supplier_count": suppliers.count(),
    }


# --- Recipients of notices ------------------------------------------------------------------------


def _members(**membership: Any) -> QuerySet[User]:
    """Active users with an active membership matching ``membership`` (one query, no duplicates)."""
    lookups = {f"memberships__{name}": value for name, value in membership.items()}
    return User.objects.filter(is_active=True, memberships__is_active=True, **lookups).distinct()


def monitor_leads() -> QuerySet[User]:
    """The monitor leads: they receive escalations and decide on standing."""
    return _members(role=Role.MONITOR_LEAD)


def supplier_users(*, supplier: Supplier) -> QuerySet[User]:
    """The users of ``supplier``'s own organization."""
    return _members(role=Role.SUPPLIER_USER, organization=supplier.organization_id)


def buyer_users_sourcing_from(*, supplier: Supplier, on: date | None = None) -> QuerySet[User]:
    """Buyer users of every buyer with a supply relationship to ``supplier`` in force ``on`` (today)."""
    buyers = SupplyRelationship.objects.active(on=on).filter(supplier=supplier).values("buyer_id")
    return _members(role=Role.BUYER_USER, organization__in=buyers)


# --- Standing proposals ---------------------------------------------------------------------------


def pending_standing_proposals(*, user: Any) -> QuerySet[StandingProposal]:
    """Proposals awaiting the lead's decision, oldest first (empty for anyone but a lead)."""
    if not is_lead(user):
        return StandingProposal.objects.none()
    return (
        StandingProposal.objects.filter(status=ProposalStatus.PENDING)
        .select_related("supplier__organization", "proposed_by")
        .order_by("proposed_at", "pk")
    )


def access_standing_proposal(*, user: Any, uuid: Any) -> StandingProposal:
    """The proposal for a lead; Http404 for anyone else or an unknown one (one door)."""
    proposal = (
        StandingProposal.objects.select_related("supplier__organization", "proposed_by", "decided_by")
        .filter(uuid=uuid)
        .first()
        if is_lead(user)
        else None
    )
    if proposal is None:
        raise Http404("No such proposal.")
    return proposal


def buyers_told_of(*, supplier: Supplier) -> list[tuple[Organization, int]]:
    """Who a standing change of ``supplier`` reaches: each buyer sourcing from it now and how many
    of its users are told (one query)."""
    buyers = (
        Organization.objects.filter(
            kind=OrganizationKind.BUYER,
            pk__in=SupplyRelationship.objects.active().filter(supplier=supplier).values("buyer_id"),
        )
        .annotate(
            users=Count(
                "memberships__user",
                filter=Q(
                    memberships__is_active=True,
                    memberships__role=Role.BUYER_USER,
                    memberships__user__is_active=True,
                ),
                distinct=True,
            )
        )
        .order_by("name")
    )
    return [(buyer, buyer.users) for buyer in buyers]

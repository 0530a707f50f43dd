"""Reads of the registry that depend on who is asking."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, QuerySet

from wsr.network.choices import Role
from wsr.network.models import Membership, Supplier, SupplyRelationship, User


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

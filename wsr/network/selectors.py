"""Reads of the registry that depend on who is asking."""

from __future__ import annotations

from typing import Any

from django.db.models import Count

from wsr.network.models import Membership, Supplier, User


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

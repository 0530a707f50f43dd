"""Who may see what in the registry — the one place that grants and revokes object permissions.

Each organization has a Django group; an active membership puts the user in it. Object permissions
on a supplier are held by groups: the supplier's own organization, and every buyer with an active
supply relationship to it. ``supplier_permissions_sync`` recomputes those grants from the data, so it
is safe to call after any change and from the daily beat task (supply relationships start and end on
dates, not only on edits).

Program staff (admin, monitor lead, investigator, auditor) see every supplier without object rows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.contrib.auth.models import AnonymousUser, Group
from django.db import transaction
from guardian.shortcuts import assign_perm, get_groups_with_perms, get_objects_for_user, remove_perm

from wsr.network.roles import PROGRAM_ROLES, has_role

if TYPE_CHECKING:
    from wsr.network.models import Organization, Supplier, SupplierQuerySet, User

SUPPLIER_PERMS = ("view_supplier",)


def is_program_staff(user: User | AnonymousUser) -> bool:
    """Program staff see the whole registry; everyone else sees what object permissions grant."""
    return has_role(user, PROGRAM_ROLES)


def restrict_suppliers(queryset: SupplierQuerySet, *, user: User | AnonymousUser, action: str) -> SupplierQuerySet:
    """Return the part of ``queryset`` that ``user`` may ``action``; one SQL query, no Python loop."""
    if not (user.is_authenticated and user.is_active):
        return queryset.none()
    if is_program_staff(user):
        return queryset
    # guardian filters the queryset it is given, so the result keeps the SupplierQuerySet class.
    restricted = get_objects_for_user(user, f"network.{action}_supplier", klass=queryset, accept_global_perms=False)
    return cast("SupplierQuerySet", restricted)


def organization_group(organization: Organization) -> Group:
    """The group that carries an organization's object permissions (created on first use)."""
    group, _ = Group.objects.get_or_create(name=f"org:{organization.uuid}")
    return group


def user_groups_sync(user: User) -> None:
    """Put ``user`` in the groups of exactly the organizations where they have an active membership."""
    wanted = {
        organization_group(m.organization)
        for m in user.memberships.filter(is_active=True).select_related("organization")
    }
    current = set(user.groups.filter(name__startswith="org:"))
    user.groups.remove(*(current - wanted))
    user.groups.add(*(wanted - current))
    user.__dict__.pop("_roles_cache", None)


def supplier_permissions_sync(supplier: Supplier) -> None:
    """Grant ``SUPPLIER_PERMS`` on ``supplier`` to exactly the groups that should hold them now."""
    from wsr.network.models import Organization, SupplyRelationship

    buyers = Organization.objects.filter(
        pk__in=SupplyRelationship.objects.active().filter(supplier=supplier).values("buyer_id")
    )
    wanted = {organization_group(supplier.organization)} | {organization_group(b) for b in buyers}
    with transaction.atomic():
        # attach_perms=True makes it a {group: [codename, ...]} mapping.
        holders = cast(dict[Group, list[str]], get_groups_with_perms(supplier, attach_perms=True))
        for group, perms in holders.items():
            if group not in wanted:
                for perm in perms:
                    remove_perm(perm, group, supplier)
        for group in wanted:
            for perm in SUPPLIER_PERMS:
                if perm not in holders.get(group, ()):
                    assign_perm(perm, group, supplier)


def all_supplier_permissions_sync() -> int:
    """Resynchronise every supplier's grants; returns how many suppliers were checked."""
    from wsr.network.models import Supplier

    count = 0
    for supplier in Supplier.objects.select_related("organization").iterator():
        supplier_permissions_sync(supplier)
        count += 1
    return count


def supplier_permissions_bulk_grant(grants: list[tuple[Organization, Supplier]]) -> int:
    """Grant ``SUPPLIER_PERMS`` for many (organization, supplier) pairs at once (bulk seeding only:
    it assumes none of the pairs holds them yet). Returns the number of rows written."""
    from django.contrib.auth.models import Permission

    from wsr.network.models import SupplierGroupObjectPermission

    names = {f"org:{organization.uuid}" for organization, _ in grants}
    Group.objects.bulk_create([Group(name=name) for name in names], ignore_conflicts=True)
    groups = {group.name: group for group in Group.objects.filter(name__in=names)}
    perms = list(Permission.objects.filter(content_type__app_label="network", codename__in=SUPPLIER_PERMS))
    rows = [
        SupplierGroupObjectPermission(
            group=groups[f"org:{organization.uuid}"], permission=perm, content_object=supplier
        )
        for organization, supplier in grants
        for perm in perms
    ]
    SupplierGroupObjectPermission.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
    return len(rows)

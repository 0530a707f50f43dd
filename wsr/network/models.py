"""The program registry: who takes part, where people work, and the code they are held to."""

from __future__ import annotations

import uuid
from datetime import date
from typing import TYPE_CHECKING

import pgtrigger
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from wsr.network.choices import (
    OrganizationKind,
    ProposalStatus,
    Role,
    Severity,
    StandardCategory,
    Standing,
    WorksiteKind,
)
from wsr.network.roles import ROLES_BY_KIND

if TYPE_CHECKING:
    from collections.abc import Iterable


class User(AbstractUser):
    """A person who logs in: monitor staff, auditors, buyer and supplier users. Workers never do."""

    @property
    def display_name(self) -> str:
        """The full name if given, else the username: how staff are named on pages."""
        return self.get_full_name() or self.username

    @property
    def roles(self) -> frozenset[str]:
        """The roles of the user's active memberships (cached on the instance)."""
        cached: frozenset[str] | None = getattr(self, "_roles_cache", None)
        if cached is None:
            cached = frozenset(self.memberships.filter(is_active=True).values_list("role", flat=True))
            if self.is_superuser:
                cached = cached | {Role.ADMIN}
            self._roles_cache = cached
        return cached

    def has_any_role(self, roles: Iterable[str]) -> bool:
        return bool(self.roles & set(roles))


# (kind, role) pairs allowed by ROLES_BY_KIND, as SQL for the triggers below. Sorted: a change of the
# mapping changes the triggers, so `makemigrations` writes a migration for it.
_ROLE_FITS_KIND_SQL = (
    ", ".join(
        f"('{OrganizationKind(kind).value}', '{Role(role).value}')"
        for kind, roles in ROLES_BY_KIND.items()
        for role in sorted(roles)
    )
    or "(NULL, NULL)"
)

# Trigger bodies: the role of a membership fits its organization's kind, and so does a new kind.
_MEMBERSHIP_ROLE_FITS_KIND = f"""
    SELECT kind INTO organization_kind FROM network_organization
    WHERE id = NEW.organization_id FOR SHARE;
    IF (organization_kind, NEW.role) NOT IN ({_ROLE_FITS_KIND_SQL}) THEN
        RAISE EXCEPTION 'a % member cannot be %', organization_kind, NEW.role
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
"""  # noqa: S608 (enumeration values only)
_ORGANIZATION_KIND_FITS = f"""
    IF EXISTS (
        SELECT 1 FROM network_membership m
        WHERE m.organization_id = NEW.id AND (NEW.kind, m.role) NOT IN ({_ROLE_FITS_KIND_SQL})
    ) OR (NEW.kind <> '{OrganizationKind.BUYER.value}'
          AND EXISTS (SELECT 1 FROM network_supplyrelationship r WHERE r.buyer_id = NEW.id))
      OR (NEW.kind <> '{OrganizationKind.SUPPLIER.value}'
          AND EXISTS (SELECT 1 FROM network_supplier s WHERE s.organization_id = NEW.id))
    THEN
        RAISE EXCEPTION 'organization %: a membership, supply relationship or supplier does not fit kind %',
            NEW.id, NEW.kind USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
"""  # noqa: S608 (enumeration values only)


def _role_labels(kind: OrganizationKind) -> set[str]:
    return {str(Role(role).label) for role in ROLES_BY_KIND[kind]}


def role_misfit_message(*, organization: Organization, role: str) -> str | None:
    """Why ``role`` cannot be held in ``organization`` (a role must fit its kind), or None."""
    if organization.kind not in ROLES_BY_KIND or role not in Role.values or role in ROLES_BY_KIND[organization.kind]:
        return None
    return f"A {organization.get_kind_display()} member cannot be {Role(role).label}."


def _organization_kind_trigger(*, name: str, column: str, kind: OrganizationKind) -> pgtrigger.Trigger:
    """A trigger refusing a row whose organization (``NEW.<column>``) is not of ``kind``. The row is
    locked FOR SHARE, so a kind change in flight waits, and its own trigger then sees this row."""
    return pgtrigger.Trigger(
        name=name,
        operation=pgtrigger.Insert | pgtrigger.UpdateOf(column),
        when=pgtrigger.Before,
        func=f"""
    PERFORM 1 FROM network_organization WHERE id = NEW.{column} AND kind = '{kind.value}' FOR SHARE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'organization % is not a {kind.value}', NEW.{column} USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
    """,
    )


class Organization(models.Model):
    """A member of the program: a worker organization, the monitor, a buyer or a supplier."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=32, choices=OrganizationKind.choices)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2 code")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=OrganizationKind.values), name="network_organization_kind_valid"
            ),
        ]
        triggers = [
            # What depends on the kind must still fit a new one (see Organization.clean).
            pgtrigger.Trigger(
                name="network_organization_kind_fits",
                operation=pgtrigger.UpdateOf("kind"),
                when=pgtrigger.Before,
                condition=pgtrigger.Q(old__kind__df=pgtrigger.F("new__kind")),
                func=_ORGANIZATION_KIND_FITS,
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """A new kind must still fit the organization's members' roles, its supply relationships as
        a buyer and its supplier row (the database holds the same rule)."""
        if self.pk is None or self.kind not in OrganizationKind.values:
            return
        before = Organization.objects.filter(pk=self.pk).values_list("kind", flat=True).first()
        if before is None or before == self.kind:
            return
        kind = OrganizationKind(self.kind)
        misfits = sorted(
            {str(Role(r).label) for r in self.memberships.values_list("role", flat=True)} - _role_labels(kind)
        )
        if misfits:
            raise ValidationError({"kind": f"Its members are {', '.join(misfits)}: a {kind.label} member cannot be."})
        if kind != OrganizationKind.BUYER and self.supply_relationships.exists():
            raise ValidationError({"kind": "It buys from suppliers (supply relationships): it stays a buyer."})
        if kind != OrganizationKind.SUPPLIER and Supplier.objects.filter(organization=self).exists():
            raise ValidationError({"kind": "It is a supplier with worksites and standing: it stays a supplier."})


class Membership(models.Model):
    """A user's role in an organization; object permissions follow it (see permissions.py)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=32, choices=Role.choices)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organization", "role"], name="network_membership_unique"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="network_membership_role_valid"),
        ]
        triggers = [
            # A role must fit the organization's kind (ROLES_BY_KIND); FOR SHARE waits for a kind change
            # in flight, whose own trigger then sees this membership.
            pgtrigger.Trigger(
                name="network_membership_role_fits_kind",
                operation=pgtrigger.Insert | pgtrigger.UpdateOf("role", "organization_id"),
                when=pgtrigger.Before,
                declare=[("organization_kind", "text")],
                func=_MEMBERSHIP_ROLE_FITS_KIND,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.organization}"

    def clean(self) -> None:
        """A role must fit the organization's kind: an administrator of a buyer would see every case."""
        try:
            organization = self.organization  # unsaved in an admin inline of a new organization: still set
        except ObjectDoesNotExist:
            return
        message = role_misfit_message(organization=organization, role=self.role)
        if message:
            raise ValidationError({"role": message})


class SupplierQuerySet(models.QuerySet["Supplier"]):
    def restrict(self, user: User, action: str = "view") -> SupplierQuerySet:
        from wsr.network.permissions import restrict_suppliers

        return restrict_suppliers(self, user=user, action=action)


class Supplier(models.Model):
    """A company bound by the code of conduct: a grower, a factory owner, a dairy."""

    organization = models.OneToOneField(Organization, on_delete=models.PROTECT, related_name="supplier")
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    standing = models.CharField(max_length=20, choices=Standing.choices, default=Standing.GOOD_STANDING)
    standing_changed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SupplierQuerySet.as_manager()

    class Meta:
        ordering = ["organization__name"]
        constraints = [
            models.CheckConstraint(condition=Q(standing__in=Standing.values), name="network_supplier_standing_valid"),
        ]
        triggers = [
            _organization_kind_trigger(
                name="network_supplier_organization_is_supplier",
                column="organization_id",
                kind=OrganizationKind.SUPPLIER,
            ),
        ]

    def __str__(self) -> str:
        return self.organization.name

    def clean(self) -> None:
        """Only a supplier organization is a supplier (its users get the supplier's permissions)."""
        if self.organization_id and self.organization.kind != OrganizationKind.SUPPLIER:
            raise ValidationError({"organization": f"{self.organization} is not a supplier organization."})

    @property
    def name(self) -> str:
        return self.organization.name


class SupplierUserObjectPermission(UserObjectPermissionBase):
    """Direct foreign-key object permission (faster than guardian's generic table)."""

    content_object = models.ForeignKey(Supplier, on_delete=models.CASCADE)


class SupplierGroupObjectPermission(GroupObjectPermissionBase):
    """Object permission held by an organization's group (see permissions.py)."""

    content_object = models.ForeignKey(Supplier, on_delete=models.CASCADE)


class StandingChange(models.Model):
    """One change of a supplier's standing: who decided it, when, and why."""

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="standing_changes")
    from_standing = models.CharField(max_length=20, choices=Standing.choices)
    to_standing = models.CharField(max_length=20, choices=Standing.choices)
    reason = models.TextField()
    changed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["supplier", "-changed_at"], name="network_standing_hist_idx")]

    def __str__(self) -> str:
        return f"{self.supplier}: {self.from_standing} → {self.to_standing}"


class StandingProposalQuerySet(models.QuerySet["StandingProposal"]):
    def restrict(self, user: User, action: str = "view") -> StandingProposalQuerySet:
        """Monitor leads see and decide every proposal; nobody else sees any."""
        from wsr.network.roles import is_lead

        return self if is_lead(user) else self.none()


class StandingProposal(models.Model):
    """A proposed change of a supplier's standing (suspension, probation, termination, reinstatement),
    awaiting the monitor lead's decision.

    ``origin`` names the rule that proposed it (``complaints.finding``, ``audits.escalation``,
    ``manual``...) and ``origin_id`` its row there: one proposal per origin row. ``origin_label`` and
    ``origin_url`` tell the monitor where the grounds are; they may name a case, so they are shown to
    monitor staff only. ``reason`` becomes the standing change's reason, shown to buyers and the
    supplier: it never identifies a worker.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="standing_proposals")
    from_standing = models.CharField(max_length=20, choices=Standing.choices)
    to_standing = models.CharField(max_length=20, choices=Standing.choices)
    reason = models.TextField()
    origin = models.CharField(max_length=64, default="manual")
    origin_id = models.BigIntegerField(null=True, blank=True)
    origin_label = models.CharField(max_length=200, blank=True)
    origin_url = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PENDING)
    proposed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    change = models.OneToOneField(
        StandingChange, null=True, blank=True, on_delete=models.SET_NULL, related_name="proposal"
    )

    objects = StandingProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["origin", "origin_id"],
                condition=Q(origin_id__isnull=False),
                name="network_proposal_once_per_origin",
            ),
            models.CheckConstraint(condition=Q(status__in=ProposalStatus.values), name="network_proposal_status_valid"),
            models.CheckConstraint(
                condition=Q(to_standing__in=Standing.values), name="network_proposal_standing_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=ProposalStatus.PENDING) | Q(decided_at__isnull=False),
                name="network_proposal_decided_at",
            ),
        ]
        indexes = [
            models.Index(
                fields=["proposed_at"], condition=Q(status=ProposalStatus.PENDING), name="network_proposal_pending_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supplier}: {self.to_standing}? ({self.status})"


class WorksiteQuerySet(models.QuerySet["Worksite"]):
    def restrict(self, user: User, action: str = "view") -> WorksiteQuerySet:
        return self.filter(supplier__in=Supplier.objects.restrict(user, action).values("pk"))


# Worksite codes: two letters and three digits ("KT482"); letters that read or type alike
# (I/1, O/0, Q, S/5, Z/2) are left out so a code read aloud or typed on a keypad survives.
WORKSITE_CODE_LETTERS = "ABCDEFGHJKLMNPRTUVWXY"
WORKSITE_CODE_REGEX = rf"^[{WORKSITE_CODE_LETTERS}]{{2}}[0-9]{{3}}$"


class Worksite(models.Model):
    """A farm, factory or dairy of a supplier, known to workers by its short worksite code."""

    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="worksites")
    code = models.CharField(max_length=5, unique=True, help_text="Printed on posters; used over SMS.")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=WorksiteKind.choices, default=WorksiteKind.FARM)
    country = models.CharField(max_length=2, blank=True)
    region = models.CharField(max_length=100, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = WorksiteQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=WORKSITE_CODE_REGEX), name="network_worksite_code_format"),
        ]
        indexes = [models.Index(fields=["supplier", "code"], name="network_worksite_supplier_idx")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Standard(models.Model):
    """One provision of the code of conduct, with its severity and deadlines."""

    code = models.CharField(max_length=10, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    category = models.CharField(max_length=32, choices=StandardCategory.choices)
    severity = models.CharField(max_length=20, choices=Severity.choices)
    acknowledge_within = models.DurationField()
    investigate_within = models.DurationField()
    resolve_within = models.DurationField()
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(severity__in=Severity.values), name="network_standard_severity_valid"),
            models.CheckConstraint(
                condition=Q(acknowledge_within__lte=models.F("investigate_within"))
                & Q(investigate_within__lte=models.F("resolve_within")),
                name="network_standard_deadlines_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def is_zero_tolerance(self) -> bool:
        return self.severity == Severity.ZERO_TOLERANCE


class SupplyRelationshipQuerySet(models.QuerySet["SupplyRelationship"]):
    def active(self, *, on: date | None = None) -> SupplyRelationshipQuerySet:
        """Relationships in force on ``on`` (default today): started on or before it, not yet ended.

        ``ended_on`` is the first day without the relationship, so ending one "today" removes the
        buyer's access at once.
        """
        day = on or timezone.localdate()
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day), started_on__lte=day)


class SupplyRelationship(models.Model):
    """Buyer X sources from supplier Y between two dates; it decides what X's users may see.

    It lives in the registry (not in ``buyers``) because permissions and market consequences in
    ``complaints`` depend on it, and dependencies point towards the registry only.
    """

    buyer = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="supply_relationships")
    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="supply_relationships")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    objects = SupplyRelationshipQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="network_supply_dates_ordered",
            ),
            models.UniqueConstraint(
                fields=["buyer", "supplier"],
                condition=Q(ended_on__isnull=True),
                name="network_supply_one_open_per_pair",
            ),
        ]
        triggers = [
            _organization_kind_trigger(
                name="network_supply_buyer_is_buyer", column="buyer_id", kind=OrganizationKind.BUYER
            ),
        ]

    def __str__(self) -> str:
        return f"{self.buyer} ← {self.supplier}"

    def clean(self) -> None:
        """The buyer side is a buyer organization: its users see the supplier once the relationship starts."""
        if self.buyer_id and self.buyer.kind != OrganizationKind.BUYER:
            raise ValidationError({"buyer": f"{self.buyer} is not a buyer."})


class Notification(models.Model):
    """An in-app notice for one user (escalations, suspensions); shown with an unread count."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user"], condition=Q(read_at__isnull=True), name="network_notification_unread"),
        ]

    def __str__(self) -> str:
        return self.subject

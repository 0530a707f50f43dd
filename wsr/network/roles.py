"""Who does what in the program: the one place where roles are grouped.

Every app asks these groupings (and ``has_role``) rather than listing roles itself, so a role is
added or moved in one place. Recipients of notices ("the monitor leads", "the users of this
supplier", "the buyer users sourcing from it") are read through ``wsr.network.selectors``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from wsr.network.choices import OrganizationKind, Role

# Which roles a member of each kind of organization may hold.
ROLES_BY_KIND: dict[str, frozenset[str]] = {
    OrganizationKind.MONITOR: frozenset({Role.ADMIN, Role.MONITOR_LEAD, Role.INVESTIGATOR, Role.AUDITOR}),
    # No accounts yet: an administrator opens every case, so that role belongs to the monitor only.
    OrganizationKind.WORKER_ORGANIZATION: frozenset(),
    OrganizationKind.BUYER: frozenset({Role.BUYER_USER}),
    OrganizationKind.SUPPLIER: frozenset({Role.SUPPLIER_USER}),
}

# Work for the program itself: see every supplier and worksite; sign in with a second factor.
PROGRAM_ROLES = frozenset({Role.ADMIN, Role.MONITOR_LEAD, Role.INVESTIGATOR, Role.AUDITOR})
# Lead the monitor: every case and audit, decisions on standing, escalations.
LEAD_ROLES = frozenset({Role.ADMIN, Role.MONITOR_LEAD})
# Handle complaints (and so may reveal a complainant's identity, with a reason).
CASE_ROLES = LEAD_ROLES | {Role.INVESTIGATOR}
# Audit worksites and verify corrective actions; never complainant identities.
AUDIT_ROLES = LEAD_ROLES | {Role.AUDITOR}
SUPPLIER_ROLES = frozenset({Role.SUPPLIER_USER})
BUYER_ROLES = frozenset({Role.BUYER_USER})
# Every role that signs in (the home page, notifications, the API).
ALL_ROLES = frozenset(Role.values)


def has_role(user: Any, roles: Iterable[str]) -> bool:
    """Whether ``user`` is signed in, active and holds one of ``roles`` in an active membership."""
    return bool(user is not None and user.is_authenticated and user.is_active and user.has_any_role(roles))


def is_lead(user: Any) -> bool:
    return has_role(user, LEAD_ROLES)


def can_work_cases(user: Any) -> bool:
    return has_role(user, CASE_ROLES)


def can_audit(user: Any) -> bool:
    return has_role(user, AUDIT_ROLES)

"""Per-role navigation for the base template."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from wsr.network.auth import needs_second_factor
from wsr.network.choices import Role

# Spelled out rather than imported from complaints.permissions: wsr.network depends on no other app.
_MONITOR_LEADS = frozenset({Role.ADMIN, Role.MONITOR_LEAD})
_CASE_WORKERS = _MONITOR_LEADS | {Role.INVESTIGATOR}

# (label, URL, roles that see it). Later apps add their pages here.
NAVIGATION: list[tuple[str, str, frozenset[str]]] = [
    ("Home", "/", frozenset(Role.values)),
    ("Queue", "/monitor/", _CASE_WORKERS),
    ("Log a complaint", "/monitor/intake/", _CASE_WORKERS),
    ("Access log", "/monitor/access-log/", _MONITOR_LEADS),
    ("Simulator", "/monitor/simulator/", _CASE_WORKERS),
    ("Shared by the monitor", "/supplier/summaries/", frozenset({Role.SUPPLIER_USER})),
    ("API", "/api/docs/", frozenset(Role.values)),
    ("Admin", "/admin/", frozenset({Role.ADMIN})),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "unread_notifications": 0}
    if needs_second_factor(user) and not user.is_verified():
        # Between the password and the code: nothing of the program yet.
        return {"nav_items": [], "unread_notifications": 0}
    roles = user.roles
    items = [(label, url) for label, url, allowed in NAVIGATION if roles & allowed]
    return {
        "nav_items": items,
        "nav_roles": sorted(Role(r).label for r in roles),
        "unread_notifications": user.notifications.filter(read_at__isnull=True).count(),
    }

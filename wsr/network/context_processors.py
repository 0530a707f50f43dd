"""Per-role navigation for the base template."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from wsr.network.auth import needs_second_factor
from wsr.network.choices import Role
from wsr.network.navigation import menu_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "unread_notifications": 0}
    if needs_second_factor(user) and not user.is_verified():
        # Between the password and the code: nothing of the program yet.
        return {"nav_items": [], "unread_notifications": 0}
    roles = user.roles
    return {
        "nav_items": menu_for(roles),
        "nav_roles": sorted(str(Role(r).label) for r in roles),
        "unread_notifications": user.notifications.filter(read_at__isnull=True).count(),
    }

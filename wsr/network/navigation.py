"""The menu: every app contributes its own entries (``<app>/navigation.py``: ``MENU``).

The registry lists only its own pages; it never names another app's URLs. Entries name a URL
pattern, resolved once, and the roles that see them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from wsr.network.choices import Role
from wsr.network.roles import ALL_ROLES, LEAD_ROLES


@dataclass(frozen=True)
class MenuItem:
    """One menu entry: shown to users holding one of ``roles``, in ``position`` order."""

    label: str | Promise
    url_name: str
    roles: frozenset[str]
    position: int = 100


MENU = [
    MenuItem(_("Home"), "home", ALL_ROLES, position=0),
    MenuItem(_("Standing"), "standing_proposals", LEAD_ROLES, position=35),
    MenuItem(_("API"), "api-docs", ALL_ROLES, position=900),
    MenuItem(_("Admin"), "admin:index", frozenset({Role.ADMIN}), position=1000),
]


@cache
def menu_entries() -> tuple[tuple[MenuItem, str], ...]:
    """Every app's entries with their URLs, in menu order (the URLconf does not change at run time)."""
    from wsr.contributions import contributors

    items = [item for module in contributors("navigation") for item in module.MENU]
    return tuple((item, reverse(item.url_name)) for item in sorted(items, key=lambda item: item.position))


def menu_for(roles: frozenset[str]) -> list[tuple[str, str]]:
    """(label, URL) of the entries a user with ``roles`` sees."""
    return [(str(item.label), url) for item, url in menu_entries() if roles & item.roles]

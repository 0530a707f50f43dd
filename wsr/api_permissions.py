"""API permissions named in settings (kept apart from ``wsr.api``, which imports DRF's views)."""

from __future__ import annotations

from typing import Any

from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from wsr.network.auth import needs_second_factor


class SecondFactorVerified(BasePermission):
    """Program staff signed in through the browser reach the API only once their second factor is
    verified, as for staff pages; without it a password alone would open every case through the API.
    (Their API tokens are issued only against a TOTP code, see ``TokenView``.)"""

    message = "Verify your second factor first (/accounts/2fa/)."

    def has_permission(self, request: Request, view: Any) -> bool:
        if not isinstance(request.successful_authenticator, SessionAuthentication):
            return True
        user: Any = request.user
        return not needs_second_factor(user) or bool(user.is_verified())

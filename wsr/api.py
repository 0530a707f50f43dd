"""The API's shared pieces: one base viewset restricts every queryset to what the caller may see."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle


class RestrictedViewSetMixin:
    """Narrow ``queryset`` with the model's ``restrict(user, action)`` before any handler runs.

    Lists show only permitted rows; a detail outside them answers 404 exactly like a missing object
    (NetBox ``BaseViewSet.initial``).
    """

    queryset: QuerySet[Any]
    restrict_action = "view"

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        self.queryset = self.queryset.restrict(request.user, self.restrict_action)  # type: ignore[attr-defined]


class RestrictedReadOnlyViewSet(RestrictedViewSetMixin, viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg,misc]
    """Read-only list and detail over a restricted queryset."""


class TokenThrottle(AnonRateThrottle):
    scope = "token"


@extend_schema(tags=["auth"], description="Exchange a username and password for an API token. 10 tries a minute.")
class TokenView(ObtainAuthToken):
    throttle_classes = [TokenThrottle]

"""The API's shared pieces: one base viewset restricts every queryset to what the caller may see."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle

from wsr.client_address import client_address
from wsr.network.auth import needs_second_factor


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


class TokenInputSerializer(AuthTokenSerializer):
    otp = serializers.CharField(
        required=False,
        allow_blank=True,
        write_only=True,
        help_text="Program staff (monitor, auditors, admin): the 6-digit code from their authenticator app.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        user = attrs["user"]
        if needs_second_factor(user):
            token = (attrs.get("otp") or "").replace(" ", "")
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            if device is None or not token or not device.verify_token(token):
                raise serializers.ValidationError(
                    "Program staff need the current code from their authenticator app (field otp).",
                    code="authorization",
                )
        return attrs


class TokenThrottle(AnonRateThrottle):
    scope = "token"

    def get_ident(self, request: Request) -> str:
        return client_address(request)


@extend_schema(
    tags=["auth"],
    request=TokenInputSerializer,
    description=(
        "Exchange a username and password for an API token; program staff also give the current "
        "code from their authenticator app (`otp`). 10 tries a minute."
    ),
)
class TokenView(ObtainAuthToken):
    serializer_class = TokenInputSerializer
    throttle_classes = [TokenThrottle]

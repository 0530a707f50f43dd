"""Registry endpoints: suppliers and worksites, restricted by role and organization."""

from typing import cast

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from wsr.api import RestrictedReadOnlyViewSet
from wsr.network import services
from wsr.network.api.serializers import (
    ProposalRejectInput,
    StandingProposalSerializer,
    SupplierSerializer,
    WorksiteSerializer,
)
from wsr.network.models import StandingProposal, Supplier, User, Worksite

_VISIBILITY = (
    "Program staff see every {0}; a supplier user sees its own; a buyer user sees those of suppliers "
    "in its supply chain. Anything else answers 404."
)


class SupplierFilter(filters.FilterSet):
    name = filters.CharFilter(field_name="organization__name", lookup_expr="icontains")

    class Meta:
        model = Supplier
        fields = ["standing"]


@extend_schema_view(
    list=extend_schema(description="Suppliers. " + _VISIBILITY.format("supplier")),
    retrieve=extend_schema(description="One supplier by UUID. " + _VISIBILITY.format("supplier")),
)
class SupplierViewSet(RestrictedReadOnlyViewSet):
    queryset = Supplier.objects.select_related("organization").order_by("organization__name", "pk")
    serializer_class = SupplierSerializer
    filterset_class = SupplierFilter
    lookup_field = "uuid"


class WorksiteFilter(filters.FilterSet):
    supplier = filters.UUIDFilter(field_name="supplier__uuid")
    name = filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Worksite
        fields = ["kind", "country", "is_active"]


@extend_schema_view(
    list=extend_schema(description="Worksites. " + _VISIBILITY.format("worksite")),
    retrieve=extend_schema(description="One worksite by its code. " + _VISIBILITY.format("worksite")),
)
class WorksiteViewSet(RestrictedReadOnlyViewSet):
    queryset = Worksite.objects.select_related("supplier__organization").order_by("code")
    serializer_class = WorksiteSerializer
    filterset_class = WorksiteFilter
    lookup_field = "code"


class StandingProposalFilter(filters.FilterSet):
    supplier = filters.UUIDFilter(field_name="supplier__uuid")

    class Meta:
        model = StandingProposal
        fields = ["status", "to_standing", "origin"]


_LEADS = " Monitor leads and admins only; anyone else gets an empty list and 404."


@extend_schema_view(
    list=extend_schema(description="Proposed changes of suppliers' standing, newest first." + _LEADS),
    retrieve=extend_schema(description="One standing proposal by UUID." + _LEADS),
)
class StandingProposalViewSet(RestrictedReadOnlyViewSet):
    queryset = StandingProposal.objects.select_related("supplier__organization", "proposed_by", "decided_by").order_by(
        "-proposed_at", "-pk"
    )
    serializer_class = StandingProposalSerializer
    filterset_class = StandingProposalFilter
    lookup_field = "uuid"

    def _decide(self, request: Request, decide: object) -> Response:
        proposal = self.get_object()
        try:
            decide(proposal)  # type: ignore[operator]
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages) from exc
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        return Response(StandingProposalSerializer(self.get_queryset().get(pk=proposal.pk)).data)

    @extend_schema(
        request=None,
        responses={200: StandingProposalSerializer},
        description="Confirm: the supplier's standing changes and the buyers sourcing from it and its own users are "
        "told (with the proposal's reason, nothing about any worker). 400 if already decided." + _LEADS,
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, uuid: str) -> Response:
        actor = cast(User, request.user)
        return self._decide(request, lambda p: services.standing_proposal_confirm(proposal=p, actor=actor))

    @extend_schema(
        request=ProposalRejectInput,
        responses={200: StandingProposalSerializer},
        description="Reject, with a reason (at least 5 characters); the standing stays. 400 if already decided."
        + _LEADS,
    )
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, uuid: str) -> Response:
        actor = cast(User, request.user)
        data = ProposalRejectInput(data=request.data)
        data.is_valid(raise_exception=True)
        reason = data.validated_data["reason"]
        return self._decide(
            request, lambda p: services.standing_proposal_reject(proposal=p, actor=actor, reason=reason)
        )

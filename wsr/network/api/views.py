"""Registry endpoints: suppliers and worksites, restricted by role and organization."""

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view

from wsr.api import RestrictedReadOnlyViewSet
from wsr.network.api.serializers import SupplierSerializer, WorksiteSerializer
from wsr.network.models import Supplier, Worksite

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

from rest_framework import serializers

from wsr.network.models import Supplier, Worksite


class SupplierSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    name = serializers.CharField(source="organization.name", read_only=True)
    country = serializers.CharField(source="organization.country", read_only=True)

    class Meta:
        model = Supplier
        fields = ["uuid", "name", "country", "standing", "standing_changed_at"]


class WorksiteSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    supplier = serializers.UUIDField(source="supplier.uuid", read_only=True)
    supplier_name = serializers.CharField(source="supplier.organization.name", read_only=True)

    class Meta:
        model = Worksite
        fields = ["code", "name", "kind", "country", "region", "is_active", "supplier", "supplier_name"]

from rest_framework import serializers

from wsr.network.models import StandingProposal, Supplier, Worksite


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


class StandingProposalSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    supplier = serializers.UUIDField(source="supplier.uuid", read_only=True)
    supplier_name = serializers.CharField(source="supplier.organization.name", read_only=True)
    proposed_by = serializers.CharField(source="proposed_by.username", read_only=True, default=None)
    decided_by = serializers.CharField(source="decided_by.username", read_only=True, default=None)

    class Meta:
        model = StandingProposal
        fields = [
            "uuid", "supplier", "supplier_name", "from_standing", "to_standing", "reason", "origin", "origin_label",
            "status", "proposed_by", "proposed_at", "decided_by", "decided_at", "decision_reason",
        ]  # fmt: skip


class ProposalRejectInput(serializers.Serializer):  # type: ignore[type-arg]
    reason = serializers.CharField(min_length=5, max_length=2000)

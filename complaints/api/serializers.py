"""Complaint API shapes. No serializer here ever carries a complainant's phone or name."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from complaints.choices import RemedyKind, Scope
from complaints.models import CaseFinding, Complaint, Remedy
from complaints.selectors import TimelineEntry, case_standing_proposals
from wsr.network.models import Standard, StandingProposal, User, Worksite


class FindingSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    standard = serializers.CharField(source="standard.code", read_only=True)

    class Meta:
        model = CaseFinding
        fields = ["uuid", "standard", "substantiated", "notes", "created_at"]


class RemedySerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    finding = serializers.UUIDField(source="finding.uuid", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Remedy
        fields = [
            "uuid", "kind", "description", "amount", "currency", "due_on", "verified", "verified_at", "finding",
            "created_at",
        ]  # fmt: skip


class ProposalSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    supplier = serializers.UUIDField(source="supplier.uuid", read_only=True)

    class Meta:
        model = StandingProposal
        fields = ["uuid", "supplier", "to_standing", "status", "proposed_at", "decided_at", "decision_reason"]


class ComplaintListSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    standard = serializers.CharField(source="standard.code", read_only=True, default=None)
    worksite = serializers.CharField(source="worksite.code", read_only=True, default=None)
    supplier = serializers.UUIDField(source="worksite.supplier.uuid", read_only=True, default=None)
    supplier_name = serializers.CharField(source="worksite.supplier.organization.name", read_only=True, default=None)
    assignee = serializers.CharField(source="assignee.username", read_only=True, default=None)
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = Complaint
        fields = [
            "reference", "status", "severity", "standard", "worksite", "supplier", "supplier_name", "language",
            "channel", "assignee", "received_at", "next_due", "is_overdue", "escalated_at",
        ]  # fmt: skip

    def get_is_overdue(self, obj: Complaint) -> bool:
        now = self.context.get("now")
        return bool(obj.next_due and now and obj.next_due <= now)


class ComplaintDetailSerializer(ComplaintListSerializer):
    findings = FindingSerializer(many=True, read_only=True)
    remedies = RemedySerializer(many=True, read_only=True)
    linked: Any = serializers.SlugRelatedField(many=True, read_only=True, slug_field="reference")
    standing_proposals = serializers.SerializerMethodField(
        help_text="Standing changes of the supplier its findings proposed (decided at /api/v1/standing-proposals/)."
    )
    anonymous = serializers.SerializerMethodField(help_text="True if nobody can be contacted back.")

    class Meta(ComplaintListSerializer.Meta):
        fields = [
            *ComplaintListSerializer.Meta.fields, "description", "scope", "referral_info", "acknowledge_due",
            "investigate_due", "resolve_due", "acknowledged_at", "investigation_started_at", "resolved_at",
            "closed_at", "anonymous", "findings", "remedies", "linked", "standing_proposals",
        ]  # fmt: skip

    def get_anonymous(self, obj: Complaint) -> bool:
        return obj.complainant_id is None

    @extend_schema_field(ProposalSerializer(many=True))
    def get_standing_proposals(self, obj: Complaint) -> Any:
        return ProposalSerializer(case_standing_proposals(complaint=obj), many=True).data


class ComplaintPageSerializer(serializers.Serializer):  # type: ignore[type-arg]
    next = serializers.URLField(allow_null=True, help_text="The next page (keyset cursor), or null.")
    results = ComplaintListSerializer(many=True)


class TimelineEntrySerializer(serializers.Serializer):  # type: ignore[type-arg]
    at = serializers.DateTimeField()
    type = serializers.CharField(help_text="event | message")
    kind = serializers.CharField(help_text="Event kind, or message kind: inbound, outbound, note (internal).")
    actor = serializers.CharField(allow_null=True)
    from_status = serializers.CharField(allow_blank=True)
    to_status = serializers.CharField(allow_blank=True)
    text = serializers.CharField(allow_blank=True, help_text="Reason of an event, body of a message.")
    delivery_status = serializers.CharField(allow_blank=True)

    @staticmethod
    def from_entry(entry: TimelineEntry) -> dict[str, Any]:
        if entry.event is not None:
            e = entry.event
            return {
                "at": entry.at, "type": "event", "kind": e.kind, "actor": e.actor.username if e.actor else None,
                "from_status": e.from_status, "to_status": e.to_status, "text": e.reason, "delivery_status": "",
            }  # fmt: skip
        m = entry.message
        assert m is not None
        return {
            "at": entry.at, "type": "message", "kind": m.kind, "actor": m.author.username if m.author else None,
            "from_status": "", "to_status": "", "text": m.body, "delivery_status": m.delivery_status,
        }  # fmt: skip


# --- Inputs ---------------------------------------------------------------------------------------


def _staff() -> Any:
    return User.objects.filter(is_active=True)


class TriageInput(serializers.Serializer):  # type: ignore[type-arg]
    standard = serializers.SlugRelatedField(slug_field="code", queryset=Standard.objects.filter(is_active=True))
    worksite = serializers.SlugRelatedField(slug_field="code", queryset=Worksite.objects.all(), required=False)
    scope = serializers.ChoiceField(choices=Scope.choices, default=Scope.IN_SCOPE)
    referral_info = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)
    assignee = serializers.SlugRelatedField(slug_field="username", queryset=_staff(), required=False)


class AssignInput(serializers.Serializer):  # type: ignore[type-arg]
    assignee = serializers.SlugRelatedField(slug_field="username", queryset=_staff(), allow_null=True)


class ReasonInput(serializers.Serializer):  # type: ignore[type-arg]
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class RequiredReasonInput(serializers.Serializer):  # type: ignore[type-arg]
    reason = serializers.CharField(max_length=2000)


class ReferInput(ReasonInput):
    referral_info = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)


class NoteInput(serializers.Serializer):  # type: ignore[type-arg]
    body = serializers.CharField(max_length=5000)


class FindingInput(serializers.Serializer):  # type: ignore[type-arg]
    standard = serializers.SlugRelatedField(slug_field="code", queryset=Standard.objects.all())
    substantiated = serializers.BooleanField()
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class RemedyInput(serializers.Serializer):  # type: ignore[type-arg]
    kind = serializers.ChoiceField(choices=RemedyKind.choices)
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, allow_null=True, min_value=0)
    currency = serializers.CharField(required=False, allow_blank=True, default="", max_length=3)
    due_on = serializers.DateField(required=False, allow_null=True)
    finding = serializers.UUIDField(required=False, allow_null=True)


class LinkInput(serializers.Serializer):  # type: ignore[type-arg]
    other = serializers.CharField(max_length=20, help_text="Reference of the case to link.")
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class ReplyInput(serializers.Serializer):  # type: ignore[type-arg]
    body = serializers.CharField(max_length=1000, help_text="The SMS to the worker.")


class RemedyVerifyInput(serializers.Serializer):  # type: ignore[type-arg]
    remedy = serializers.UUIDField(help_text="UUID of one of the case's remedies.")


class ShareInput(serializers.Serializer):  # type: ignore[type-arg]
    summary = serializers.CharField(max_length=5000, help_text="Redacted: no name, phone, words or reference.")

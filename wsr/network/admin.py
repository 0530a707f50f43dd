"""Admin pages for the registry."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from wsr.network import services
from wsr.network.choices import DEFAULT_DEADLINES
from wsr.network.models import (
    Membership,
    Notification,
    Organization,
    Standard,
    StandingChange,
    StandingProposal,
    Supplier,
    SupplyRelationship,
    User,
    Worksite,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organization"]


@admin.register(User)
class WsrUserAdmin(UserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "email", "first_name", "last_name", "is_active", "is_staff"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "country"]
    list_filter = ["kind"]
    search_fields = ["name"]
    inlines = [MembershipInline]


class WorksiteInline(admin.TabularInline):
    model = Worksite
    extra = 0
    fields = ["code", "name", "kind", "country", "region", "is_active"]


class StandingChangeInline(admin.TabularInline):
    model = StandingChange
    extra = 0
    can_delete = False
    readonly_fields = ["from_standing", "to_standing", "reason", "changed_by", "changed_at"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SupplierAdminForm(forms.ModelForm):
    reason = forms.CharField(required=False, widget=forms.Textarea, help_text="Required to change the standing.")

    class Meta:
        model = Supplier
        fields = ["organization", "standing"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.instance.pk and "standing" in self.changed_data and not data.get("reason"):
            self.add_error("reason", "Say why the standing changes; buyers are told.")
        return data


@admin.register(Supplier)
class SupplierAdmin(admin.ModelAdmin):
    form = SupplierAdminForm
    list_display = ["name", "standing", "standing_changed_at"]
    list_filter = ["standing"]
    search_fields = ["organization__name"]
    list_select_related = ["organization"]
    autocomplete_fields = ["organization"]
    inlines = [WorksiteInline, StandingChangeInline]

    def save_model(self, request: HttpRequest, obj: Supplier, form: SupplierAdminForm, change: bool) -> None:
        # A standing change goes through the service so it is recorded and buyers are told.
        if change and "standing" in form.changed_data:
            new_standing = obj.standing
            obj.standing = Supplier.objects.get(pk=obj.pk).standing
            super().save_model(request, obj, form, change)
            services.supplier_standing_change(
                supplier=obj,
                to_standing=new_standing,
                actor=cast(User, request.user),  # the admin site admits signed-in staff only
                reason=form.cleaned_data["reason"],
            )
        else:
            super().save_model(request, obj, form, change)


@admin.register(Worksite)
class WorksiteAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "supplier", "kind", "country", "is_active"]
    list_filter = ["kind", "is_active", "country"]
    search_fields = ["code", "name", "supplier__organization__name"]
    list_select_related = ["supplier__organization"]
    autocomplete_fields = ["supplier"]

    def save_model(self, request: HttpRequest, obj: Worksite, form: forms.ModelForm, change: bool) -> None:
        if not obj.code:
            obj.code = services.worksite_code_generate()
        super().save_model(request, obj, form, change)


class StandardAdminForm(forms.ModelForm):
    class Meta:
        model = Standard
        fields = [
            "code", "title", "description", "category", "severity",
            "acknowledge_within", "investigate_within", "resolve_within", "position", "is_active",
        ]  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("acknowledge_within", "investigate_within", "resolve_within"):
            self.fields[name].required = False
            self.fields[name].help_text = "Leave empty for the severity's default (SPEC 4.3)."

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("severity"):
            defaults = DEFAULT_DEADLINES[data["severity"]]
            for name, default in zip(
                ("acknowledge_within", "investigate_within", "resolve_within"), defaults, strict=True
            ):
                data[name] = data.get(name) or default
        return data


@admin.register(Standard)
class StandardAdmin(admin.ModelAdmin):
    form = StandardAdminForm
    list_display = [
        "code",
        "title",
        "severity",
        "category",
        "acknowledge_within",
        "investigate_within",
        "resolve_within",
        "is_active",
    ]
    list_filter = ["severity", "category", "is_active"]
    search_fields = ["code", "title"]


@admin.register(SupplyRelationship)
class SupplyRelationshipAdmin(admin.ModelAdmin):
    list_display = ["buyer", "supplier", "started_on", "ended_on"]
    list_select_related = ["buyer", "supplier__organization"]
    autocomplete_fields = ["buyer", "supplier"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["subject", "user", "created_at", "read_at"]
    list_select_related = ["user"]
    readonly_fields = ["uuid", "created_at"]


@admin.register(StandingProposal)
class StandingProposalAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only: proposals are decided on /monitor/proposals/, where the lead sees who is told."""

    list_display = ["supplier", "to_standing", "status", "origin_label", "proposed_at", "decided_by", "decided_at"]
    list_filter = ["status", "to_standing", "origin"]
    list_select_related = ["supplier__organization", "decided_by"]
    search_fields = ["supplier__organization__name"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

"""Admin pages for cases: read-mostly. Complainant phone and name are never shown here.

Status changes go through the monitor workspace (``complaints.workflow``) so that every one is
checked and leaves an event; the admin shows cases, events and the identity access log (deadlines: ``wsr.deadlines``)
without letting anyone edit them. Identities are revealed only on the case page, with a reason.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from complaints.models import (
    CaseFinding,
    Complainant,
    Complaint,
    Event,
    IdentityAccess,
    Remedy,
    SmsConversation,
    SupplierShare,
)


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Complainant)
class ComplainantAdmin(ReadOnlyAdmin):
    # Only what identifies no one: the encrypted phone and name are left out on purpose.
    fields = ["uuid", "preferred_language", "opted_out", "opted_out_at", "created_at"]
    list_display = ["uuid", "preferred_language", "opted_out", "created_at"]
    list_filter = ["preferred_language", "opted_out"]


class EventInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Event
    extra = 0
    can_delete = False
    fields = ("created_at", "kind", "actor", "from_status", "to_status", "reason")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = [
        "reference",
        "status",
        "severity",
        "worksite",
        "assignee",
        "received_at",
        "next_due",
        "escalated_at",
    ]
    list_filter = ["status", "severity", "channel", "language", "scope"]
    search_fields = ["reference"]
    list_select_related = ["worksite", "assignee"]
    exclude = ["complainant", "receipt_code_hash", "search_vector", "idempotency_key"]
    inlines = [EventInline]
    show_full_result_count = False


@admin.register(IdentityAccess)
class IdentityAccessAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "complaint", "reason"]
    list_select_related = ["user", "complaint"]
    search_fields = ["complaint__reference", "user__username"]


@admin.register(CaseFinding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ["complaint", "standard", "substantiated", "created_at"]
    list_select_related = ["complaint", "standard"]


@admin.register(Remedy)
class RemedyAdmin(ReadOnlyAdmin):
    list_display = ["complaint", "kind", "amount", "currency", "due_on", "verified"]
    list_filter = ["kind", "verified"]
    list_select_related = ["complaint"]


@admin.register(SupplierShare)
class SupplierShareAdmin(ReadOnlyAdmin):
    list_display = ["supplier", "shared_by", "shared_at"]
    list_select_related = ["supplier__organization", "shared_by"]


@admin.register(SmsConversation)
class SmsConversationAdmin(ReadOnlyAdmin):
    """SMS conversations in progress: where each stands, never the phone or what was written."""

    list_display = ("id", "step", "language", "worksite", "started_at", "last_message_at")
    list_filter = ("step", "language")
    fields = ("step", "language", "worksite", "started_at", "last_message_at")

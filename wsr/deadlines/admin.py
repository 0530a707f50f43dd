"""The deadline ledger, read-only: it is written by the apps' services and the scan only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from wsr.deadlines.models import Deadline


@admin.register(Deadline)
class DeadlineAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["kind", "object_id", "due_at", "escalated_at", "closed_at"]
    list_filter = ["kind"]
    search_fields = ["object_id"]
    date_hierarchy = "due_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

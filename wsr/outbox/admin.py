from django.contrib import admin

from wsr.outbox.models import OutboxEntry


@admin.register(OutboxEntry)
class OutboxEntryAdmin(admin.ModelAdmin):
    list_display = ("id", "task", "created_at", "published_at", "publications", "done_at", "last_error")
    list_filter = ("task", ("published_at", admin.EmptyFieldListFilter), ("done_at", admin.EmptyFieldListFilter))
    readonly_fields = (
        "task", "kwargs", "created_at", "published_at", "publications", "republish_at", "done_at", "attempts",
        "last_error",
    )  # fmt: skip

from django.contrib import admin

from wsr.outbox.models import OutboxEntry


@admin.register(OutboxEntry)
class OutboxEntryAdmin(admin.ModelAdmin):
    list_display = ("id", "task", "created_at", "published_at", "attempts", "last_error")
    list_filter = ("task", ("published_at", admin.EmptyFieldListFilter))
    readonly_fields = ("task", "kwargs", "created_at", "published_at", "attempts", "last_error")

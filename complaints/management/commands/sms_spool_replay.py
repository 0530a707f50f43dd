"""Replay SMS webhook requests spooled while the database was unreachable (beat also does it)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from complaints.sms.spool import spool_replay


class Command(BaseCommand):
    help = "Replay the SMS webhook spool (SPOOL_DIR): idempotent, files removed only once processed."

    def handle(self, *args: Any, **options: Any) -> None:
        result = spool_replay()
        if result.busy:
            self.stdout.write("another replay is running; nothing done")
            return
        self.stdout.write(f"replayed {result.replayed}, rejected {result.rejected}, still pending {result.pending}")

"""Load the demo program (idempotent): organizations, users, suppliers, worksites, cases, audits."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from wsr.contributions import contributors


class Command(BaseCommand):
    help = "Create or refresh the demo program. Safe to run any number of times."

    def handle(self, *args: Any, **options: Any) -> None:
        context: dict[str, Any] = {}
        with transaction.atomic():
            for module in contributors("demo"):
                module.seed(context)
        shown = "wsr-demo" if settings.DEMO_PASSWORD == "wsr-demo" else "the value of DEMO_PASSWORD"  # noqa: S105
        self.stdout.write(f"Demo logins (password: {shown}):")
        for username, description in context.get("logins", []):
            self.stdout.write(f"  {username:<20} {description}")
        for note in context.get("notes", []):
            self.stdout.write(note)

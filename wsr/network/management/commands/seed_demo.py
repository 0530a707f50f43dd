"""Load the demo program (idempotent): organizations, users, suppliers, worksites, cases, audits."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from wsr.contributions import contributors


class Command(BaseCommand):
    help = (
        "Create or refresh the demo program. Safe to run any number of times. Development only: it installs "
        "known passwords and a published authenticator key, so it refuses to run without DEBUG unless --force."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed even without DEBUG (a throw-away staging site); never on a site with real cases.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "seed_demo installs known passwords and a published authenticator key: it runs only with "
                "DEBUG=true, or with --force on a throw-away site."
            )
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

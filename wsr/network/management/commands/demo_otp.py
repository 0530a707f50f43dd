"""Print the current second-factor code of the demo staff (demo data only)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp

from wsr.network.demo import DEMO_TOTP_KEY_HEX
from wsr.network.models import User


class Command(BaseCommand):
    help = "Print the current TOTP code shared by the demo staff accounts."

    def handle(self, *args: Any, **options: Any) -> None:
        if not User.objects.filter(totpdevice__key=DEMO_TOTP_KEY_HEX).exists():
            raise CommandError("No demo staff account uses the demo authenticator; run seed_demo first.")
        self.stdout.write(f"{totp(bytes.fromhex(DEMO_TOTP_KEY_HEX)):06d}")

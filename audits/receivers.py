"""What the audits app (which serves the supplier portal) does when the registry announces something."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from wsr.network.choices import Standing
from wsr.network.models import StandingChange, Supplier
from wsr.network.selectors import supplier_users
from wsr.network.services import notify_users
from wsr.network.signals import standing_changed


@receiver(standing_changed)
def _tell_supplier(sender: type, supplier: Supplier, change: StandingChange, **kwargs: Any) -> None:
    """The supplier's own users are told of their standing, with the public reason."""
    notify_users(
        users=supplier_users(supplier=supplier),
        subject=f"Your standing in the program is now {Standing(change.to_standing).label}",
        body=f"{supplier.name} moved from {Standing(change.from_standing).label} to "
        f"{Standing(change.to_standing).label}.\n\nReason: {change.reason}",
        url="/supplier/",
    )

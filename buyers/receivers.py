"""What the buyers app does when the registry announces something (see ``wsr.network.signals``)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from wsr.network.choices import Standing
from wsr.network.models import StandingChange, Supplier
from wsr.network.selectors import buyer_users_sourcing_from
from wsr.network.services import notify_users
from wsr.network.signals import standing_changed


@receiver(standing_changed)
def _tell_buyers(sender: type, supplier: Supplier, change: StandingChange, **kwargs: Any) -> None:
    """Every buyer user sourcing from the supplier today is told, with the change's public reason."""
    notify_users(
        users=buyer_users_sourcing_from(supplier=supplier),
        subject=f"{supplier.name}: standing is now {Standing(change.to_standing).label}",
        body=f"{supplier.name} moved from {Standing(change.from_standing).label} to "
        f"{Standing(change.to_standing).label}.\n\nReason: {change.reason}",
        url=f"/buyer/suppliers/{supplier.uuid}/",
    )

"""Keep object permissions in step with memberships and supply relationships, however they change
(services, the admin, a shell): each handler only calls the sync function in permissions.py."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from wsr.network import permissions
from wsr.network.models import Membership, SupplyRelationship


@receiver([post_save, post_delete], sender=Membership)
def _membership_changed(sender: type, instance: Membership, **kwargs: Any) -> None:
    permissions.user_groups_sync(instance.user)


@receiver([post_save, post_delete], sender=SupplyRelationship)
def _supply_relationship_changed(sender: type, instance: SupplyRelationship, **kwargs: Any) -> None:
    permissions.supplier_permissions_sync(instance.supplier)

"""The registry's signals, and the handlers that keep object permissions in step with memberships and
supply relationships however they change (services, the admin, a shell): each handler only calls
the sync function in permissions.py.

Other apps listen to the registry's own signals instead of the registry calling them (it imports no
app): both are sent inside the transaction of the change, so a listener's writes (notices,
events) commit or roll back with it.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from wsr.network import permissions
from wsr.network.models import Membership, SupplyRelationship

# A supplier's standing changed: ``supplier``, ``change`` (the StandingChange row).
standing_changed = Signal()
# The lead decided a standing proposal: ``proposal`` (confirmed or rejected).
standing_proposal_decided = Signal()


@receiver([post_save, post_delete], sender=Membership)
def _membership_changed(sender: type, instance: Membership, **kwargs: Any) -> None:
    permissions.user_groups_sync(instance.user)


@receiver([post_save, post_delete], sender=SupplyRelationship)
def _supply_relationship_changed(sender: type, instance: SupplyRelationship, **kwargs: Any) -> None:
    permissions.supplier_permissions_sync(instance.supplier)


def code_of_conduct_restore(sender: object, using: str = "default", **kwargs: Any) -> None:
    """Seed the code of conduct again when its table is empty after ``migrate`` or ``flush``.

    Migration 0002 seeds a new installation; ``flush`` (and every transactional test's teardown)
    empties the table, and a program never runs without a code. An edited code is left alone.
    """
    from django.apps import apps as global_apps

    from wsr.network.code_of_conduct import code_of_conduct_seed

    try:
        standard_model = kwargs.get("apps", global_apps).get_model("network", "Standard")
    except LookupError:  # migrating backwards past the model's creation
        return
    if not standard_model.objects.using(using).exists():
        code_of_conduct_seed(standard_model=standard_model, using=using)

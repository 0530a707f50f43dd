"""Writes to the registry. Every function is keyword-only.

Object permissions follow memberships and supply relationships through the handlers in signals.py,
so these functions save model instances (which send the signals) rather than queryset updates.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import date
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from wsr.network import permissions
from wsr.network.choices import OrganizationKind, ProposalStatus, Standing
from wsr.network.models import (
    WORKSITE_CODE_LETTERS,
    Membership,
    Notification,
    Organization,
    StandingChange,
    StandingProposal,
    Supplier,
    SupplyRelationship,
    User,
    Worksite,
)
from wsr.network.roles import is_lead
from wsr.network.selectors import monitor_leads
from wsr.network.signals import standing_changed, standing_proposal_decided
from wsr.outbox.services import outbox_enqueue_many


def organization_create(*, name: str, kind: str, country: str = "") -> Organization:
    """Create an organization; a supplier organization also gets its Supplier row."""
    with transaction.atomic():
        organization = Organization.objects.create(name=name, kind=kind, country=country)
        if kind == OrganizationKind.SUPPLIER:
            supplier = Supplier.objects.create(organization=organization)
            permissions.supplier_permissions_sync(supplier)
    return organization


def membership_create(*, user: User, organization: Organization, role: str) -> Membership:
    """Give ``user`` a role in ``organization``; raises ValidationError if the role does not fit."""
    Membership(user=user, organization=organization, role=role).clean()
    membership, _ = Membership.objects.update_or_create(
        user=user, organization=organization, role=role, defaults={"is_active": True}
    )
    return membership


def membership_deactivate(*, membership: Membership) -> None:
    """End a membership; the user loses the organization's object permissions at once."""
    membership.is_active = False
    membership.save(update_fields=["is_active"])


def worksite_code_generate() -> str:
    """A random unused worksite code such as ``KT482``."""
    for _ in range(50):
        code = "".join(secrets.choice(WORKSITE_CODE_LETTERS) for _ in range(2)) + f"{secrets.randbelow(1000):03d}"
        if not Worksite.objects.filter(code=code).exists():
            return code
    raise RuntimeError("No free worksite code found; the code space is nearly full.")


def worksite_create(*, supplier: Supplier, name: str, code: str = "", **fields: object) -> Worksite:
    """Create a worksite with the given code or a fresh random one (retried on a rare collision)."""
    for _ in range(5):
        try:
            with transaction.atomic():
                return Worksite.objects.create(
                    supplier=supplier, name=name, code=code or worksite_code_generate(), **fields
                )
        except IntegrityError:
            if code:
                raise
    raise RuntimeError("Could not allocate a worksite code.")


def supply_relationship_start(*, buyer: Organization, supplier: Supplier, started_on: date) -> SupplyRelationship:
    """Record that ``buyer`` sources from ``supplier``; its users may then see the supplier. Raises
    ValidationError if ``buyer`` is not a buyer organization."""
    relationship = SupplyRelationship(buyer=buyer, supplier=supplier, started_on=started_on)
    relationship.clean()
    relationship.save()
    return relationship


def supply_relationship_end(*, relationship: SupplyRelationship, ended_on: date) -> None:
    """Close a supply relationship; access ends with it."""
    relationship.ended_on = ended_on
    relationship.save(update_fields=["ended_on"])


def notify_users(*, users: Iterable[User], subject: str, body: str, url: str = "") -> list[Notification]:
    """Create an in-app notification per user and e-mail each one after commit.

    Callers pass text that is safe for every recipient: never a complainant's name, phone or reference.
    """
    notifications = Notification.objects.bulk_create(
        [Notification(user=user, subject=subject, body=body, url=url) for user in set(users)]
    )
    from wsr.network.tasks import notification_email_send

    outbox_enqueue_many(notification_email_send, [{"notification_id": n.pk} for n in notifications])
    return notifications


class NotificationBusy(Exception):
    """Another worker is e-mailing this notification right now; try again later (it may yet die)."""


def notification_email_deliver(*, notification_id: int) -> bool:
    """E-mail one notification to its user, at least once; returns whether it was sent now. Nothing
    happens if it is gone, already e-mailed, or its user has no address.

    Sends while holding the notification's row lock (``select_for_update`` with ``SKIP LOCKED``) and
    sets ``emailed_at`` in the same transaction: a process that dies mid-send commits nothing, so the
    outbox publishes the task again and the e-mail goes out again, with the same Message-ID, which
    mail programs use to show a repeat once. Raises ``NotificationBusy`` while another worker holds it.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",), skip_locked=True)
            .select_related("user")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None:
            if Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).exists():
                raise NotificationBusy(notification_id)
            return False
        if notification.emailed_at is not None or not notification.user.email:
            return False
        host = urlsplit(settings.PUBLIC_BASE_URL).hostname or "localhost"
        EmailMessage(
            notification.subject, notification.body, None, [notification.user.email],
            headers={"Message-ID": f"<notification.{notification.uuid}@{host}>"},
        ).send()  # fmt: skip
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True


def supplier_standing_change(
    *, supplier: Supplier, to_standing: str, actor: User | None, reason: str
) -> StandingChange | None:
    """Move a supplier to ``to_standing``; returns None if it already stood there.

    Locks the supplier row (``select_for_update``) so two simultaneous decisions apply one after the
    other, then sends ``standing_changed`` in the transaction (listeners tell buyers and suppliers).
    ``reason`` is shown to buyers and the supplier: it must not identify any worker.
    """
    if to_standing not in Standing.values:
        raise ValidationError({"to_standing": "Unknown standing."})
    with transaction.atomic():
        locked = Supplier.objects.select_for_update().select_related("organization").get(pk=supplier.pk)
        if locked.standing == to_standing:
            return None
        change = StandingChange.objects.create(
            supplier=locked, from_standing=locked.standing, to_standing=to_standing, reason=reason, changed_by=actor
        )
        locked.standing = to_standing
        locked.standing_changed_at = change.changed_at
        locked.save(update_fields=["standing", "standing_changed_at"])
        standing_changed.send(sender=Supplier, supplier=locked, change=change)
    supplier.standing = to_standing
    supplier.standing_changed_at = locked.standing_changed_at
    return change


# --- Standing proposals ---------------------------------------------------------------------------

PROPOSAL_LABELS: dict[str, str] = {
    Standing.SUSPENDED: "Suspension",
    Standing.PROBATION: "Probation",
    Standing.TERMINATED: "Termination",
    Standing.GOOD_STANDING: "Reinstatement",
}


def standing_propose(
    *,
    supplier: Supplier,
    to_standing: str,
    reason: str,
    origin: str = "manual",
    origin_id: int | None = None,
    origin_label: str = "",
    origin_url: str = "",
    actor: User | None = None,
) -> tuple[StandingProposal, bool]:
    """Propose moving ``supplier`` to ``to_standing``, for the monitor lead to confirm or reject, and
    tell the leads. Idempotent per ``(origin, origin_id)``: returns ``(proposal, created)``.

    ``reason`` is what buyers and the supplier read if it is confirmed: it must not identify a
    worker. ``origin_label``/``origin_url`` point the monitor to the grounds (monitor staff only).
    """
    if to_standing not in Standing.values:
        raise ValidationError({"to_standing": "Unknown standing."})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why, in words buyers may read."})
    fields = {
        "supplier": supplier, "from_standing": supplier.standing, "to_standing": to_standing, "reason": reason,
        "origin_label": origin_label[:200], "origin_url": origin_url[:300], "proposed_by": actor,
    }  # fmt: skip
    with transaction.atomic():
        if origin_id is None:
            proposal, created = StandingProposal.objects.create(origin=origin, **fields), True
        else:
            proposal, created = StandingProposal.objects.get_or_create(
                origin=origin, origin_id=origin_id, defaults=fields
            )
        if created:
            label = PROPOSAL_LABELS[to_standing]
            notify_users(
                users=monitor_leads(),
                subject=f"{label} proposed: {supplier.name}",
                body=f"{label} of {supplier.name} is proposed"
                + (f" ({origin_label})" if origin_label else "")
                + f".\n\nReason given to buyers if you confirm it: {reason}\n\nConfirm or reject it.",
                url=reverse("standing_proposal", kwargs={"uuid": proposal.uuid}),
            )
    return proposal, created


def _decide(*, proposal: StandingProposal, actor: User, status: str, reason: str = "") -> StandingProposal:
    """Lock a pending proposal, record the decision and send ``standing_proposal_decided``."""
    if not is_lead(actor):
        raise PermissionDenied("Only the monitor lead decides on a supplier's standing.")
    with transaction.atomic():
        locked = StandingProposal.objects.select_for_update(of=("self",)).select_related("supplier").get(pk=proposal.pk)
        if locked.status != ProposalStatus.PENDING:
            raise ValidationError({"proposal": "This proposal was already decided."})
        locked.status = status
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.decision_reason = reason
        if status == ProposalStatus.CONFIRMED:
            locked.change = supplier_standing_change(
                supplier=locked.supplier, to_standing=locked.to_standing, actor=actor, reason=locked.reason
            )
        locked.save(update_fields=["status", "decided_by", "decided_at", "decision_reason", "change"])
        standing_proposal_decided.send(sender=StandingProposal, proposal=locked)
    proposal.refresh_from_db()
    return proposal


def standing_proposal_confirm(*, proposal: StandingProposal, actor: User) -> StandingProposal:
    """The lead confirms: the supplier's standing changes (with history; nothing if it already stood
    there) and everyone concerned is told through ``standing_changed``. Row lock on the proposal: a
    second decision raises ``ValidationError``; anyone but a lead ``PermissionDenied``."""
    return _decide(proposal=proposal, actor=actor, status=ProposalStatus.CONFIRMED)


def standing_proposal_reject(*, proposal: StandingProposal, actor: User, reason: str) -> StandingProposal:
    """The lead rejects, saying why; the standing does not change. Row lock on the proposal."""
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ValidationError({"reason": "Give a reason of at least 5 characters."})
    return _decide(proposal=proposal, actor=actor, status=ProposalStatus.REJECTED, reason=reason)

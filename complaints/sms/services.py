"""Outbound SMS: recorded first, sent by a task after commit, exactly once per message.

``sms_send`` records the message and writes an outbox row in the caller's transaction; the
``sms_deliver`` task sends it through ``SMS_BACKEND`` while holding the message's row lock, so a
redelivered or duplicated task finds it already sent and does nothing. Transient errors keep it
pending for the task's retry; permanent ones mark it failed (and, for Twilio's 21610, the worker as
opted out). Delivery status callbacks only ever move a message forward.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation

from complaints.choices import Channel, DeliveryStatus, MessageKind
from complaints.models import Complainant, Complaint, Message
from complaints.sms import texts
from complaints.sms.backends import OPTED_OUT_ERROR, SmsError, sms_backend, without_numbers
from wsr.outbox.services import outbox_enqueue, outbox_enqueue_many

logger = logging.getLogger(__name__)

# Delivery statuses in the order they happen; a callback never moves a message back.
RANK = {
    DeliveryStatus.RECORDED: 0,
    DeliveryStatus.QUEUED: 1,
    DeliveryStatus.SENT: 2,
    DeliveryStatus.UNDELIVERED: 3,
    DeliveryStatus.FAILED: 3,
    DeliveryStatus.DELIVERED: 4,
    DeliveryStatus.READ: 5,
    DeliveryStatus.SUPPRESSED: 6,
}
TWILIO_STATUS = {
    "accepted": DeliveryStatus.QUEUED,
    "scheduled": DeliveryStatus.QUEUED,
    "queued": DeliveryStatus.QUEUED,
    "sending": DeliveryStatus.QUEUED,
    "sent": DeliveryStatus.SENT,
    "delivered": DeliveryStatus.DELIVERED,
    "read": DeliveryStatus.READ,
    "undelivered": DeliveryStatus.UNDELIVERED,
    "failed": DeliveryStatus.FAILED,
    "canceled": DeliveryStatus.FAILED,
}


def sms_send(*, complainant: Complainant, complaint: Complaint | None, body: str, author: Any = None) -> Message:
    """Record an SMS to ``complainant`` and queue it for sending after the transaction commits.

    A worker who opted out (or has no phone) gets nothing: the message is kept as ``suppressed`` so
    the case shows what was not sent.
    """
    language = complaint.language if complaint is not None else complainant.preferred_language
    message = Message.objects.create(
        complaint=complaint, complainant=complainant, kind=MessageKind.OUTBOUND, channel=Channel.SMS, body=body,
        language=language, author=author if getattr(author, "pk", None) else None,
        delivery_status=DeliveryStatus.RECORDED if complainant.reachable_by_sms else DeliveryStatus.SUPPRESSED,
    )  # fmt: skip
    if message.delivery_status == DeliveryStatus.RECORDED:
        from complaints.sms.tasks import sms_deliver

        outbox_enqueue(sms_deliver, message_id=message.pk)
    return message


def complaint_acknowledge_by_sms(*, complaint: Complaint) -> Message | None:
    """Text the worker her case number (web and staff-logged complaints with a phone)."""
    complainant = complaint.complainant
    if complainant is None or not complainant.phone:
        return None
    with translation.override(complaint.language):
        body = texts.acknowledgement(complaint.reference)
    return sms_send(complainant=complainant, complaint=complaint, body=body)


def sms_deliver_now(*, message_id: int) -> None:
    """Send one recorded message, once. Raises ``SmsError`` (not permanent) when a retry may help.

    Holds the message's row lock (``select_for_update``) across the provider call: a duplicate task
    waits, then finds the message no longer ``recorded`` and returns.
    """
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(of=("self",))
            .select_related("complainant")
            .filter(pk=message_id, kind=MessageKind.OUTBOUND)
            .first()
        )
        if message is None or message.delivery_status != DeliveryStatus.RECORDED:
            return
        complainant = message.complainant
        if complainant is None or not complainant.reachable_by_sms:
            message.delivery_status = DeliveryStatus.SUPPRESSED
            message.save(update_fields=["delivery_status"])
            return
        message.attempts += 1
        try:
            sent = sms_backend().send(to=complainant.phone, body=message.body)
        except SmsError as exc:
            message.error_code = exc.code[:16]
            message.error_message = without_numbers(str(exc))[:300]
            if exc.permanent:
                message.delivery_status = DeliveryStatus.FAILED
                if exc.code == OPTED_OUT_ERROR:
                    complainant_opt_out(complainant=complainant)
            message.save(update_fields=["attempts", "error_code", "error_message", "delivery_status"])
            if exc.permanent:
                logger.warning("SMS %s failed permanently (code %s)", message.uuid, exc.code)
                return
        else:
            message.twilio_sid = sent.sid
            message.delivery_status = TWILIO_STATUS.get(sent.status, DeliveryStatus.QUEUED)
            message.sent_at = timezone.now()
            message.error_code = message.error_message = ""
            message.save(
                update_fields=["attempts", "twilio_sid", "delivery_status", "sent_at", "error_code", "error_message"]
            )
            return
    raise SmsError(message.error_message, code=message.error_code)


def sms_status_record(*, sid: str, status: str, error_code: str = "") -> bool:
    """Record a Twilio status callback; unknown SIDs and backward moves are ignored. Returns whether
    the message changed. Guarded update on the current status, so callbacks racing each other or
    arriving out of order can only move the status forward."""
    new = TWILIO_STATUS.get(status.strip().lower())
    if new is None or not sid:
        return False
    behind = [s for s, rank in RANK.items() if rank < RANK[new]]
    fields: dict[str, Any] = {"delivery_status": new}
    if error_code:
        fields["error_code"] = error_code[:16]
    changed = Message.objects.filter(twilio_sid=sid, kind=MessageKind.OUTBOUND, delivery_status__in=behind).update(
        **fields
    )
    if changed and new in (DeliveryStatus.FAILED, DeliveryStatus.UNDELIVERED) and error_code == OPTED_OUT_ERROR:
        message = Message.objects.select_related("complainant").get(twilio_sid=sid)
        if message.complainant is not None:
            complainant_opt_out(complainant=message.complainant)
    return bool(changed)


def complainant_same_number(complainant: Complainant) -> Q:
    """The complainant, and those the web form created with her number typed in."""
    same = Q(pk=complainant.pk)
    if complainant.phone_hash:
        same |= Q(claimed_phone_hash=complainant.phone_hash)
    return same


def sms_status_receive(*, fields: Mapping[str, Sequence[str]]) -> bool:
    """``sms_status_record`` from the posted fields of Twilio's status callback (first values)."""

    def first(name: str) -> str:
        return (fields.get(name) or [""])[0][:64]

    return sms_status_record(
        sid=first("MessageSid") or first("SmsSid"),
        status=first("MessageStatus") or first("SmsStatus"),
        error_code=first("ErrorCode"),
    )


def complainant_opt_out(*, complainant: Complainant) -> None:
    """The worker asked to stop (or Twilio says she did): no SMS to her number, ever, from any case,
    until she opts back in."""
    Complainant.objects.filter(complainant_same_number(complainant), opted_out=False).update(
        opted_out=True, opted_out_at=timezone.now()
    )
    complainant.opted_out = True


def complainant_opt_in(*, complainant: Complainant) -> None:
    Complainant.objects.filter(complainant_same_number(complainant)).update(opted_out=False, opted_out_at=None)
    complainant.opted_out = False


def sms_outbound_requeue_stuck(*, now: Any = None) -> int:
    """Queue ``sms_deliver`` again (through the outbox) for outbound SMS still ``recorded`` after
    ``SMS_OUTBOUND_STUCK_MINUTES`` whose outbox row was published (a pending row will be published by
    the relay anyway); those older than ``SMS_OUTBOUND_GIVE_UP_HOURS`` are marked failed instead
    (guarded update on ``recorded``). Sending stays exactly-once: ``sms_deliver_now`` locks the row.
    Returns how many were queued again.
    """
    from django.db.models import BigIntegerField, Exists, OuterRef
    from django.db.models.fields.json import KT
    from django.db.models.functions import Cast

    from complaints.sms.tasks import sms_deliver
    from wsr.outbox.models import OutboxEntry

    now = now or timezone.now()
    stuck = Message.objects.filter(kind=MessageKind.OUTBOUND, delivery_status=DeliveryStatus.RECORDED)
    give_up = now - timedelta(hours=settings.SMS_OUTBOUND_GIVE_UP_HOURS)
    abandoned = stuck.filter(created_at__lt=give_up).update(
        delivery_status=DeliveryStatus.FAILED, error_message="not sent in time; gave up"
    )
    if abandoned:
        logger.warning("gave up on %d outbound SMS never sent", abandoned)
    pending = (
        OutboxEntry.objects.filter(published_at__isnull=True, task=sms_deliver.name)
        .annotate(message_id=Cast(KT("kwargs__message_id"), BigIntegerField()))
        .filter(message_id=OuterRef("pk"))
    )
    cutoff = now - timedelta(minutes=settings.SMS_OUTBOUND_STUCK_MINUTES)
    ids = list(
        stuck.filter(created_at__lt=cutoff, created_at__gte=give_up)
        .exclude(Exists(pending))
        .values_list("pk", flat=True)[:500]
    )
    with transaction.atomic():
        outbox_enqueue_many(sms_deliver, [{"message_id": message_id} for message_id in ids])
    return len(ids)

"""Outbound SMS: recorded first, sent by a task after commit, once per message.

``sms_send`` records the message and writes an outbox row in the caller's transaction; the
``sms_deliver`` task sends it through ``SMS_BACKEND`` (``sms_deliver_now``: a committed claim before
the provider call, and a lookup at the provider before sending again a message whose attempt was
interrupted), so a redelivered, duplicated or republished task never texts the worker twice.
Transient errors keep it for the task's retry; permanent ones mark it failed (and, for Twilio's 21610,
the worker as opted out). Delivery status callbacks only ever move a message forward. What exactly is
guaranteed: docs/reliability.md.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Q
from django.utils import timezone, translation

from complaints.choices import Channel, DeliveryStatus, MessageKind
from complaints.models import Complainant, Complaint, Message
from complaints.sms import texts
from complaints.sms.backends import OPTED_OUT_ERROR, Sent, SmsError, sms_backend, without_numbers
from wsr.outbox.services import outbox_enqueue

logger = logging.getLogger(__name__)

# Delivery statuses in the order they happen; a callback never moves a message back.
RANK = {
    DeliveryStatus.RECORDED: 0,
    DeliveryStatus.SENDING: 0,
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
    """Send one recorded outbound SMS, once, also when processes die. Raises ``SmsError`` (not
    permanent) when trying again later may help. Call outside any transaction: the claim below must be
    committed before the provider is called.

    An attempt runs under ``_attempt_lock`` (attempts on one message never overlap) and commits a
    ``sending`` claim (``attempts`` + 1, ``claimed_at``) before it calls the provider, then records the
    outcome; each write is a guarded update on the status and attempt number. An attempt that finds the
    message ``sending`` therefore knows that the attempt which claimed it ended without recording what
    the provider said (its process died: SIGKILL, out of memory, the hard time limit): it looks the
    message up in the provider's list (``_reconcile``) and sends it anew only if the provider has no
    such message.
    """
    with _attempt_lock(message_id) as ours:
        if not ours:
            raise SmsError("another attempt is sending this message")
        message = Message.objects.select_related("complainant").filter(pk=message_id, kind=MessageKind.OUTBOUND).first()
        if message is None:
            return
        complainant = message.complainant
        if message.delivery_status == DeliveryStatus.SENDING and _reconcile(message):
            return
        if message.delivery_status != DeliveryStatus.RECORDED:
            return
        if complainant is None or not complainant.reachable_by_sms:
            _guarded_update(message, delivery_status=DeliveryStatus.SUPPRESSED)
            return
        if message.created_at < timezone.now() - timedelta(hours=settings.SMS_OUTBOUND_GIVE_UP_HOURS):
            _guarded_update(message, delivery_status=DeliveryStatus.FAILED, error_message="not sent in time; gave up")
            logger.warning("SMS %s was not sent in time; gave up", message.uuid)
            return
        if not _guarded_update(
            message, delivery_status=DeliveryStatus.SENDING, attempts=message.attempts + 1, claimed_at=timezone.now()
        ):
            return
        try:
            sent = sms_backend().send(to=complainant.phone, body=message.body)
        except SmsError as exc:
            _record_failure(message, exc)
            if exc.permanent:
                return
            raise
        _record_sent(message, sent)


# A provider's clock and ours differ a little; look this much further back for an interrupted send.
CLOCK_SKEW = timedelta(minutes=2)


@contextmanager
def _attempt_lock(message_id: int) -> Iterator[bool]:
    """Whether this process may make an attempt on ``message_id`` now, held until the block ends.

    A PostgreSQL advisory lock taken in a transaction on a connection of its own (the claim is
    committed on the default connection meanwhile). PostgreSQL releases it when that connection ends:
    a process that dies frees the message at once, while a live attempt keeps every other one out.
    Transaction-scoped, so it also holds behind a transaction-pooling PgBouncer.
    """
    lock = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        lock.set_autocommit(False)
        with lock.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(hashtextextended(%s, 0))", [f"sms-send:{message_id}"])
            row = cursor.fetchone()
            yield bool(row and row[0])
    finally:
        lock.close()  # ends the transaction: releases the lock


def _guarded_update(message: Message, **fields: Any) -> bool:
    """Write ``fields`` if the message is still in the status and attempt it was read in; reflect them
    on ``message``. Returns whether it was."""
    changed = Message.objects.filter(
        pk=message.pk, delivery_status=message.delivery_status, attempts=message.attempts
    ).update(**fields)
    if changed:
        for name, value in fields.items():
            setattr(message, name, value)
    return bool(changed)


def _record_sent(message: Message, sent: Sent) -> None:
    _guarded_update(
        message, twilio_sid=sent.sid, delivery_status=TWILIO_STATUS.get(sent.status, DeliveryStatus.QUEUED),
        sent_at=timezone.now(), error_code="", error_message="",
    )  # fmt: skip


def _record_failure(message: Message, exc: SmsError) -> None:
    """After a failed call: ``failed`` if permanent; else ``recorded`` again, or still ``sending`` when
    the provider may have taken the message (the next attempt looks it up first)."""
    fields: dict[str, Any] = {"error_code": exc.code[:16], "error_message": without_numbers(str(exc))[:300]}
    if exc.permanent:
        fields["delivery_status"] = DeliveryStatus.FAILED
    elif not exc.maybe_sent:
        fields["delivery_status"] = DeliveryStatus.RECORDED
    _guarded_update(message, **fields)
    if exc.permanent:
        logger.warning("SMS %s failed permanently (code %s)", message.uuid, exc.code)
        if exc.code == OPTED_OUT_ERROR and message.complainant is not None:
            complainant_opt_out(complainant=message.complainant)


def _reconcile(message: Message) -> bool:
    """``message`` is ``sending`` and no attempt is running: did the provider take it? Returns True when
    it did (the outcome is now recorded); False when it did not (the message is ``recorded`` again, to
    be sent). Raises ``SmsError`` while it is too early to tell or the provider cannot be asked.

    Too early: the interrupted request may still be in the provider's hands for a moment, so the
    lookup waits until ``SMS_RECONCILE_AFTER_SECONDS`` after the claim. The match is the oldest message
    to the same number, with the same body, created since the claim, whose id no other message holds.
    """
    complainant = message.complainant
    claimed_at = message.claimed_at or message.created_at
    if complainant is None or not complainant.phone:
        _guarded_update(message, delivery_status=DeliveryStatus.FAILED, error_message="unknown whether sent")
        return True
    if timezone.now() < claimed_at + timedelta(seconds=settings.SMS_RECONCILE_AFTER_SECONDS):
        raise SmsError("an interrupted send is not settled yet")
    found = sms_backend().sent_to(to=complainant.phone, since=claimed_at - CLOCK_SKEW)
    found = [m for m in found if m.body == message.body]
    taken = set(Message.objects.filter(twilio_sid__in=[m.sid for m in found]).values_list("twilio_sid", flat=True))
    match = next((m for m in reversed(found) if m.sid not in taken), None)
    if match is not None:
        logger.info("SMS %s: an interrupted send had reached the provider; not sent again", message.uuid)
        _record_sent(message, match)
        return True
    _guarded_update(message, delivery_status=DeliveryStatus.RECORDED)
    return False


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

"""Writes to cases shared by every intake channel and the monitor workspace.

Channel-specific logic lives beside its channel (``complaints/sms/``, ``complaints/web/``); the
monitor's workflow in ``complaints/workflow.py``. All of them create and change cases through the
functions here, so a complaint is made the same way whichever door it came through.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime
from typing import Any

import phonenumbers
from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import IntegrityError, transaction
from django.utils import timezone

from complaints.choices import DEADLINE_STAGES, Channel, EventKind, Language, MessageKind, Status
from complaints.escalation import complaint_deadlines_sync
from complaints.models import Complainant, Complaint, Event, Message
from complaints.models.case import REFERENCE_ALPHABET, REFERENCE_LENGTH
from wsr.network.choices import DEFAULT_DEADLINES, Severity
from wsr.network.models import Standard, Worksite

# Until triage sets a standard, a new case must be acknowledged within the serious default (24 h).
INTAKE_SEVERITY_FOR_DEADLINES = Severity.SERIOUS
RECEIPT_CODE_ALPHABET = REFERENCE_ALPHABET
RECEIPT_CODE_LENGTH = 10


# --- Identifiers ----------------------------------------------------------------------------------


def reference_generate() -> str:
    """A random case reference such as ``K7MXR4TE``; uniqueness is enforced by the database."""
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def normalize_reference(raw: str) -> str:
    """Upper-case and drop spaces and dashes, as workers type references in many ways."""
    return "".join(ch for ch in raw.upper() if ch.isalnum())


def receipt_code_generate() -> str:
    """The secret a web complainant keeps to follow the case; stored only as a password hash."""
    return "".join(secrets.choice(RECEIPT_CODE_ALPHABET) for _ in range(RECEIPT_CODE_LENGTH))


def receipt_code_check(*, complaint: Complaint, code: str) -> bool:
    return bool(complaint.receipt_code_hash) and check_password(normalize_reference(code), complaint.receipt_code_hash)


# --- Phones and complainants ----------------------------------------------------------------------


def phone_normalize(raw: str) -> str | None:
    """E.164 form of ``raw`` (``+15555550123``), or None if it is not a plausible phone number."""
    try:
        number = phonenumbers.parse(raw, settings.PHONE_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_hash(e164: str) -> str:
    """Keyed hash of a normalized phone number: lookups without decrypting, useless without the key."""
    return hmac.new(settings.PHONE_HASH_KEY.encode(), e164.encode(), hashlib.sha256).hexdigest()


def complainant_for_phone(*, phone: str, language: str = Language.EN) -> Complainant:
    """The complainant with this E.164 phone, created if new; safe under concurrent calls."""
    digest = phone_hash(phone)
    existing = Complainant.objects.filter(phone_hash=digest).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            return Complainant.objects.create(phone=phone, phone_hash=digest, preferred_language=language)
    except IntegrityError:
        return Complainant.objects.get(phone_hash=digest)


def complainant_find_by_phone(*, phone: str) -> Complainant | None:
    return Complainant.objects.filter(phone_hash=phone_hash(phone)).first()


# --- Cases ----------------------------------------------------------------------------------------


def deadlines_for(*, received_at: datetime, standard: Standard | None) -> dict[str, datetime]:
    """Due times of the stages (``DEADLINE_STAGES``), counted from receipt, by the standard (or the
    intake defaults), as ``{due column: time}``."""
    defaults = dict(zip(DEADLINE_STAGES, DEFAULT_DEADLINES[INTAKE_SEVERITY_FOR_DEADLINES], strict=True))
    return {
        stage.due: received_at + (getattr(standard, stage.span) if standard is not None else defaults[stage])
        for stage in DEADLINE_STAGES
    }


def event_record(
    *, complaint: Complaint, kind: str, actor: Any = None, from_status: str = "", to_status: str = "",
    reason: str = "", data: dict[str, Any] | None = None,
) -> Event:  # fmt: skip
    """Append one event to the case's timeline. ``data`` must never hold a name or phone number."""
    return Event.objects.create(
        complaint=complaint, kind=kind, actor=actor, from_status=from_status, to_status=to_status,
        reason=reason, data=data or {},
    )  # fmt: skip


def complaint_create(
    *,
    channel: str,
    language: str,
    description: str,
    complainant: Complainant | None = None,
    worksite: Worksite | None = None,
    created_by: Any = None,
    receipt_code: str | None = None,
    idempotency_key: Any = None,
    received_at: datetime | None = None,
) -> Complaint:
    """Create a case with a fresh unique reference, its intake deadlines and a ``created`` event.

    Retries on the (astronomically rare) reference collision. Call inside ``transaction.atomic()``
    when other rows (messages, outbox) must commit with it.
    """
    received_at = received_at or timezone.now()
    for _ in range(10):
        try:
            with transaction.atomic():
                complaint = Complaint.objects.create(
                    reference=reference_generate(),
                    channel=channel,
                    language=language,
                    description=description,
                    complainant=complainant,
                    worksite=worksite,
                    created_by=created_by,
                    receipt_code_hash=make_password(receipt_code) if receipt_code else "",
                    idempotency_key=idempotency_key,
                    received_at=received_at,
                    **deadlines_for(received_at=received_at, standard=None),
                )
                break
        except IntegrityError as exc:
            if "complaints_reference_unique" not in str(exc):
                raise
    else:  # pragma: no cover - 10 collisions in a space of 7.8e10
        raise RuntimeError("could not allocate a complaint reference")
    complaint_deadlines_sync(complaints=[complaint], new=True)
    event_record(
        complaint=complaint, kind=EventKind.CREATED, actor=created_by, to_status=Status.NEW,
        data={"channel": channel, "language": language},
    )  # fmt: skip
    complaint_search_refresh(complaint=complaint)
    return complaint


def complaint_search_refresh(*, complaint: Complaint) -> None:
    """Recompute the case's full-text vector from its reference, description and worker messages."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE complaints_complaint c SET search_vector =
                setweight(to_tsvector('simple', c.reference), 'A') ||
                setweight(to_tsvector('simple', coalesce(c.description, '')), 'B') ||
                setweight(to_tsvector('simple', coalesce((
                    SELECT string_agg(m.body, ' ') FROM complaints_message m
                    WHERE m.complaint_id = c.id AND m.kind IN ('inbound', 'outbound', 'note')
                ), '')), 'C')
            WHERE c.id = %s
            """,
            [complaint.pk],
        )


def message_record_inbound(
    *, complaint: Complaint | None, complainant: Complainant | None, body: str, channel: str = Channel.SMS,
    language: str = "", twilio_sid: str | None = None,
) -> Message:  # fmt: skip
    """Store a message from the worker (SMS, web follow-up); attaches to ``complaint`` if given."""
    message = Message.objects.create(
        complaint=complaint, complainant=complainant, kind=MessageKind.INBOUND, channel=channel, body=body,
        language=language, twilio_sid=twilio_sid,
    )  # fmt: skip
    if complaint is not None:
        complaint_search_refresh(complaint=complaint)
    return message

"""Writes of the web intake: a complaint from ``/report/`` or the staff intake page, follow-ups from
``/track/``, and the one-time receipt flash shown after a submission."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.core.cache import cache
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction

from complaints.choices import Channel
from complaints.models import Attachment, Complainant, Complaint, Message
from complaints.services import (
    complainant_for_phone,
    complaint_create,
    message_record_inbound,
    phone_hash,
    phone_normalize,
    receipt_code_generate,
)
from wsr.network.models import Worksite

logger = logging.getLogger(__name__)

# How long the reference and receipt code wait to be shown once after a submission.
RECEIPT_FLASH_SECONDS = 15 * 60
_DONE_SALT = "complaints.web.done"


@dataclass(frozen=True)
class Photo:
    """An uploaded picture already checked by the form: its sniffed type and file extension."""

    file: UploadedFile
    content_type: str
    extension: str


@dataclass(frozen=True)
class IntakeResult:
    complaint: Complaint
    created: bool


# --- Receipt flash --------------------------------------------------------------------------------


def _receipt_key(idempotency_key: uuid.UUID) -> str:
    return f"web:receipt:{idempotency_key}"


def receipt_code_reserve(*, idempotency_key: uuid.UUID) -> tuple[str, bool]:
    """The receipt code for one form submission, the same for every POST of that form.

    A double tap sends the form twice and the browser shows only the second answer, so both POSTs
    must agree on the code: the first to reach the cache wins (``cache.add``). Returns the code and
    whether the cache holds it; without the cache (Redis down) the caller shows it at once instead.
    """
    code = receipt_code_generate()
    try:
        cache.add(_receipt_key(idempotency_key), code, RECEIPT_FLASH_SECONDS)
        stored = cache.get(_receipt_key(idempotency_key))
    except Exception:  # the cache is down: intake must still work
        logger.warning("receipt flash unavailable: cache error")
        return code, False
    return (stored, True) if stored else (code, False)


def receipt_code_take(*, idempotency_key: uuid.UUID) -> str | None:
    """The reserved receipt code, removed so that it is shown only once; None if gone."""
    try:
        code = cache.get(_receipt_key(idempotency_key))
        cache.delete(_receipt_key(idempotency_key))
    except Exception:
        return None
    return code


def done_token_make(*, idempotency_key: uuid.UUID) -> str:
    """A signed, expiring token naming a submission: the confirmation URL carries it, not the code."""
    return signing.dumps(str(idempotency_key), salt=_DONE_SALT)


def done_token_read(token: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(signing.loads(token, salt=_DONE_SALT, max_age=RECEIPT_FLASH_SECONDS))
    except (signing.BadSignature, ValueError, TypeError):
        return None


# --- Intake ---------------------------------------------------------------------------------------


def complainant_for_intake(*, phone: str | None, name: str, language: str, verified: bool) -> Complainant | None:
    """The complainant behind a web or staff-logged complaint; None if anonymous.

    ``verified``: staff spoke to the worker, so a phone given is hers and joins the complainant who
    texts from it. From the public form a phone proves nothing (anyone can type a worker's number):
    it gets a complainant of its own, which is texted updates but never receives that phone's SMS
    and never learns or changes the existing complainant's name.
    """
    if phone and verified:
        complainant = complainant_for_phone(phone=phone, language=language)
        if name and not complainant.name:
            complainant.name = name
            complainant.save(update_fields=["name"])
        return complainant
    if phone:
        e164 = phone_normalize(phone) or phone
        claimed = phone_hash(e164)
        return Complainant.objects.create(
            phone=e164, claimed_phone_hash=claimed, name=name, preferred_language=language,
            # The number's owner texted STOP: she stays unsent to (see complainant_opt_out).
            opted_out=Complainant.objects.filter(phone_hash=claimed, opted_out=True).exists(),
        )  # fmt: skip
    if name:
        return Complainant.objects.create(name=name, preferred_language=language)
    return None


def attachment_create(*, complaint: Complaint, photo: Photo, message: Message | None = None) -> Attachment:
    """Store an uploaded photo on the case; the stored name never reuses the worker's file name."""
    attachment = Attachment(
        complaint=complaint, message=message, content_type=photo.content_type, size=photo.file.size or 0
    )
    attachment.file.save(f"photo.{photo.extension}", photo.file, save=False)
    attachment.save()
    return attachment


def _acknowledge_by_sms(*, complaint: Complaint) -> None:
    """Queue the acknowledgement SMS; a failure here must never lose the complaint itself."""
    try:
        from complaints.sms.services import complaint_acknowledge_by_sms

        with transaction.atomic():
            complaint_acknowledge_by_sms(complaint=complaint)
    except Exception:
        logger.exception("acknowledgement SMS could not be recorded for complaint %s", complaint.reference)


def complaint_create_from_web(
    *,
    channel: str,
    language: str,
    description: str,
    idempotency_key: uuid.UUID,
    receipt_code: str,
    worksite: Worksite | None = None,
    phone: str | None = None,
    name: str = "",
    photo: Photo | None = None,
    created_by: Any = None,
) -> IntakeResult:
    """Create a complaint from the web form (or the staff intake page) exactly once per form.

    The form's ``idempotency_key`` is unique in the database: a second POST of the same form (back
    button, double tap, even concurrent) finds the first complaint and creates nothing. A phone
    number makes the worker reachable by SMS and sends the acknowledgement.
    """
    existing = Complaint.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return IntakeResult(existing, created=False)
    try:
        with transaction.atomic():
            complainant = complainant_for_intake(
                phone=phone, name=name, language=language, verified=created_by is not None
            )
            complaint = complaint_create(
                channel=channel,
                language=language,
                description=description,
                complainant=complainant,
                worksite=worksite,
                created_by=created_by,
                receipt_code=receipt_code,
                idempotency_key=idempotency_key,
            )
            if photo is not None:
                attachment_create(complaint=complaint, photo=photo)
            _acknowledge_by_sms(complaint=complaint)  # nothing without a phone
    except IntegrityError as exc:
        if "idempotency_key" not in str(exc):
            raise
        return IntakeResult(Complaint.objects.get(idempotency_key=idempotency_key), created=False)
    return IntakeResult(complaint, created=True)


def complaint_follow_up_from_web(
    *, complaint: Complaint, body: str, photo: Photo | None, language: str, idempotency_key: uuid.UUID
) -> Message | None:
    """Add the worker's message and/or photo to her case from ``/track/``; once per form.

    Returns None when the same form was already received (double tap): the cache remembers each
    follow-up form for a day; without the cache a double tap may store the message twice.
    """
    try:
        if not cache.add(f"web:follow-up:{idempotency_key}", 1, 24 * 60 * 60):
            return None
    except Exception:
        logger.warning("follow-up deduplication unavailable: cache error")
    with transaction.atomic():
        message = message_record_inbound(
            complaint=complaint, complainant=complaint.complainant, body=body, channel=Channel.WEB, language=language
        )
        if photo is not None:
            attachment_create(complaint=complaint, photo=photo, message=message)
    return message

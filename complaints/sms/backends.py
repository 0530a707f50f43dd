"""Where outbound SMS go, chosen by ``SMS_BACKEND``: ``twilio``, ``console`` (``make run``) or
``memory`` (tests). A backend sends one message and reports the provider's id, or raises ``SmsError``
saying whether trying again could help and whether the provider may have taken the message anyway;
and it lists what the provider accepted for a number, so that a send interrupted by a crash can be
looked up before anything is sent again."""

from __future__ import annotations

import logging
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

logger = logging.getLogger(__name__)

# Twilio error codes that no retry will fix (shared/reference/twilio.md).
PERMANENT_ERRORS = {"21211", "21408", "21610", "21612", "21614", "30003", "30004", "30005", "30006"}
OPTED_OUT_ERROR = "21610"


class SmsError(Exception):
    """Sending failed; ``permanent`` errors are not retried. ``maybe_sent``: the request may have reached
    the provider (a timeout, a connection lost before the answer), so the message may exist there."""

    def __init__(self, message: str, *, code: str = "", permanent: bool = False, maybe_sent: bool = False) -> None:
        super().__init__(message)
        self.code = code
        self.permanent = permanent
        self.maybe_sent = maybe_sent


@dataclass(frozen=True)
class Sent:
    sid: str
    status: str  # Twilio's first status: "queued", "accepted", "sent"...
    body: str = ""  # filled in by ``sent_to``
    created: datetime | None = None


class Backend(Protocol):
    def send(self, *, to: str, body: str) -> Sent: ...

    def sent_to(self, *, to: str, since: datetime) -> list[Sent]:
        """Messages the provider accepted for ``to`` since ``since``, newest first."""
        ...


# A run of digits long enough to be a phone number, with the separators people and APIs write.
PHONE_LIKE = re.compile(r"\+?\d[\d\s().-]{5,}\d")


def without_numbers(text: str) -> str:
    """``text`` with anything that looks like a phone number replaced: providers quote the number
    in their error messages ("The 'To' number +1… is not valid"), and those are stored and shown."""
    return PHONE_LIKE.sub("[number]", text)


def masked(phone: str) -> str:
    """A phone number as logs may show it: never more than its last two digits."""
    return "…" + phone[-2:] if len(phone) > 4 else "…"


class ConsoleBackend:
    """Prints messages to the log (``make run``): the body and a masked number only."""

    def send(self, *, to: str, body: str) -> Sent:
        sid = "SMconsole" + uuid.uuid4().hex[:25]
        logger.info("SMS to %s (%s): %s", masked(to), sid, body)
        return Sent(sid=sid, status="sent")

    def sent_to(self, *, to: str, since: datetime) -> list[Sent]:
        return []  # it keeps nothing: an interrupted send is printed again


@dataclass(frozen=True)
class MemorySms:
    to: str
    body: str
    sid: str
    created: datetime


class MemoryBackend:
    """Keeps messages in ``MemoryBackend.sent`` (tests); ``fail_with`` makes the next sends fail (an
    error with ``maybe_sent`` still keeps the message, as a provider that took it and timed out)."""

    sent: list[MemorySms] = []
    fail_with: list[SmsError] = []

    def send(self, *, to: str, body: str) -> Sent:
        failure = MemoryBackend.fail_with.pop(0) if MemoryBackend.fail_with else None
        if failure is not None and not failure.maybe_sent:
            raise failure
        sid = "SMmemory" + uuid.uuid4().hex[:26]
        MemoryBackend.sent.append(MemorySms(to=to, body=body, sid=sid, created=timezone.now()))
        if failure is not None:
            raise failure
        return Sent(sid=sid, status="queued")

    def sent_to(self, *, to: str, since: datetime) -> list[Sent]:
        return [
            Sent(sid=sms.sid, status="queued", body=sms.body, created=sms.created)
            for sms in reversed(MemoryBackend.sent)
            if sms.to == to and sms.created >= since
        ]

    @classmethod
    def reset(cls) -> None:
        cls.sent.clear()
        cls.fail_with.clear()


class TwilioBackend:
    """Sends through Twilio's REST API with the official package; status reported to our callback."""

    # Messages to one number since an interrupted attempt: a handful; more would be a flood.
    LOOKUP_LIMIT = 50

    @staticmethod
    def _client() -> Any:
        from twilio.http.http_client import TwilioHttpClient
        from twilio.rest import Client

        # Its request log holds the worker's number: settings keep "twilio.http_client" at WARNING.
        http = TwilioHttpClient(timeout=15)
        return Client(settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, http_client=http)

    def send(self, *, to: str, body: str) -> Sent:
        from twilio.base.exceptions import TwilioException, TwilioRestException

        callback = settings.PUBLIC_BASE_URL + reverse("complaints_sms:status")
        try:
            message = self._client().messages.create(
                to=to, from_=settings.TWILIO_FROM_NUMBER, body=body, status_callback=callback
            )
        except TwilioRestException as exc:  # Twilio answered: the message was not created
            code = str(exc.code or "")
            transient = exc.status == 429 or exc.status >= 500
            raise SmsError(without_numbers(exc.msg or str(exc)), code=code, permanent=not transient) from exc
        except TwilioException as exc:  # no usable answer: Twilio may have created it
            raise SmsError(without_numbers(str(exc)), maybe_sent=True) from exc
        except OSError as exc:  # requests' errors (timeouts, lost connections) are OSErrors
            raise SmsError(type(exc).__name__, maybe_sent=True) from exc
        return Sent(sid=str(message.sid), status=str(message.status or "queued"))

    def sent_to(self, *, to: str, since: datetime) -> list[Sent]:
        """Twilio's message list for ``To``/``From`` (newest first). Not filtered by ``DateSent``: a
        message still queued at Twilio has no sending date yet."""
        from twilio.base.exceptions import TwilioException

        try:
            found = self._client().messages.list(
                to=to, from_=settings.TWILIO_FROM_NUMBER, limit=self.LOOKUP_LIMIT, page_size=self.LOOKUP_LIMIT
            )
        except (TwilioException, OSError) as exc:
            raise SmsError(f"looking up an interrupted send: {type(exc).__name__}") from exc
        return [
            Sent(sid=str(m.sid), status=str(m.status or "queued"), body=str(m.body or ""), created=m.date_created)
            for m in found
            if m.date_created is None or m.date_created >= since
        ]


BACKENDS: dict[str, type[Backend]] = {"twilio": TwilioBackend, "console": ConsoleBackend, "memory": MemoryBackend}


def sms_backend() -> Backend:
    return BACKENDS[settings.SMS_BACKEND]()

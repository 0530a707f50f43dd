"""Where outbound SMS go, chosen by ``SMS_BACKEND``: ``twilio``, ``console`` (``make run``) or
``memory`` (tests). A backend sends one message and reports the provider's id, or raises ``SmsError``
saying whether trying again could help."""

from __future__ import annotations

import logging
import re
import uuid
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.urls import reverse

logger = logging.getLogger(__name__)

# Twilio error codes that no retry will fix (shared/reference/twilio.md).
PERMANENT_ERRORS = {"21211", "21408", "21610", "21612", "21614", "30003", "30004", "30005", "30006"}
OPTED_OUT_ERROR = "21610"


class SmsError(Exception):
    """Sending failed; ``permanent`` errors are not retried."""

    def __init__(self, message: str, *, code: str = "", permanent: bool = False) -> None:
        super().__init__(message)
        self.code = code
        self.permanent = permanent


@dataclass(frozen=True)
class Sent:
    sid: str
    status: str  # Twilio's first status: "queued", "accepted", "sent"...


class Backend(Protocol):
    def send(self, *, to: str, body: str) -> Sent: ...


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


@dataclass(frozen=True)
class MemorySms:
    to: str
    body: str
    sid: str


class MemoryBackend:
    """Keeps messages in ``MemoryBackend.sent`` (tests); ``fail_with`` makes the next sends fail."""

    sent: list[MemorySms] = []
    fail_with: list[SmsError] = []

    def send(self, *, to: str, body: str) -> Sent:
        if MemoryBackend.fail_with:
            raise MemoryBackend.fail_with.pop(0)
        sid = "SMmemory" + uuid.uuid4().hex[:26]
        MemoryBackend.sent.append(MemorySms(to=to, body=body, sid=sid))
        return Sent(sid=sid, status="queued")

    @classmethod
    def reset(cls) -> None:
        cls.sent.clear()
        cls.fail_with.clear()


class TwilioBackend:
    """Sends through Twilio's REST API with the official package; status reported to our callback."""

    def send(self, *, to: str, body: str) -> Sent:
        from twilio.base.exceptions import TwilioException, TwilioRestException
        from twilio.http.http_client import TwilioHttpClient
        from twilio.rest import Client

        # Its request log (which holds the worker's number) stays at the library's WARNING level.
        http = TwilioHttpClient(timeout=15)
        client = Client(settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, http_client=http)
        callback = settings.PUBLIC_BASE_URL + reverse("complaints_sms:status")
        try:
            message = client.messages.create(
                to=to, from_=settings.TWILIO_FROM_NUMBER, body=body, status_callback=callback
            )
        except TwilioRestException as exc:
            code = str(exc.code or "")
            transient = exc.status == 429 or exc.status >= 500
            raise SmsError(without_numbers(exc.msg or str(exc)), code=code, permanent=not transient) from exc
        except TwilioException as exc:  # connection refused, timeout, TLS: try again later
            raise SmsError(without_numbers(str(exc))) from exc
        except OSError as exc:  # requests' errors are OSErrors
            raise SmsError(type(exc).__name__) from exc
        return Sent(sid=str(message.sid), status=str(message.status or "queued"))


BACKENDS: dict[str, type[Backend]] = {"twilio": TwilioBackend, "console": ConsoleBackend, "memory": MemoryBackend}


def sms_backend() -> Backend:
    return BACKENDS[settings.SMS_BACKEND]()

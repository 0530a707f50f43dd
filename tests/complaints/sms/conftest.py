"""Fixtures for the SMS hotline tests: a configured Twilio token, the memory backend, a spool and
media folder per test, and a worker's phone that posts Twilio-shaped, really signed webhooks."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode
from xml.etree import ElementTree

import pytest
from django.test import Client
from django.utils import translation
from twilio.request_validator import RequestValidator

from complaints.sms.backends import MemoryBackend

BASE_URL = "https://hotline.example.org"
TOKEN = "test-auth-token-0123456789abcdef"
ACCOUNT_SID = "AC" + "1" * 32
INBOUND = "/sms/twilio/inbound/"
STATUS = "/sms/twilio/status/"
CITY = "BARTOW"  # a geographic field Twilio posts: must never be stored


@pytest.fixture(autouse=True)
def _twilio_settings(settings: Any, tmp_path: Any) -> Iterator[None]:
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.TWILIO_ACCOUNT_SID = ACCOUNT_SID
    settings.TWILIO_FROM_NUMBER = "+18135550100"
    settings.PUBLIC_BASE_URL = BASE_URL
    settings.SMS_BACKEND = "memory"
    settings.SPOOL_DIR = tmp_path / "spool"
    settings.MEDIA_ROOT = tmp_path / "media"
    MemoryBackend.reset()
    yield
    MemoryBackend.reset()


def sid() -> str:
    return "SM" + uuid.uuid4().hex


def twilio_fields(
    phone: str, body: str, message_sid: str | None = None, media: tuple[tuple[str, str], ...] = ()
) -> dict[str, str]:
    """The fields Twilio posts for an inbound SMS, blank ones and geographic ones included."""
    message_sid = message_sid or sid()
    fields = {
        "ToCountry": "US", "ToState": "FL", "SmsMessageSid": message_sid, "NumMedia": str(len(media)),
        "ToCity": "", "FromZip": "33830", "SmsSid": message_sid, "FromState": "FL", "SmsStatus": "received",
        "FromCity": CITY, "Body": body, "FromCountry": "US", "To": "+18135550100", "MessagingServiceSid": "",
        "ToZip": "", "NumSegments": "1", "MessageSid": message_sid, "AccountSid": ACCOUNT_SID, "From": phone,
        "ApiVersion": "2010-04-01",
    }  # fmt: skip
    for n, (url, kind) in enumerate(media):
        fields[f"MediaUrl{n}"] = url
        fields[f"MediaContentType{n}"] = kind
    return fields


def sign(fields: dict[str, str], path: str = INBOUND, token: str = TOKEN, base: str = BASE_URL) -> str:
    return RequestValidator(token).compute_signature(base + path, fields)


def post(
    client: Client, fields: dict[str, str], path: str = INBOUND, signature: str | None = None, **extra: Any
) -> Any:
    signature = sign(fields, path) if signature is None else signature
    return client.post(
        path, data=urlencode(fields), content_type="application/x-www-form-urlencoded",
        HTTP_X_TWILIO_SIGNATURE=signature, **extra,
    )  # fmt: skip


def replies_of(response: Any) -> list[str]:
    assert response.status_code == 200, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("text/xml")
    root = ElementTree.fromstring(response.content)  # noqa: S314 - our own view's TwiML
    assert root.tag == "Response"
    return [element.text or "" for element in root.iter("Message")]


def text(language: str, function: Any, *args: Any) -> str:
    with translation.override(language):
        return str(function(*args))


class Phone:
    """A worker's phone texting the hotline through the signed webhook."""

    def __init__(self, number: str = "+12025550101") -> None:
        self.number = number
        self.client = Client()
        self.response: Any = None

    def send(self, body: str, **kwargs: Any) -> str:
        """Text ``body``; returns the reply ("" for none)."""
        self.response = post(self.client, twilio_fields(self.number, body, **kwargs))
        found = replies_of(self.response)
        assert len(found) <= 1
        return found[0] if found else ""


@pytest.fixture
def phone() -> Phone:
    return Phone()

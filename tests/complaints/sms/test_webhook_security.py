"""Only Twilio gets in: signatures over the canonical URL and every field, no token → nothing."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client

from complaints.models import Complaint, Message
from tests.complaints.sms.conftest import INBOUND, STATUS, post, sign, twilio_fields

pytestmark = pytest.mark.usefixtures("world")
PHONE = "+12025550111"


@pytest.mark.parametrize("path", [INBOUND, STATUS])
def test_a_missing_signature_is_refused(path: str) -> None:
    response = post(Client(), twilio_fields(PHONE, "RF101 pay"), path=path, signature="")
    assert response.status_code == 403
    assert not Message.objects.exists()


@pytest.mark.parametrize("path", [INBOUND, STATUS])
def test_a_forged_signature_is_refused(path: str) -> None:
    fields = twilio_fields(PHONE, "RF101 pay")
    response = post(Client(), fields, path=path, signature=sign(fields, path, token="not-the-token"))
    assert response.status_code == 403


def test_a_stale_signature_for_other_content_is_refused() -> None:
    original = twilio_fields(PHONE, "hello")
    altered = {**original, "Body": "RF101 a different story"}
    assert post(Client(), altered, signature=sign(original)).status_code == 403
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("path", [INBOUND, STATUS])
def test_everything_is_refused_when_no_token_is_configured(settings: Any, path: str) -> None:
    fields = twilio_fields(PHONE, "RF101 pay")
    good = sign(fields, path)
    settings.TWILIO_AUTH_TOKEN = ""
    assert post(Client(), fields, path=path, signature=good).status_code == 403
    assert post(Client(), fields, path=path, signature=sign(fields, path, token="")).status_code == 403


def test_forwarded_host_headers_cannot_change_the_signed_url() -> None:
    fields = twilio_fields(PHONE, "RF101 pay")
    evil = sign(fields, INBOUND, base="https://attacker.example")
    response = post(
        Client(), fields, signature=evil, HTTP_X_FORWARDED_HOST="attacker.example",
        HTTP_X_FORWARDED_PROTO="https",
    )  # fmt: skip
    assert response.status_code == 403


def test_the_canonical_url_is_checked_whatever_host_the_request_names() -> None:
    fields = twilio_fields(PHONE, "RF101 pay")
    response = post(Client(), fields, HTTP_X_FORWARDED_HOST="internal:8000")
    assert response.status_code == 200
    assert Complaint.objects.count() == 1


def test_blank_values_are_part_of_the_signature() -> None:
    fields = twilio_fields(PHONE, "RF101 pay")
    assert fields["ToCity"] == "" and fields["MessagingServiceSid"] == ""
    without_blanks = sign({k: v for k, v in fields.items() if v != ""})
    assert post(Client(), fields, signature=without_blanks).status_code == 403
    assert post(Client(), fields).status_code == 200


def test_fields_twilio_adds_without_notice_are_signed_too() -> None:
    fields = {**twilio_fields(PHONE, "RF101 pay"), "SomeNewField": "x"}
    assert post(Client(), fields).status_code == 200
    smuggled = {**fields, "Extra": "y"}
    assert post(Client(), smuggled, signature=sign(fields)).status_code == 403


def test_a_query_string_is_part_of_the_signed_url() -> None:
    fields = twilio_fields(PHONE, "RF101 pay")
    signature = sign(fields, INBOUND + "?b=2&a=1")
    client = Client()
    response = client.post(
        INBOUND + "?b=2&a=1", data=urlencode(fields),
        content_type="application/x-www-form-urlencoded", HTTP_X_TWILIO_SIGNATURE=signature,
    )  # fmt: skip
    assert response.status_code == 200
    reordered = client.post(
        INBOUND + "?a=1&b=2", data=urlencode(fields),
        content_type="application/x-www-form-urlencoded", HTTP_X_TWILIO_SIGNATURE=signature,
    )  # fmt: skip
    assert reordered.status_code == 403

"""Bad input never gives a 500 and never loses what can be kept: a 4xx or a helpful reply."""

from __future__ import annotations

import random
import string
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client

from complaints.choices import MessageKind
from complaints.models import Complaint, Message
from complaints.sms import texts
from tests.complaints.sms.conftest import INBOUND, STATUS, Phone, post, replies_of, sid, sign, twilio_fields

pytestmark = pytest.mark.usefixtures("world")


def test_an_empty_body_gets_the_menu(phone: Phone) -> None:
    assert phone.send("") == texts.LANGUAGE_MENU
    assert Message.objects.filter(kind=MessageKind.INBOUND, body="").count() == 1


def test_five_thousand_characters_are_kept_whole(phone: Phone) -> None:
    story = "They kept our pay. " * 263  # 4,997 characters
    assert phone.send(f"RF101 {story}") == ""
    assert Complaint.objects.get().description == story.strip()


def test_emoji_and_control_characters(phone: Phone) -> None:
    assert phone.send("1") != ""
    assert phone.send("RF101\x00\x07") == texts.ask_what_happened()
    phone.send("😡😡 boss 🙏\x00\x1b[31m red\x7f")
    phone.send("SEND")
    complaint = Complaint.objects.get()
    assert complaint.description == "😡😡 boss 🙏[31m red"


@pytest.mark.parametrize("missing", ["MessageSid", "From"])
def test_missing_fields_are_a_bad_request(missing: str) -> None:
    fields = twilio_fields("+12025550120", "hello")
    del fields[missing]
    fields.pop("SmsSid") if missing == "MessageSid" else None
    assert post(Client(), fields).status_code == 400


def test_a_from_that_is_not_a_phone_number_is_a_bad_request() -> None:
    assert post(Client(), twilio_fields("not-a-number", "hello")).status_code == 400


def test_missing_body_is_an_empty_message() -> None:
    fields = twilio_fields("+12025550121", "")
    del fields["Body"]
    assert replies_of(post(Client(), fields)) == [texts.LANGUAGE_MENU]


def test_an_unknown_content_type_is_refused() -> None:
    fields = twilio_fields("+12025550122", "hello")
    import json

    response = Client().post(INBOUND, data=json.dumps(fields), content_type="application/json",
                             HTTP_X_TWILIO_SIGNATURE=sign(fields))  # fmt: skip
    assert response.status_code == 415
    response = Client().generic("POST", INBOUND, b"\xff\xfe garbage", content_type="text/plain")
    assert response.status_code == 415


@pytest.mark.parametrize("path", [INBOUND, STATUS])
def test_get_is_not_allowed(path: str) -> None:
    assert Client().get(path).status_code == 405


def test_a_bad_num_media_is_ignored(phone: Phone) -> None:
    fields = twilio_fields(phone.number, "hello")
    fields["NumMedia"] = "lots"
    assert post(Client(), fields).status_code == 200


def test_arbitrary_form_data_never_gives_a_500() -> None:
    """A seeded fuzz: random field names and values (unicode, controls, huge), signed and unsigned."""
    rng = random.Random(20240601)
    alphabet = string.printable + "ñèòবাংলা😡\x00\x01\u200b\ufeff"
    names = ["MessageSid", "From", "Body", "NumMedia", "MediaUrl0", "MediaContentType0", "SmsSid", "To", "X"]
    client = Client()
    for _ in range(150):
        fields: dict[str, Any] = {}
        for name in rng.sample(names, rng.randint(0, len(names))):
            size = rng.choice([0, 1, 5, 40, 300, 5000])
            fields[name] = "".join(rng.choice(alphabet) for _ in range(size))
        if rng.random() < 0.5:
            fields["MessageSid"] = sid()
            fields["From"] = rng.choice(["+12025550130", "+8801711000000", "123", ""])
        signed = rng.random() < 0.8
        response = client.post(
            INBOUND, data=urlencode(fields), content_type="application/x-www-form-urlencoded",
            HTTP_X_TWILIO_SIGNATURE=sign(fields) if signed else "x",
        )  # fmt: skip
        assert response.status_code < 500, fields
        assert response.status_code in (200, 400, 403, 415)

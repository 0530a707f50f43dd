"""A captured, signed webhook cannot be replayed as a new message.

Twilio signs the URL followed by every field name and value with no separator, so moving a field's
name and value into the end of ``MessageSid`` (dropping the fields themselves) keeps the signature
valid under a sid never seen before. Only well-formed sids are accepted: ``SM`` or ``MM`` and 32
lowercase hex digits, with ``SmsSid`` / ``SmsMessageSid`` repeating ``MessageSid`` when present.
"""

from __future__ import annotations

import pytest
from django.test import Client

from complaints.choices import MessageKind
from complaints.models import Complaint, Message
from tests.complaints.sms.conftest import STATUS, post, sid, sign, twilio_fields

pytestmark = pytest.mark.usefixtures("world")
PHONE = "+12025550177"


def folded(fields: dict[str, str]) -> dict[str, str]:
    """The same signed string, cut differently: MessagingServiceSid and NumMedia moved into MessageSid."""
    assert fields["MessagingServiceSid"] == "" and fields["NumMedia"] == "0"
    refolded = {k: v for k, v in fields.items() if k not in {"MessagingServiceSid", "NumMedia"}}
    refolded["MessageSid"] = fields["MessageSid"] + "MessagingServiceSidNumMedia0"
    return refolded


def test_a_captured_webhook_refolded_into_a_new_sid_is_refused():
    original = twilio_fields(PHONE, "RF101 They kept our pay")
    signature = sign(original)
    replay = folded(original)
    assert sign(replay) == signature  # the attack: the captured signature still fits

    assert post(Client(), original, signature=signature).status_code == 200
    response = post(Client(), replay, signature=signature)

    assert response.status_code == 400
    assert Complaint.objects.count() == 1
    assert Message.objects.filter(kind=MessageKind.INBOUND).count() == 1


@pytest.mark.parametrize(
    "bad_sid",
    ["SM123", "XX" + "a" * 32, "SM" + "A" * 32, "SM" + "a" * 33, "SM" + "a" * 31 + "\x00", "SM" + "a" * 32 + "\n"],
    ids=["short", "prefix", "upper-case", "long", "nul", "newline"],
)
def test_a_malformed_message_sid_is_refused_even_when_signed(bad_sid):
    fields = twilio_fields(PHONE, "RF101 They kept our pay", message_sid=bad_sid)
    assert post(Client(), fields).status_code == 400
    assert not Message.objects.exists()


def test_an_sms_sid_that_differs_from_the_message_sid_is_refused():
    fields = {**twilio_fields(PHONE, "RF101 They kept our pay"), "SmsSid": sid()}
    assert post(Client(), fields).status_code == 400
    assert not Message.objects.exists()


def test_a_well_formed_mms_sid_is_accepted():
    mms_sid = "MM" + sid()[2:]
    assert post(Client(), twilio_fields(PHONE, "RF101 They kept our pay", message_sid=mms_sid)).status_code == 200
    assert Message.objects.get(kind=MessageKind.INBOUND).twilio_sid == mms_sid


def test_a_nul_in_a_status_callback_sid_is_a_400():
    fields = {"MessageSid": "SM\x00" + "a" * 31, "MessageStatus": "delivered", "AccountSid": "AC" + "1" * 32}
    assert post(Client(), fields, path=STATUS).status_code == 400

"""``POST /sms/twilio/status/``: signed, forward-only, 200 for unknown SIDs."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from complaints.choices import DeliveryStatus
from complaints.models import Complaint
from complaints.services import complainant_for_phone
from complaints.sms.services import sms_deliver_now, sms_send
from tests.complaints.sms.conftest import ACCOUNT_SID, STATUS, post

pytestmark = pytest.mark.usefixtures("world")


def callback(message_sid: str, status: str, error: str = "") -> dict[str, str]:
    fields = {
        "MessageSid": message_sid, "SmsSid": message_sid, "MessageStatus": status, "SmsStatus": status,
        "AccountSid": ACCOUNT_SID, "To": "+12025550150", "From": "+18135550100", "ApiVersion": "2010-04-01",
    }  # fmt: skip
    if error:
        fields["ErrorCode"] = error
    return fields


def sent_message() -> Any:
    complainant = complainant_for_phone(phone="+12025550150")
    message = sms_send(complainant=complainant, complaint=None, body="Hello")
    sms_deliver_now(message_id=message.pk)
    message.refresh_from_db()
    assert message.twilio_sid
    return message


def test_status_moves_forward_only() -> None:
    message = sent_message()
    for status in ["sent", "delivered", "sent", "queued"]:
        response = post(Client(), callback(message.twilio_sid, status), path=STATUS)
        assert response.status_code == 200
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.DELIVERED


def test_unknown_sid_and_unknown_status_answer_200() -> None:
    assert post(Client(), callback("SM" + "f" * 32, "delivered"), path=STATUS).status_code == 200
    message = sent_message()
    assert post(Client(), callback(message.twilio_sid, "weird"), path=STATUS).status_code == 200


def test_opted_out_error_marks_the_worker() -> None:
    message = sent_message()
    post(Client(), callback(message.twilio_sid, "failed", "21610"), path=STATUS)
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.FAILED and message.complainant.opted_out
    assert not Complaint.objects.exists()

"""Outbound SMS: recorded before sending, sent once, retried only when it can help (only Twilio's
HTTP is faked: the real ``twilio`` client builds the request and parses the answer)."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from django.db import connection
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response

from complaints.choices import DeliveryStatus, Language
from complaints.models import Complainant
from complaints.services import complainant_for_phone
from complaints.sms.backends import MemoryBackend, SmsError
from complaints.sms.services import sms_deliver_now, sms_send, sms_status_record
from wsr.outbox.models import OutboxEntry

PHONE = "+15555550199"


@pytest.fixture
def worker(db: None) -> Complainant:
    return complainant_for_phone(phone=PHONE, language=Language.HT)


@pytest.fixture(autouse=True)
def _memory_backend(settings: Any) -> Any:
    settings.SMS_BACKEND = "memory"
    MemoryBackend.reset()
    yield
    MemoryBackend.reset()


@pytest.mark.django_db
def test_a_message_is_recorded_with_an_outbox_row_before_anything_is_sent(worker):
    message = sms_send(complainant=worker, complaint=None, body="Bonjou")
    assert message.delivery_status == DeliveryStatus.RECORDED
    assert message.language == Language.HT
    entry = OutboxEntry.objects.get()
    assert entry.task == "complaints.sms.tasks.sms_deliver"
    assert entry.kwargs == {"message_id": message.pk}
    assert MemoryBackend.sent == []


@pytest.mark.django_db
def test_an_opted_out_worker_gets_nothing_and_the_case_shows_it(worker):
    worker.opted_out = True
    worker.save(update_fields=["opted_out"])
    message = sms_send(complainant=worker, complaint=None, body="Bonjou")
    assert message.delivery_status == DeliveryStatus.SUPPRESSED
    assert not OutboxEntry.objects.exists()
    sms_deliver_now(message_id=message.pk)
    assert MemoryBackend.sent == []


@pytest.mark.django_db
def test_delivering_twice_sends_once(worker):
    message = sms_send(complainant=worker, complaint=None, body="Bonjou")
    sms_deliver_now(message_id=message.pk)
    sms_deliver_now(message_id=message.pk)
    assert [(s.to, s.body) for s in MemoryBackend.sent] == [(PHONE, "Bonjou")]
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.QUEUED
    assert message.twilio_sid == MemoryBackend.sent[0].sid


@pytest.mark.django_db(transaction=True)
def test_two_workers_delivering_the_same_message_at_once_send_it_once(worker):
    message = sms_send(complainant=worker, complaint=None, body="Bonjou")
    barrier = threading.Barrier(4)

    def deliver() -> None:
        barrier.wait()
        try:
            sms_deliver_now(message_id=message.pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(MemoryBackend.sent) == 1


@pytest.mark.django_db
def test_a_transient_error_keeps_the_message_for_a_retry_which_sends_it(worker):
    message = sms_send(complainant=worker, complaint=None, body="Bonjou")
    MemoryBackend.fail_with.append(SmsError("timeout"))
    with pytest.raises(SmsError):
        sms_deliver_now(message_id=message.pk)
    message.refresh_from_db()
    assert (message.delivery_status, message.attempts, message.error_message) == (DeliveryStatus.RECORDED, 1, "timeout")
    sms_deliver_now(message_id=message.pk)
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.QUEUED and message.attempts == 2
    assert len(MemoryBackend.sent) == 1


@pytest.mark.django_db
def test_twilio_saying_the_worker_opted_out_marks_her_and_stops(worker):
    message = sms_send(complainant=worker, complaint=None, body="Bonjou")
    MemoryBackend.fail_with.append(SmsError("Attempt to send to unsubscribed recipient", code="21610", permanent=True))
    sms_deliver_now(message_id=message.pk)  # no exception: no retry
    message.refresh_from_db()
    worker.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.FAILED and message.error_code == "21610"
    assert worker.opted_out
    assert sms_send(complainant=worker, complaint=None, body="again").delivery_status == DeliveryStatus.SUPPRESSED


@pytest.mark.django_db
def test_status_callbacks_only_move_forward_and_ignore_unknown_messages(worker):
    message = sms_send(complainant=worker, complaint=None, body="Bonjou")
    sms_deliver_now(message_id=message.pk)
    message.refresh_from_db()
    assert sms_status_record(sid=message.twilio_sid, status="delivered")
    assert not sms_status_record(sid=message.twilio_sid, status="sent")  # late, out of order
    assert not sms_status_record(sid="SMdoesnotexist", status="delivered")
    assert not sms_status_record(sid=message.twilio_sid, status="nonsense")
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.DELIVERED


# --- The Twilio backend, with only the HTTP call faked ----------------------------------------------


class FakeTwilioHttp:
    """Stands in for Twilio's servers: records each request and answers with ``answer``."""

    def __init__(self, monkeypatch: Any, status: int, payload: dict[str, Any]) -> None:
        self.requests: list[dict[str, Any]] = []
        self.status, self.payload = status, payload
        monkeypatch.setattr(TwilioHttpClient, "request", self.request)

    def request(self, method: str, url: str, params: Any = None, data: Any = None, **kwargs: Any) -> Response:
        self.requests.append({"method": method, "url": url, "data": data, "auth": kwargs.get("auth")})
        return Response(self.status, json.dumps(self.payload))


@pytest.fixture
def twilio_settings(settings: Any) -> Any:
    settings.SMS_BACKEND = "twilio"
    settings.TWILIO_ACCOUNT_SID = "AC" + "1" * 32
    settings.TWILIO_AUTH_TOKEN = "token"
    settings.TWILIO_FROM_NUMBER = "+15550001111"
    settings.PUBLIC_BASE_URL = "https://hotline.example.org"
    return settings


@pytest.mark.django_db
def test_the_twilio_backend_posts_the_message_with_our_status_callback(worker, twilio_settings, monkeypatch):
    sid = "SM" + "a" * 32
    fake = FakeTwilioHttp(monkeypatch, 201, {"sid": sid, "status": "queued", "account_sid": "AC" + "1" * 32})
    message = sms_send(complainant=worker, complaint=None, body="Bonjou")
    sms_deliver_now(message_id=message.pk)
    [request] = fake.requests
    assert request["method"] == "POST" and request["url"].endswith("/Accounts/AC" + "1" * 32 + "/Messages.json")
    assert request["data"]["To"] == PHONE and request["data"]["From"] == "+15550001111"
    assert request["data"]["StatusCallback"] == "https://hotline.example.org/sms/twilio/status/"
    message.refresh_from_db()
    assert message.twilio_sid == sid and message.delivery_status == DeliveryStatus.QUEUED


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "code", "retried", "opted_out"),
    [(429, 20429, True, False), (503, 20500, True, False), (400, 21211, False, False), (400, 21610, False, True)],
)
def test_the_twilio_backend_retries_only_what_can_succeed_later(
    worker, twilio_settings, monkeypatch, status, code, retried, opted_out
):
    FakeTwilioHttp(monkeypatch, status, {"code": code, "message": "refused", "status": status})
    message = sms_send(complainant=worker, complaint=None, body="Bonjou")
    if retried:
        with pytest.raises(SmsError):
            sms_deliver_now(message_id=message.pk)
    else:
        sms_deliver_now(message_id=message.pk)
    message.refresh_from_db()
    worker.refresh_from_db()
    assert message.delivery_status == (DeliveryStatus.RECORDED if retried else DeliveryStatus.FAILED)
    assert message.error_code == str(code)
    assert worker.opted_out is opted_out
    assert PHONE not in message.error_message


@pytest.mark.django_db
def test_a_provider_error_quoting_the_number_is_stored_without_it(worker):
    message = sms_send(complainant=worker, complaint=None, body="Bonjou")
    MemoryBackend.fail_with.append(
        SmsError(f"The 'To' number {PHONE} is not a valid phone number.", code="21211", permanent=True)
    )
    sms_deliver_now(message_id=message.pk)
    message.refresh_from_db()
    assert message.error_message == "The 'To' number [number] is not a valid phone number."
    assert "5550199" not in message.error_message


@pytest.mark.django_db
def test_the_twilio_backend_keeps_the_number_out_of_its_errors(worker, twilio_settings, monkeypatch):
    FakeTwilioHttp(monkeypatch, 400, {"code": 21211, "message": f"The 'To' number {PHONE} is not valid", "status": 400})
    message = sms_send(complainant=worker, complaint=None, body="Bonjou")
    sms_deliver_now(message_id=message.pk)
    message.refresh_from_db()
    assert message.error_code == "21211" and "5550199" not in message.error_message

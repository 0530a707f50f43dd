"""Outbound SMS: recorded before sending, sent once, retried only when it can help (only Twilio's
HTTP is faked: the real ``twilio`` client builds the request and parses the answer)."""

from __future__ import annotations

import json
import logging
import threading
from datetime import timedelta
from email.utils import format_datetime
from typing import Any

import pytest
import requests
from django.db import connection, connections
from django.utils import timezone
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response

from complaints.choices import DeliveryStatus, Language
from complaints.models import Complainant, Message
from complaints.services import complainant_for_phone
from complaints.sms.backends import MemoryBackend, SmsError, TwilioBackend
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
    busy: list[SmsError] = []

    def deliver() -> None:
        barrier.wait()
        try:
            sms_deliver_now(message_id=message.pk)
        except SmsError as exc:  # another attempt holds it: the task retries later
            busy.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(MemoryBackend.sent) == 1
    assert all(not exc.permanent for exc in busy)


@pytest.mark.django_db(transaction=True)
def test_the_claim_is_committed_before_the_provider_is_called(worker, monkeypatch):
    # What another process sees while the provider has the message: a crash now must leave a trace.
    message = sms_send(complainant=worker, complaint=None, body="Bonjou")
    seen: list[tuple[str, int]] = []
    send = MemoryBackend.send

    def look_from_elsewhere(self: MemoryBackend, **kwargs: Any) -> Any:
        elsewhere = connections.create_connection("default")
        try:
            with elsewhere.cursor() as cursor:
                cursor.execute("SELECT delivery_status, attempts FROM complaints_message WHERE id = %s", [message.pk])
                seen.append(cursor.fetchone())
        finally:
            elsewhere.close()
        return send(self, **kwargs)

    monkeypatch.setattr(MemoryBackend, "send", look_from_elsewhere)
    sms_deliver_now(message_id=message.pk)
    assert seen == [(DeliveryStatus.SENDING, 1)]
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.QUEUED and message.claimed_at is not None


def interrupted(message: Message, *, seconds_ago: float) -> None:
    """As a worker that claimed ``message`` and died before recording the provider's answer leaves it."""
    Message.objects.filter(pk=message.pk).update(
        delivery_status=DeliveryStatus.SENDING, attempts=1, claimed_at=timezone.now() - timedelta(seconds=seconds_ago)
    )


@pytest.mark.django_db
def test_an_interrupted_send_the_provider_took_is_recorded_and_not_sent_again(worker):
    message = sms_send(complainant=worker, complaint=None, body="Bonjou")
    other = sms_send(complainant=worker, complaint=None, body="Another text")
    MemoryBackend().send(to=PHONE, body="Another text")  # to the same phone, not this message
    MemoryBackend().send(to=PHONE, body="Bonjou")  # the provider took it; then the worker died
    interrupted(message, seconds_ago=60)

    sms_deliver_now(message_id=message.pk)

    assert [sms.body for sms in MemoryBackend.sent] == ["Another text", "Bonjou"]
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.QUEUED
    assert message.twilio_sid == MemoryBackend.sent[1].sid
    other.refresh_from_db()
    assert other.delivery_status == DeliveryStatus.RECORDED


@pytest.mark.django_db
def test_an_interrupted_send_the_provider_never_got_is_sent(worker):
    message = sms_send(complainant=worker, complaint=None, body="Bonjou")
    interrupted(message, seconds_ago=60)
    sms_deliver_now(message_id=message.pk)
    assert [sms.body for sms in MemoryBackend.sent] == ["Bonjou"]
    message.refresh_from_db()
    assert (message.delivery_status, message.attempts) == (DeliveryStatus.QUEUED, 2)


@pytest.mark.django_db
def test_two_identical_texts_interrupted_are_each_matched_to_their_own_provider_message(worker):
    first = sms_send(complainant=worker, complaint=None, body="HELP: text STATUS and your case number")
    second = sms_send(complainant=worker, complaint=None, body="HELP: text STATUS and your case number")
    MemoryBackend().send(to=PHONE, body=first.body)
    MemoryBackend().send(to=PHONE, body=second.body)
    interrupted(first, seconds_ago=60)
    interrupted(second, seconds_ago=60)
    sms_deliver_now(message_id=first.pk)
    sms_deliver_now(message_id=second.pk)
    first.refresh_from_db()
    second.refresh_from_db()
    assert len(MemoryBackend.sent) == 2
    assert {first.twilio_sid, second.twilio_sid} == {sms.sid for sms in MemoryBackend.sent}


@pytest.mark.django_db
def test_an_interrupted_send_is_looked_up_only_once_the_provider_had_time_to_take_it(worker, settings):
    settings.SMS_RECONCILE_AFTER_SECONDS = 30
    message = sms_send(complainant=worker, complaint=None, body="Bonjou")
    interrupted(message, seconds_ago=5)
    with pytest.raises(SmsError) as raised:
        sms_deliver_now(message_id=message.pk)
    assert not raised.value.permanent
    assert MemoryBackend.sent == []
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.SENDING


@pytest.mark.django_db
def test_a_timeout_after_the_provider_took_the_message_does_not_send_it_twice(worker, settings):
    message = sms_send(complainant=worker, complaint=None, body="Bonjou")
    MemoryBackend.fail_with.append(SmsError("ReadTimeout", maybe_sent=True))  # taken, answer lost
    with pytest.raises(SmsError):
        sms_deliver_now(message_id=message.pk)
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.SENDING

    settings.SMS_RECONCILE_AFTER_SECONDS = 0  # the retry comes once the provider had time
    sms_deliver_now(message_id=message.pk)
    assert len(MemoryBackend.sent) == 1
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.QUEUED and message.twilio_sid == MemoryBackend.sent[0].sid


@pytest.mark.django_db
def test_a_message_not_sent_within_the_give_up_time_is_marked_failed_not_sent(worker, settings):
    message = sms_send(complainant=worker, complaint=None, body="Your case is closed")
    Message.objects.filter(pk=message.pk).update(
        created_at=timezone.now() - timedelta(hours=settings.SMS_OUTBOUND_GIVE_UP_HOURS, minutes=1)
    )
    sms_deliver_now(message_id=message.pk)
    assert MemoryBackend.sent == []
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.FAILED
    assert message.error_message == "not sent in time; gave up"


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
        self.requests.append({"method": method, "url": url, "data": data, "params": params, "auth": kwargs.get("auth")})
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


def twilio_page(*messages: dict[str, Any]) -> dict[str, Any]:
    uri = "/2010-04-01/Accounts/AC" + "1" * 32 + "/Messages.json"
    return {
        "messages": list(messages), "page": 0, "page_size": 50, "start": 0, "end": len(messages) - 1, "uri": uri,
        "first_page_uri": uri, "next_page_uri": None, "previous_page_uri": None,
    }  # fmt: skip


def twilio_message(sid: str, body: str, *, minutes_ago: float = 0) -> dict[str, Any]:
    created = format_datetime(timezone.now() - timedelta(minutes=minutes_ago))
    return {"sid": sid, "status": "sent", "body": body, "to": PHONE, "from": "+15550001111", "date_created": created}


@pytest.mark.django_db
def test_the_twilio_backend_finds_an_interrupted_send_in_twilio_s_message_list(worker, twilio_settings, monkeypatch):
    sid = "SM" + "b" * 32
    fake = FakeTwilioHttp(
        monkeypatch, 200,
        twilio_page(twilio_message("SM" + "c" * 32, "Bonjou", minutes_ago=60 * 24), twilio_message(sid, "Bonjou")),
    )  # fmt: skip
    message = sms_send(complainant=worker, complaint=None, body="Bonjou")
    interrupted(message, seconds_ago=60)
    sms_deliver_now(message_id=message.pk)
    [request] = fake.requests  # a lookup, no new message
    assert request["method"] == "GET" and request["url"].endswith("/Messages.json")
    assert (request["params"]["To"], request["params"]["From"]) == (PHONE, "+15550001111")
    message.refresh_from_db()
    assert (message.twilio_sid, message.delivery_status) == (sid, DeliveryStatus.SENT)


@pytest.mark.django_db
def test_looking_up_twilio_s_message_list_never_logs_the_worker_s_number(worker, twilio_settings, monkeypatch, caplog):
    def answer(self: requests.Session, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        response = requests.Response()
        response.status_code = 200
        response._content = json.dumps(twilio_page()).encode()
        response.request = request
        return response

    monkeypatch.setattr(requests.Session, "send", answer)
    with caplog.at_level(logging.DEBUG):
        found = TwilioBackend().sent_to(to=PHONE, since=timezone.now())
    assert found == []
    assert caplog.records  # the client did log its request...
    assert "5550199" not in caplog.text  # ...never with the number

"""An outbound SMS is sent exactly once when the worker sending it is SIGKILLed (issue 9, item 1).

Real ``celery worker`` and ``celery beat`` processes, real PostgreSQL and Redis; only Twilio's HTTP
API is a fake (``fakes.FakeTwilio``), which records every message it accepts.
"""

from __future__ import annotations

import time

import pytest
from django.db import transaction

from complaints.models import Message
from complaints.services import complainant_for_phone
from complaints.sms.services import sms_send
from tests.faults.conftest import Processes
from tests.faults.fakes import FakeTwilio
from tests.network.conftest import wait_until

pytestmark = [pytest.mark.faults, pytest.mark.timeout(150)]


def send_texts(count: int) -> list[Message]:
    """``count`` outbound SMS to different workers, committed (and so published) at once."""
    with transaction.atomic():
        return [
            sms_send(
                complainant=complainant_for_phone(phone=f"+120255501{n:02d}"),
                complaint=None,
                body=f"Case WSR-{n:02d}: we received your complaint and will answer soon.",
            )
            for n in range(count)
        ]


def every_message_recorded_as_sent(messages: list[Message]) -> bool:
    return Message.objects.filter(pk__in=[m.pk for m in messages], twilio_sid__isnull=False).count() == len(messages)


def assert_each_sent_once(messages: list[Message], fake_twilio: FakeTwilio) -> None:
    bodies = fake_twilio.bodies()
    assert {m.body: bodies[m.body] for m in messages} == {m.body: 1 for m in messages}, "a worker got a text twice"
    for message in messages:
        message.refresh_from_db()
        assert message.twilio_sid == fake_twilio.sid_of(message.body)


def test_an_sms_the_provider_accepted_is_not_sent_again_after_the_worker_is_killed(
    processes: Processes, fake_twilio: FakeTwilio
) -> None:
    started = time.monotonic()
    fake_twilio.hold = 2  # Twilio accepts the first two messages, then answers only once released
    messages = send_texts(4)
    worker = processes.start_worker(concurrency=2)
    wait_until(lambda: fake_twilio.accepted() >= 2, what="Twilio to accept two messages")

    processes.kill(worker)  # SIGKILL: main process and pool, before either answer came back
    fake_twilio.release()
    assert fake_twilio.accepted() == 2

    processes.start_worker(concurrency=2)
    processes.start_beat()
    wait_until(lambda: every_message_recorded_as_sent(messages), what="every SMS recorded as sent", timeout=75)
    time.sleep(3)  # any second send would come now
    assert_each_sent_once(messages, fake_twilio)
    assert time.monotonic() - started < 100


def test_killing_the_pool_in_the_middle_of_slow_provider_calls_sends_each_sms_once(
    processes: Processes, fake_twilio: FakeTwilio
) -> None:
    started = time.monotonic()
    fake_twilio.latency = 2.0  # Twilio accepts at once and answers 2 s later
    messages = send_texts(8)  # four rounds of two calls: room for three kills mid-call
    processes.start_beat()
    worker = processes.start_worker(concurrency=2)

    kills = 0
    deadline = time.monotonic() + 90
    while not every_message_recorded_as_sent(messages):
        assert time.monotonic() < deadline, f"not every SMS was recorded as sent ({kills} pool kills)"
        if kills < 3 and fake_twilio.mid_call(for_at_least=0.5):
            kills += processes.kill_pool(worker) and 1
            time.sleep(0.5)  # the worker notices and starts a new pool
        time.sleep(0.05)
    time.sleep(3)  # any second send would come now
    assert kills == 3
    assert_each_sent_once(messages, fake_twilio)
    assert time.monotonic() - started < 120

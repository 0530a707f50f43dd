"""Work handed to Redis is done even if Redis then loses its data (issue 9, item 3).

Every kind of outbox work is published (an acknowledgement SMS, an MMS download, notification
e-mails), then this test run's own Redis database is flushed before any worker took it. Real worker
and beat processes must still do each piece of work: the SMS and the e-mails once, the photo stored once.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
import redis
from django.conf import settings
from django.db import transaction

from complaints.choices import MessageKind
from complaints.models import Attachment, Complaint, Message
from tests.complaints.sms.conftest import ACCOUNT_SID, Phone
from tests.faults.conftest import Processes
from tests.faults.fakes import FakeSmtp, FakeTwilio
from tests.network.conftest import wait_until
from wsr.network.services import notify_users
from wsr.outbox.models import OutboxEntry

pytestmark = [pytest.mark.faults, pytest.mark.timeout(150)]

MEDIA_PATH = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/MM{'1' * 32}/Media/ME{'2' * 32}"
PHOTO = b"\xff\xd8\xff\xe0" + b"payslip" * 500


def test_work_published_before_redis_lost_its_data_is_done_once_workers_come_back(
    world: Any, processes: Processes, fake_twilio: FakeTwilio, fake_smtp: FakeSmtp
) -> None:
    started = time.monotonic()
    fake_twilio.media[MEDIA_PATH] = (PHOTO, "image/jpeg")
    phone = Phone("+12025550123")
    phone.send("RF101 They kept our pay for two weeks", media=((f"https://api.twilio.com{MEDIA_PATH}", "image/jpeg"),))
    complaint = Complaint.objects.get()
    with transaction.atomic():
        notify_users(users=[world.lead, world.investigator], subject="New complaint", body="A complaint was filed.")

    # Published: Redis holds the tasks, and the outbox believes them delivered.
    wait_until(lambda: not OutboxEntry.objects.filter(published_at=None).exists(), what="the outbox to publish")
    tasks = sorted(OutboxEntry.objects.values_list("task", flat=True))
    assert tasks == [
        "complaints.sms.tasks.sms_deliver", "complaints.sms.tasks.sms_media_fetch",
        "wsr.network.tasks.notification_email_send", "wsr.network.tasks.notification_email_send",
    ]  # fmt: skip
    broker = redis.Redis.from_url(settings.REDIS_URL)
    assert broker.llen("celery") == 4
    broker.flushdb()  # Redis restarted without persistence, failed over, or evicted: the tasks are gone
    broker.close()

    processes.start_worker(concurrency=2)
    processes.start_beat()

    acknowledgement = Message.objects.get(complaint=complaint, kind=MessageKind.OUTBOUND)
    attachment = Attachment.objects.get(complaint=complaint)
    wait_until(
        lambda: Message.objects.filter(pk=acknowledgement.pk, twilio_sid__isnull=False).exists(),
        what="the acknowledgement SMS to be sent",
        timeout=75,
    )
    wait_until(lambda: Attachment.objects.filter(pk=attachment.pk).exclude(fetched_at=None).exists(), what="the MMS")
    wait_until(
        lambda: set(fake_smtp.by_recipient()) == {world.lead.email, world.investigator.email},
        what="both notification e-mails",
    )
    time.sleep(3)  # any second run would show now
    assert fake_twilio.bodies() == {acknowledgement.body: 1}
    assert set(fake_twilio.media_requests) == {MEDIA_PATH}  # at least once (two runs at once may both fetch)
    attachment.refresh_from_db()
    assert attachment.file.read() == PHOTO  # stored once
    assert {len(received) for received in fake_smtp.by_recipient().values()} == {1}
    assert time.monotonic() - started < 100

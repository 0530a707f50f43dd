"""A notification e-mail is sent even when the worker sending it is SIGKILLed (issue 9, item 2).

Real worker and beat processes; the SMTP server is a fake that keeps what it receives.
"""

from __future__ import annotations

import time

import pytest
from django.db import transaction

from tests.conftest import make_user
from tests.faults.conftest import Processes
from tests.faults.fakes import FakeSmtp
from tests.network.conftest import wait_until
from wsr.network.models import Notification
from wsr.network.services import notify_users

pytestmark = [pytest.mark.faults, pytest.mark.timeout(150)]


def test_notification_emails_interrupted_by_a_worker_kill_are_sent_afterwards(
    processes: Processes, fake_smtp: FakeSmtp
) -> None:
    started = time.monotonic()
    users = [make_user(f"buyer-{n}") for n in range(5)]
    fake_smtp.hold = 2  # the first two connections wait for their greeting: the kill comes first
    with transaction.atomic():
        notifications = notify_users(users=users, subject="Supplier suspended", body="Sunrise Farms is suspended.")
    worker = processes.start_worker(concurrency=2)
    wait_until(lambda: fake_smtp.waiting() == 2, what="two e-mails to be in the middle of sending")

    processes.kill(worker)
    fake_smtp.release()
    processes.start_worker(concurrency=2)
    processes.start_beat()

    addresses = {user.email for user in users}
    wait_until(lambda: set(fake_smtp.by_recipient()) == addresses, what="an e-mail to every user", timeout=75)
    wait_until(
        lambda: not Notification.objects.filter(pk__in=[n.pk for n in notifications], emailed_at=None).exists(),
        what="every notification recorded as e-mailed",
    )
    time.sleep(3)  # any repeat would come now
    for address, received in fake_smtp.by_recipient().items():
        # At least once; a repeat (a worker killed between the server's acceptance and the record)
        # carries the same Message-ID, so mail clients show it once.
        assert len({message["Message-ID"] for message in received}) == 1, address
        assert received[0]["Subject"] == "Supplier suspended"
    assert time.monotonic() - started < 100

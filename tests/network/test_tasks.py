"""Background work is queued only after commit, and a real Celery worker runs it (SPEC 5, STYLE)."""

from __future__ import annotations

import time

import pytest
from django.core import mail
from django.db import connections, transaction

from tests.network.conftest import wait_until
from wsr.network.models import Notification
from wsr.network.services import NotificationBusy, notification_email_deliver
from wsr.network.tasks import notification_email_send
from wsr.outbox.services import outbox_enqueue

pytestmark = pytest.mark.django_db(transaction=True)


def _subjects() -> list[str]:
    return sorted(message.subject for message in mail.outbox)


def test_a_task_queued_inside_a_rolled_back_transaction_never_runs(world, celery_worker):
    # The notification itself is committed, so the task would find it and e-mail it if it ever ran.
    orphan = Notification.objects.create(user=world.buyer_a_user, subject="Queued in a failed transaction")
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox_enqueue(notification_email_send, notification_id=orphan.pk)
        raise RuntimeError("the surrounding work failed")

    # A task queued afterwards by a committed transaction runs; the worker takes tasks in order, so
    # once it has run, the rolled-back one would have run before it.
    sentinel = Notification.objects.create(user=world.buyer_a_user, subject="Queued after commit")
    with transaction.atomic():
        outbox_enqueue(notification_email_send, notification_id=sentinel.pk)
    wait_until(lambda: _subjects() == ["Queued after commit"], what="the committed task's e-mail")
    time.sleep(0.3)

    assert _subjects() == ["Queued after commit"]
    orphan.refresh_from_db()
    assert orphan.emailed_at is None


def test_a_task_queued_in_a_rolled_back_savepoint_never_runs_while_the_outer_transaction_s_does(world, celery_worker):
    outer = Notification.objects.create(user=world.buyer_a_user, subject="Outer work")
    inner = Notification.objects.create(user=world.buyer_a_user, subject="Inner work that failed")
    with transaction.atomic():
        outbox_enqueue(notification_email_send, notification_id=outer.pk)
        with pytest.raises(RuntimeError), transaction.atomic():
            outbox_enqueue(notification_email_send, notification_id=inner.pk)
            raise RuntimeError("inner step failed")

    wait_until(lambda: _subjects() == ["Outer work"], what="the outer transaction's e-mail")
    time.sleep(0.3)
    assert _subjects() == ["Outer work"]
    inner.refresh_from_db()
    assert inner.emailed_at is None


def test_a_task_queued_in_a_transaction_waits_for_the_commit_and_then_runs_once(world, celery_worker):
    notification = Notification.objects.create(user=world.buyer_a_user, subject="Supplier suspended")
    with transaction.atomic():
        outbox_enqueue(notification_email_send, notification_id=notification.pk)
        time.sleep(0.5)  # a worker is listening, yet nothing has been sent before the commit
        assert mail.outbox == []

    wait_until(lambda: len(mail.outbox) == 1, what="the e-mail after commit")
    assert mail.outbox[0].to == [world.buyer_a_user.email]
    wait_until(
        lambda: Notification.objects.filter(pk=notification.pk, emailed_at__isnull=False).exists(),
        what="the notification recorded as e-mailed",
    )

    # Delivered twice (a redelivery after a lost acknowledgement): still one e-mail.
    notification_email_send.delay(notification_id=notification.pk)
    sentinel = Notification.objects.create(user=world.buyer_a_user, subject="Sentinel")
    notification_email_send.delay(notification_id=sentinel.pk)
    wait_until(lambda: len(mail.outbox) == 2, what="the sentinel e-mail")
    assert _subjects() == ["Sentinel", "Supplier suspended"]


def test_an_e_mail_whose_sending_was_never_recorded_goes_out_again_with_the_same_message_id(world, settings):
    settings.PUBLIC_BASE_URL = "https://wsr.example.org"
    notification = Notification.objects.create(user=world.buyer_a_user, subject="Supplier suspended")
    assert notification_email_deliver(notification_id=notification.pk)
    # The worker died after the SMTP server took it, before the commit: nothing says it was sent.
    Notification.objects.filter(pk=notification.pk).update(emailed_at=None)
    assert notification_email_deliver(notification_id=notification.pk)
    first, again = mail.outbox
    message_ids = {first.message()["Message-ID"], again.message()["Message-ID"]}
    assert message_ids == {f"<notification.{notification.uuid}@wsr.example.org>"}
    assert not notification_email_deliver(notification_id=notification.pk)  # recorded now: never a third
    assert len(mail.outbox) == 2


def test_an_e_mail_another_worker_is_sending_is_retried_later_not_skipped(world):
    notification = Notification.objects.create(user=world.buyer_a_user, subject="Supplier suspended")
    other = connections.create_connection("default")  # another worker, in the middle of sending it
    other.set_autocommit(False)
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT id FROM network_notification WHERE id = %s FOR UPDATE", [notification.pk])
        with pytest.raises(NotificationBusy):
            notification_email_deliver(notification_id=notification.pk)
    finally:
        other.rollback()
        other.close()
    assert mail.outbox == []
    assert notification_email_deliver(notification_id=notification.pk)


def test_a_failed_send_leaves_the_notification_to_be_sent_by_the_retry(world, settings):
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens: connection refused
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    notification = Notification.objects.create(user=world.buyer_a_user, subject="Supplier suspended")
    with pytest.raises(OSError):
        notification_email_deliver(notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.emailed_at is None

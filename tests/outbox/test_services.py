"""The outbox: published work is tracked until its task reports it done, and published again if not
(issue 9, item 3). Real Redis and, where a task must run, a real Celery worker."""

from __future__ import annotations

import base64
import json
import logging
from datetime import timedelta
from typing import Any

import pytest
import redis
from django.conf import settings
from django.core import mail
from django.db import connections, transaction
from django.utils import timezone

from tests.network.conftest import wait_until
from wsr.celery import app as celery_app
from wsr.network.models import Notification
from wsr.network.tasks import notification_email_send
from wsr.outbox.models import OutboxEntry
from wsr.outbox.services import OUTBOX_HEADER, outbox_enqueue, outbox_purge, outbox_relay


@pytest.fixture
def broker() -> Any:
    """This test run's own Redis database, emptied of queued tasks."""
    celery_app.control.purge()
    client = redis.Redis.from_url(settings.REDIS_URL)
    yield client
    client.close()
    celery_app.control.purge()


def queued(broker: Any) -> list[dict[str, Any]]:
    """The tasks waiting in Redis: name, kwargs and the outbox header of each."""
    found = []
    for raw in broker.lrange("celery", 0, -1):
        message = json.loads(raw)
        _, kwargs, _ = json.loads(base64.b64decode(message["body"]))
        found.append(
            {"task": message["headers"]["task"], "kwargs": kwargs, "outbox": message["headers"].get(OUTBOX_HEADER)}
        )
    return list(reversed(found))  # oldest first


def notification(world: Any, subject: str = "Supplier suspended") -> Notification:
    return Notification.objects.create(user=world.buyer_a_user, subject=subject)


@pytest.mark.django_db
def test_a_published_row_names_itself_in_the_task_it_sends(world, broker):
    entry = outbox_enqueue(notification_email_send, notification_id=notification(world).pk)
    assert outbox_relay() == 1
    assert queued(broker) == [
        {
            "task": notification_email_send.name,
            "kwargs": {"notification_id": entry.kwargs["notification_id"]},
            "outbox": entry.pk,
        }
    ]
    entry.refresh_from_db()
    assert entry.published_at is not None and entry.done_at is None
    assert entry.republish_at == entry.published_at + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)


@pytest.mark.django_db
def test_a_row_published_but_not_done_within_its_lease_is_published_again_with_a_longer_lease(world, broker):
    entry = outbox_enqueue(notification_email_send, notification_id=notification(world).pk)
    outbox_relay()
    assert outbox_relay() == 0  # within its lease: nothing to do
    OutboxEntry.objects.filter(pk=entry.pk).update(republish_at=timezone.now() - timedelta(seconds=1))

    assert outbox_relay() == 1  # Redis lost it, or its worker died: out again
    entry.refresh_from_db()
    assert entry.publications == 2
    assert entry.republish_at - timezone.now() > timedelta(seconds=1.9 * settings.OUTBOX_LEASE_SECONDS)
    assert [task["outbox"] for task in queued(broker)] == [entry.pk, entry.pk]


@pytest.mark.django_db
def test_a_nudge_for_one_row_never_republishes_others(world, broker):
    old = outbox_enqueue(notification_email_send, notification_id=notification(world).pk)
    outbox_relay()
    OutboxEntry.objects.filter(pk=old.pk).update(republish_at=timezone.now() - timedelta(seconds=1))
    new = outbox_enqueue(notification_email_send, notification_id=notification(world, "Another").pk)
    assert outbox_relay(ids=[new.pk]) == 1
    assert [task["outbox"] for task in queued(broker)] == [old.pk, new.pk]


@pytest.mark.django_db
def test_a_row_never_done_is_given_up_after_the_give_up_time_and_logged(world, broker, caplog):
    entry = outbox_enqueue(notification_email_send, notification_id=notification(world).pk)
    outbox_relay()
    OutboxEntry.objects.filter(pk=entry.pk).update(
        created_at=timezone.now() - timedelta(hours=settings.OUTBOX_GIVE_UP_HOURS, minutes=1),
        republish_at=timezone.now() - timedelta(seconds=1),
    )
    with caplog.at_level(logging.ERROR, logger="wsr.outbox.services"):
        assert outbox_relay() == 0
    entry.refresh_from_db()
    assert entry.done_at is not None and entry.last_error.startswith("gave up")
    assert notification_email_send.name in caplog.text


@pytest.mark.django_db
def test_purging_forgets_rows_done_a_week_ago_and_keeps_work_not_done(world):
    done = outbox_enqueue(notification_email_send, notification_id=1)
    undone = outbox_enqueue(notification_email_send, notification_id=2)
    long_ago = timezone.now() - timedelta(days=8)
    OutboxEntry.objects.filter(pk=done.pk).update(published_at=long_ago, done_at=long_ago)
    OutboxEntry.objects.filter(pk=undone.pk).update(published_at=long_ago)
    assert outbox_purge() == 1
    assert list(OutboxEntry.objects.values_list("pk", flat=True)) == [undone.pk]


@pytest.mark.django_db(transaction=True)
def test_a_task_marks_its_row_done_when_it_returns_and_the_sweep_leaves_it_alone(world, celery_worker):
    with transaction.atomic():
        entry = outbox_enqueue(notification_email_send, notification_id=notification(world).pk)
    wait_until(lambda: OutboxEntry.objects.filter(pk=entry.pk, done_at__isnull=False).exists(), what="the row done")
    assert len(mail.outbox) == 1
    OutboxEntry.objects.filter(pk=entry.pk).update(republish_at=timezone.now() - timedelta(seconds=1))
    assert outbox_relay() == 0


@pytest.mark.django_db(transaction=True)
def test_a_task_that_retries_postpones_its_republication_past_its_countdown_then_marks_it_done(world, celery_worker):
    held = notification(world)
    # Another worker is e-mailing it (its row lock is held): the task retries instead of skipping it.
    other = connections.create_connection("default")
    other.set_autocommit(False)
    with other.cursor() as cursor:
        cursor.execute("SELECT id FROM network_notification WHERE id = %s FOR UPDATE", [held.pk])
    try:
        with transaction.atomic():
            entry = outbox_enqueue(notification_email_send, notification_id=held.pk)
        wait_until(
            lambda: (
                OutboxEntry.objects.get(pk=entry.pk).publications == 1
                and OutboxEntry.objects.get(pk=entry.pk).republish_at
                > OutboxEntry.objects.get(pk=entry.pk).published_at + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
            ),
            what="the retry to postpone republication",
        )
        assert mail.outbox == []
    finally:
        other.rollback()
        other.close()
    wait_until(lambda: OutboxEntry.objects.filter(pk=entry.pk, done_at__isnull=False).exists(), what="the retry done")
    assert [m.subject for m in mail.outbox] == ["Supplier suspended"]

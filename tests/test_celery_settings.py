"""Celery's timings agree with each other (issue 9, item 4; docs/reliability.md)."""

from __future__ import annotations

from django.conf import settings

from wsr.celery import app as celery_app


def longest_retry_countdown(task: object) -> float:
    if getattr(task, "retry_backoff", False):
        return float(getattr(task, "retry_backoff_max", 600))  # Celery's default cap
    return float(getattr(task, "default_retry_delay", 180))


def test_every_task_retries_within_the_longest_countdown_the_settings_allow():
    celery_app.loader.import_default_modules()
    retrying = {name: task for name, task in celery_app.tasks.items() if getattr(task, "autoretry_for", ())}
    assert {"complaints.sms.tasks.sms_deliver", "wsr.network.tasks.notification_email_send"} <= set(retrying)
    too_long = {name: longest_retry_countdown(task) for name, task in retrying.items()}
    assert {name: s for name, s in too_long.items() if s > settings.TASK_RETRY_BACKOFF_MAX} == {}


def test_redis_hands_a_dead_worker_s_tasks_on_after_the_longest_retry_and_run_and_within_a_quarter_hour():
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    # Shorter, and Redis would give a task to a second worker while the first holds it for its retry.
    assert visibility > settings.TASK_RETRY_BACKOFF_MAX + 2 * settings.CELERY_TASK_TIME_LIMIT
    # An hour was how long the reserved tasks of a killed worker used to wait.
    assert visibility <= 15 * 60


def test_the_outbox_lease_outlasts_a_task_and_gives_up_after_the_sms_does():
    assert settings.OUTBOX_LEASE_SECONDS > settings.CELERY_TASK_TIME_LIMIT
    # An unsent SMS is still tried after its own give-up time, so that it is marked failed, not left.
    assert settings.OUTBOX_GIVE_UP_HOURS > settings.SMS_OUTBOUND_GIVE_UP_HOURS

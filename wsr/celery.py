"""The Celery application: Redis broker, JSON only, late acknowledgement, one task at a time.

Tasks are written to the outbox table in the transaction that calls for them and published by a relay
(``wsr.outbox``), which publishes again a task not done within its lease. Every task is safe to run
twice: the relay publishes at least once, and Redis redelivers a task whose worker died before
acknowledging. What is guaranteed for each kind of work: docs/reliability.md.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wsr.settings")

app = Celery("wsr")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Task modules inside sub-packages of an app.
app.autodiscover_tasks(["complaints.sms"])

"""/healthz reports the database, Redis and a Celery worker; 503 names what failed (SPEC 5)."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_healthz_is_200_with_every_component_ok_when_a_worker_runs(celery_worker):
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok", "celery": "ok"}
    assert "no-cache" in response.headers["Cache-Control"]


def test_healthz_is_503_naming_celery_when_no_worker_answers(settings):
    settings.HEALTHZ_CELERY_TIMEOUT = 0.3
    response = Client().get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["celery"].startswith("error")
    assert body["database"] == body["redis"] == "ok"


def test_healthz_needs_no_login_and_answers_plain_http_without_redirect():
    # Load balancers probe it over HTTP inside the network; SECURE_SSL_REDIRECT exempts it.
    response = Client().get("/healthz", secure=False)
    assert response.status_code in (200, 503)
    assert response["Content-Type"] == "application/json"


def test_healthz_refuses_other_methods_without_error():
    assert Client().post("/healthz").status_code == 405

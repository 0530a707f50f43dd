"""Fixtures for the web intake tests: a clean cache (throttles, receipt flashes), uploads under a
temporary folder, signed-in staff with their second factor verified, and helpers to fill the forms."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from complaints.models import Complaint
from tests.complaints.workflow.conftest import make_case, standards, worker  # noqa: F401 (fixtures)

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _clean_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _memory_sms(settings: Any) -> None:
    settings.SMS_BACKEND = "memory"


def staff_client(user: Any) -> Client:
    """A client signed in as ``user`` with a verified second factor (as after the TOTP step)."""
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def png(name: str = "payslip.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG_BYTES, content_type="image/png")


def report_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "idempotency_key": str(uuid.uuid4()),
        "worksite_code": "RF101",
        "description": "The supervisor kept our overtime pay for two weeks.",
        "name": "",
        "phone": "",
    }
    data.update(overrides)
    return data


def shown_codes(html: str) -> tuple[str, str]:
    """The reference and receipt code a confirmation page shows."""
    reference = re.search(r'id="reference">([A-Z0-9]+)<', html)
    code = re.search(r'id="receipt-code">([A-Z0-9]+)<', html)
    assert reference and code, "the confirmation shows no reference and receipt code"
    return reference.group(1), code.group(1)


def file_complaint(client: Client, lang: str = "en", **overrides: Any) -> tuple[Complaint, str]:
    """File a complaint through /report/ and follow the redirect; returns it and its receipt code."""
    response = client.post(f"/report/?lang={lang}", report_data(**overrides))
    assert response.status_code == 302, response.content.decode()[:2000]
    done = client.get(response["Location"])
    reference, code = shown_codes(done.content.decode())
    return Complaint.objects.get(reference=reference), code

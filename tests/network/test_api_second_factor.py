"""The API asks program staff for the same second factor as the staff pages."""

from __future__ import annotations

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_token_throttle")]

TOKEN = "/api/v1/auth/token/"
CASES = "/api/v1/complaints/"


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_an_investigator_gets_no_token_with_her_password_alone(world):
    TOTPDevice.objects.create(user=world.investigator, name="phone", confirmed=True)
    response = APIClient().post(TOKEN, {"username": world.investigator.username, "password": PASSWORD})
    assert response.status_code == 400
    assert "authenticator" in response.content.decode()


def test_an_investigator_gets_a_token_with_her_current_code_and_reads_cases(world):
    device = TOTPDevice.objects.create(user=world.investigator, name="phone", confirmed=True)
    response = APIClient().post(
        TOKEN, {"username": world.investigator.username, "password": PASSWORD, "otp": current_code(device)}
    )
    assert response.status_code == 200
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert client.get(CASES).status_code == 200


def test_a_staff_member_without_an_enrolled_authenticator_gets_no_token(world):
    response = APIClient().post(TOKEN, {"username": world.lead.username, "password": PASSWORD, "otp": "123456"})
    assert response.status_code == 400


def test_a_buyer_needs_no_code_for_a_token(world):
    response = APIClient().post(TOKEN, {"username": world.buyer_a_user.username, "password": PASSWORD})
    assert response.status_code == 200


def test_a_staff_browser_session_without_the_second_factor_cannot_read_cases(world):
    device = TOTPDevice.objects.create(user=world.lead, name="phone", confirmed=True)
    client = APIClient()
    client.post("/accounts/login/", {"username": world.lead.username, "password": PASSWORD})
    refused = client.get(CASES)
    assert refused.status_code == 403
    assert "second factor" in refused.json()["detail"]

    client.post("/accounts/2fa/", {"token": current_code(device), "next": "/"})
    assert client.get(CASES).status_code == 200

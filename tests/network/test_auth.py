"""Staff sign in with a password and a TOTP second factor; repeated failures lock the account."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

STAFF_PAGE = "/monitor/intake/"


def sign_in(client: Client, username: str, password: str = PASSWORD) -> int:
    response = client.post("/accounts/login/", {"username": username, "password": password})
    return response.status_code


def token_for(device: TOTPDevice, *, later: int = 0) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + later):06d}"


def test_an_investigator_enrols_an_authenticator_then_reaches_staff_pages(world):
    client = Client()
    assert sign_in(client, world.investigator.username) == 302
    response = client.get(STAFF_PAGE)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/")

    enrol = client.get(response["Location"])
    assert enrol.status_code == 200
    assert "data:image/svg+xml;base64," in enrol.content.decode()  # the QR code, served inline
    device = TOTPDevice.objects.get(user=world.investigator, confirmed=False)

    verified = client.post("/accounts/2fa/", {"token": token_for(device), "next": STAFF_PAGE})
    assert verified.status_code == 302 and verified["Location"] == STAFF_PAGE
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(STAFF_PAGE).status_code == 200


def test_a_wrong_code_keeps_staff_pages_closed(world):
    TOTPDevice.objects.create(user=world.lead, name="phone", confirmed=True)
    client = Client()
    sign_in(client, world.lead.username)
    response = client.post("/accounts/2fa/", {"token": "000000", "next": STAFF_PAGE})
    assert response.status_code == 200
    assert "That code is not right or has expired" in response.content.decode()
    assert client.get(STAFF_PAGE).status_code == 302


def test_a_code_from_another_time_window_is_refused(world):
    device = TOTPDevice.objects.create(user=world.lead, name="phone", confirmed=True)
    client = Client()
    sign_in(client, world.lead.username)
    client.post("/accounts/2fa/", {"token": token_for(device, later=5), "next": STAFF_PAGE})
    assert client.get(STAFF_PAGE).status_code == 302


def test_a_buyer_signs_in_without_a_second_factor_but_never_reaches_monitor_pages(world):
    client = Client()
    assert sign_in(client, world.buyer_a_user.username) == 302
    assert client.get("/").status_code == 200
    assert client.get(STAFF_PAGE).status_code == 404


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(world, settings):
    settings.AXES_FAILURE_LIMIT = 5
    client = Client()
    for _ in range(5):
        client.post("/accounts/login/", {"username": world.lead.username, "password": "guess"})
    locked = client.post("/accounts/login/", {"username": world.lead.username, "password": PASSWORD})
    assert locked.status_code in (403, 429)
    assert "_auth_user_id" not in client.session
    # Another account from the same address is not locked by them.
    assert sign_in(Client(), world.investigator.username) == 302


def test_a_successful_sign_in_forgets_earlier_failures(world):
    client = Client()
    for _ in range(4):
        client.post("/accounts/login/", {"username": world.lead.username, "password": "guess"})
    assert sign_in(client, world.lead.username) == 302
    client.logout()
    for _ in range(4):
        client.post("/accounts/login/", {"username": world.lead.username, "password": "guess"})
    assert sign_in(Client(), world.lead.username) == 302


@pytest.mark.parametrize("url", ["/admin/", "/admin/complaints/complaint/", "/admin/otp_totp/totpdevice/add/"])
def test_the_admin_needs_the_second_factor_too(world, url):
    password_only = world.client_for(world.admin, second_factor=False)
    response = password_only.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert world.client_for(world.admin).get(url).status_code == 200


@pytest.mark.parametrize("url", ["/", "/notifications/"])
def test_staff_between_password_and_code_see_nothing_of_the_program(world, url):
    response = world.client_for(world.lead, second_factor=False).get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/")
    assert world.client_for(world.lead).get(url).status_code == 200
    assert world.client_for(world.buyer_a_user).get(url).status_code == 200  # no second factor for buyers

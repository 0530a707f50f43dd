"""Every throttle keys on the real client address, found with one setting (``PROXY_COUNT``).

Without proxies (0, the default) X-Forwarded-For is the client's own words and is ignored: rotating it
bypasses nothing. Behind ``PROXY_COUNT`` proxies the address is the one the outermost of them saw,
counted from the right of X-Forwarded-For, so workers behind one load balancer are told apart while
entries a client writes itself are still ignored. The API token throttle, the web intake throttles
and the staff sign-in lockout all follow it.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
TOKEN = "/api/v1/auth/token/"
LOAD_BALANCER = "10.0.0.5"


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


def token_attempt(client: APIClient, forwarded_for: str, *, password: str = "guess") -> int:  # noqa: S107
    return client.post(
        TOKEN, {"username": "supplier-a", "password": password}, format="json", HTTP_X_FORWARDED_FOR=forwarded_for
    ).status_code


def test_rotating_x_forwarded_for_does_not_escape_the_token_throttle(world):
    client = APIClient()
    statuses = [token_attempt(client, f"203.0.113.{n}") for n in range(10)]
    assert statuses == [400] * 10
    assert token_attempt(client, "203.0.113.200", password=PASSWORD) == 429


def test_behind_a_load_balancer_the_token_throttle_counts_each_client_and_ignores_what_it_wrote(world, settings):
    settings.PROXY_COUNT = 1
    attacker = APIClient(REMOTE_ADDR=LOAD_BALANCER)
    # The load balancer appends the address it saw; whatever the attacker wrote comes before it.
    statuses = [token_attempt(attacker, f"198.51.100.{n}, 203.0.113.9") for n in range(10)]
    assert statuses == [400] * 10
    assert token_attempt(attacker, "192.0.2.77, 203.0.113.9") == 429
    # Another client behind the same load balancer is not throttled with the attacker.
    assert token_attempt(APIClient(REMOTE_ADDR=LOAD_BALANCER), "203.0.113.10", password=PASSWORD) == 200


def worksite_search(client: Client, forwarded_for: str) -> int:
    return client.get("/report/worksites/", {"q": "RF"}, HTTP_X_FORWARDED_FOR=forwarded_for).status_code


def test_rotating_x_forwarded_for_does_not_escape_the_web_intake_throttle(world, settings):
    settings.WEB_INTAKE_RATES = {"search": "3/h"}
    client = Client()
    assert [worksite_search(client, f"203.0.113.{n}") for n in range(3)] == [200] * 3
    assert worksite_search(client, "203.0.113.99") == 429


def test_behind_a_load_balancer_workers_do_not_share_one_web_intake_limit(world, settings):
    settings.WEB_INTAKE_RATES = {"search": "3/h"}
    settings.PROXY_COUNT = 1
    busy = Client(REMOTE_ADDR=LOAD_BALANCER)
    assert [worksite_search(busy, f"198.51.100.{n}, 203.0.113.9") for n in range(3)] == [200] * 3
    assert worksite_search(busy, "203.0.113.9") == 429
    assert worksite_search(Client(REMOTE_ADDR=LOAD_BALANCER), "203.0.113.10") == 200


def sign_in(client: Client, password: str, forwarded_for: str) -> int:
    return client.post(
        "/accounts/login/", {"username": "lead", "password": password}, HTTP_X_FORWARDED_FOR=forwarded_for
    ).status_code


def test_the_sign_in_lockout_follows_the_same_client_address(world, settings):
    settings.PROXY_COUNT = 1
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(Client(REMOTE_ADDR=LOAD_BALANCER), "wrong", f"198.51.100.{n}, 203.0.113.9")
    # The guesser is locked out, whatever it writes in the header...
    assert sign_in(Client(REMOTE_ADDR=LOAD_BALANCER), PASSWORD, "192.0.2.1, 203.0.113.9") in (403, 429)
    # ...while the lead, behind the same load balancer from another address, signs in.
    assert sign_in(Client(REMOTE_ADDR=LOAD_BALANCER), PASSWORD, "203.0.113.10") == 302


def test_a_forwarded_address_that_is_not_an_address_falls_back_to_the_connection(world, settings):
    settings.PROXY_COUNT = 1
    assert sign_in(Client(REMOTE_ADDR=LOAD_BALANCER), "wrong", "not-an-address") == 200

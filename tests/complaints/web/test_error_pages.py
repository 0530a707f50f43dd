"""Error pages (400, 403, 404, 429, CSRF failure, 500) come in the site's layout and the visitor's
language: a worker gets the way back to report and track, signed-in users the staff layout. The 500
page renders without a database."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.complaints.web.conftest import report_data
from tests.conftest import PASSWORD, World

ERROR_URLS = "tests.complaints.web.error_urls"


@pytest.fixture
def error_urls(settings) -> None:
    settings.ROOT_URLCONF = ERROR_URLS


@pytest.fixture(autouse=True)
def _hotline(settings) -> None:
    settings.PUBLIC_HOTLINE_NUMBER = "+18135550100"


def worker_page(response, *, status: int, lang: str, text: str) -> str:
    """Assert a worker's error page: public layout, her language, report and track, the hotline."""
    assert response.status_code == status
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    assert "/static/css/public.css" in html and "bootstrap" not in html
    assert text in html
    assert f'href="/report/?lang={lang}"' in html and f'href="/track/?lang={lang}"' in html
    assert "+1 813-555-0100" in html
    return html


def staff_page(response, *, status: int, text: str) -> str:
    assert response.status_code == status
    html = response.content.decode()
    assert "bootstrap.min.css" in html and "/static/css/public.css" not in html
    assert text in html
    assert "+1 813-555-0100" not in html
    return html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "text"),
    [("en", "We cannot find this page"), ("es", "No encontramos esta página"),
     ("ht", "Nou pa jwenn paj sa a"), ("bn", "এই পাতাটি খুঁজে পাওয়া যায়নি")],
)  # fmt: skip
def test_a_page_not_found_speaks_the_workers_language_and_leads_back(lang, text):
    response = Client().get("/no-such-page/", HTTP_ACCEPT_LANGUAGE=lang)
    worker_page(response, status=404, lang=lang, text=text)


@pytest.mark.django_db
def test_the_language_links_of_an_error_page_switch_its_language():
    response = Client().get("/no-such-page/?lang=bn", HTTP_ACCEPT_LANGUAGE="en")
    html = worker_page(response, status=404, lang="bn", text="এই পাতাটি খুঁজে পাওয়া যায়নি")
    assert 'href="/no-such-page/?lang=es"' in html


def test_signed_in_staff_get_a_page_not_found_in_the_staff_layout(world: World):
    response = world.client_for(world.investigator).get("/monitor/cases/NOSUCHCASE/")
    html = staff_page(response, status=404, text="We cannot find this page")
    assert "Log out" in html and 'href="/monitor/"' in html  # the navigation is there


def test_a_forbidden_page_in_the_workers_and_the_staff_layouts(world: World, error_urls):
    worker_page(Client().get("/forbidden/", HTTP_ACCEPT_LANGUAGE="es"), status=403, lang="es",
                text="No puede abrir esta página")  # fmt: skip
    staff_page(world.client_for(world.lead).get("/monitor/forbidden/"), status=403, text="You cannot open this page")


def test_a_client_over_its_rate_gets_too_many_tries(world: World, error_urls):
    worker_page(Client().get("/throttled/", HTTP_ACCEPT_LANGUAGE="ht"), status=429, lang="ht", text="Twòp eseye")


def test_the_intake_throttle_answers_in_the_public_layout_with_report_and_track(world: World, settings):
    settings.WEB_INTAKE_RATES = {"track": "1/h"}
    client = Client(HTTP_ACCEPT_LANGUAGE="bn")
    client.post("/track/", {"reference": "XXXXXXXX", "receipt_code": "AAAAAAAAAA"})
    response = client.post("/track/", {"reference": "XXXXXXXX", "receipt_code": "AAAAAAAAAA"})
    assert response.status_code == 429
    assert '<html lang="bn">' in response.content.decode()
    assert 'href="/report/?lang=bn"' in response.content.decode()


def test_a_locked_out_sign_in_gets_the_too_many_tries_page_in_the_staff_layout(world: World, settings):
    settings.AXES_FAILURE_LIMIT = 2
    client = Client()
    for _ in range(2):
        client.post("/accounts/login/", {"username": world.lead.username, "password": "guess"})
    locked = client.post("/accounts/login/", {"username": world.lead.username, "password": PASSWORD})
    staff_page(locked, status=429, text="Too many tries")
    assert "_auth_user_id" not in client.session


def test_a_form_sent_without_its_csrf_token_gets_the_expired_page_in_her_language(world: World):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/report/", report_data(), HTTP_ACCEPT_LANGUAGE="ht")
    html = worker_page(response, status=403, lang="ht", text="Paj sa a ekspire")
    assert "CSRF" not in html


def test_a_staff_form_sent_without_its_csrf_token_gets_the_staff_layout(world: World):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "lead", "password": PASSWORD})
    staff_page(response, status=403, text="This page has expired")


@pytest.mark.django_db
def test_a_request_with_a_host_we_do_not_serve_gets_a_bad_request_page():
    response = Client().get("/report/", HTTP_HOST="attacker.example", HTTP_ACCEPT_LANGUAGE="es")
    worker_page(response, status=400, lang="es", text="No pudimos leer esta solicitud")


# No database marker: pytest-django refuses every query here, as a dead database would.
@pytest.mark.parametrize(
    ("accept", "lang", "text"), [("en", "en", "Something went wrong"), ("bn-BD", "bn", "কিছু একটা ভুল হয়েছে")]
)
def test_the_server_error_page_renders_without_a_database(error_urls, accept, lang, text):
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE=accept)
    client.cookies["sessionid"] = "a-signed-in-session"  # reading it would need the database
    worker_page(client.get("/broken/"), status=500, lang=lang, text=text)


def test_the_server_error_page_of_a_staff_area_has_the_staff_layout_without_a_database(error_urls):
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "a-signed-in-session"
    html = staff_page(client.get("/monitor/broken/"), status=500, text="Something went wrong")
    assert "Log out" not in html  # who is signed in is not known without the database

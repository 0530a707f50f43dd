"""The front door: `/` is the complaint line's public page for a visitor who is not signed in, in her
phone's language (switchable without JavaScript); signed-in users keep their home page there."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from complaints.sms.conversation import keyword_of
from tests.conftest import World

pytestmark = pytest.mark.django_db

HEADINGS = {
    "en": "A problem at work? Tell us.",
    "es": "¿Tiene un problema en el trabajo? Díganoslo.",
    "ht": "Ou gen yon pwoblèm nan travay? Di nou.",
    "bn": "কাজে কোনো সমস্যা? আমাদের জানান।",
}


@pytest.fixture(autouse=True)
def _hotline(settings) -> None:
    settings.PUBLIC_HOTLINE_NUMBER = "+18135550100"


@pytest.mark.parametrize(
    ("accept", "lang"), [("en-US,en;q=0.9", "en"), ("es-MX,es;q=0.9", "es"), ("ht", "ht"), ("bn-BD,bn;q=0.8", "bn")]
)
def test_a_visitor_gets_the_front_door_in_her_phones_language(accept, lang):
    response = Client().get("/", HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    assert HEADINGS[lang] in html
    assert f'href="/report/?lang={lang}"' in html and f'href="/track/?lang={lang}"' in html
    assert 'href="/accounts/login/"' in html  # staff sign in: a small link, not the page
    assert 'name="password"' not in html


def test_the_language_links_switch_the_front_door_and_remember_the_choice():
    client = Client()
    response = client.get("/?lang=ht", HTTP_ACCEPT_LANGUAGE="en")
    assert HEADINGS["ht"] in response.content.decode()
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode().count(HEADINGS["ht"]) == 1
    languages = response.content.decode().split('<nav class="languages"', 1)[1].split("</nav>", 1)[0]
    links = re.findall(r'href="(/\?lang=\w+)"', languages)
    assert links == ["/?lang=en", "/?lang=es", "/?lang=ht", "/?lang=bn"]


@pytest.mark.parametrize("lang", ["en", "es", "ht", "bn"])
def test_the_front_door_shows_the_hotline_and_keywords_the_hotline_understands(lang):
    html = Client().get(f"/?lang={lang}").content.decode()
    assert 'href="sms:+18135550100"' in html and "+1 813-555-0100" in html
    shown = re.findall(r'<span class="code">([^<]+)</span>', html)
    assert len(shown) == 4
    assert [keyword_of(word)[0] for word in shown] == ["new", "status", "help", "stop"]  # type: ignore[index]
    if lang != "en":
        assert [keyword_of(word)[1] for word in shown[:3]] == [lang] * 3  # type: ignore[index]


def test_a_short_code_hotline_is_shown_as_it_is(settings):
    settings.PUBLIC_HOTLINE_NUMBER = "73224"
    html = Client().get("/").content.decode()
    assert 'href="sms:73224"' in html and ">73224<" in html


def test_without_a_hotline_number_the_sms_part_is_left_out(settings):
    settings.PUBLIC_HOTLINE_NUMBER = ""
    response = Client().get("/")
    assert response.status_code == 200
    assert 'id="hotline"' not in response.content.decode()


def test_the_front_door_says_what_the_program_is_and_that_it_is_confidential():
    html = Client().get("/?lang=es").content.decode()
    assert "monitor independiente" in html
    assert "Es confidencial" in html
    assert "No tiene que dar su nombre." in html


def test_the_front_door_needs_no_javascript_and_no_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        html = Client().get("/").content.decode()
    assert "<script" not in html
    assert "/static/css/public.css" in html


def test_signed_in_users_keep_their_home_page(world: World):
    page = world.client_for(world.buyer_a_user).get("/").content.decode()
    assert "Welcome, " in page and "Sunrise Farms" in page
    password_only = world.client_for(world.lead, second_factor=False).get("/")
    assert password_only.status_code == 302 and password_only["Location"].startswith("/accounts/2fa/")


def test_the_public_pages_lead_back_to_the_front_door(world):
    html = Client().get("/report/?lang=bn").content.decode()
    assert '<p class="brand"><a href="/?lang=bn">' in html

"""The API's schema and Swagger UI are for the API's users: signed in, program staff past their second
factor, exactly like the API itself. Anonymous visitors learn nothing about its endpoints."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/api/schema/", "/api/schema/?format=json"])
def test_anonymous_callers_get_no_schema(world, url):
    response = Client().get(url)
    assert response.status_code == 401
    assert "paths" not in response.content.decode()


@pytest.mark.parametrize("url", ["/api/docs/", "/api/docs/?script="])
def test_anonymous_visitors_of_the_docs_are_sent_to_sign_in(world, url):
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_staff_who_did_not_pass_the_second_factor_see_neither(world):
    client = world.client_for(world.lead, second_factor=False)
    assert client.get("/api/schema/").status_code == 403
    response = client.get("/api/docs/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/")


@pytest.mark.parametrize("who", ["buyer_a_user", "supplier_a_user", "lead", "investigator"])
def test_signed_in_users_read_the_schema_and_the_docs(world, who):
    client = world.client_for(getattr(world, who))
    assert client.get("/api/schema/", {"format": "json"}).json()["paths"]
    assert client.get("/api/docs/").status_code == 200
    assert client.get("/api/docs/", {"script": ""}).status_code == 200


def test_a_token_opens_the_schema_for_api_clients(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=world.buyer_a_user).key}")
    assert client.get("/api/schema/", {"format": "json"}).status_code == 200

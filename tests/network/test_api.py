"""The REST API shows each role exactly its part of the registry; outside it, 404 (SPEC 3, 5)."""

from __future__ import annotations

from datetime import date

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.conftest import PASSWORD
from wsr.network import services

pytestmark = pytest.mark.django_db

WORKSITES = "/api/v1/worksites/"
SUPPLIERS = "/api/v1/suppliers/"
TOKEN = "/api/v1/auth/token/"


def codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["code"] for row in response.json()["results"]]


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


def test_supplier_user_lists_only_its_own_worksites(world, api_client_for):
    services.worksite_create(supplier=world.supplier_a, name="Sunrise South", code="RF102")
    assert codes(api_client_for(world.supplier_a_user).get(WORKSITES)) == ["RF101", "RF102"]


def test_another_suppliers_worksite_answers_404_like_a_missing_one(world, api_client_for):
    client = api_client_for(world.supplier_a_user)
    hidden = client.get(f"{WORKSITES}DK401/")
    missing = client.get(f"{WORKSITES}XX999/")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert client.get(f"{WORKSITES}RF101/").json()["supplier_name"] == "Sunrise Farms"


def test_supplier_user_sees_only_its_own_supplier_and_another_answers_404(world, api_client_for):
    client = api_client_for(world.supplier_a_user)
    assert names(client.get(SUPPLIERS)) == ["Sunrise Farms"]
    assert client.get(f"{SUPPLIERS}{world.supplier_b.uuid}/").status_code == 404
    assert client.get(f"{SUPPLIERS}{world.supplier_a.uuid}/").json()["standing"] == "good_standing"


def test_buyer_a_sees_supplier_a_only(world, api_client_for):
    client = api_client_for(world.buyer_a_user)
    assert names(client.get(SUPPLIERS)) == ["Sunrise Farms"]
    assert codes(client.get(WORKSITES)) == ["RF101"]
    assert client.get(f"{SUPPLIERS}{world.supplier_b.uuid}/").status_code == 404
    assert client.get(f"{WORKSITES}DK401/").status_code == 404


def test_buyer_b_cannot_see_buyer_a_supplier(world, api_client_for):
    client = api_client_for(world.buyer_b_user)
    assert names(client.get(SUPPLIERS)) == ["Delta Garments"]
    assert client.get(f"{SUPPLIERS}{world.supplier_a.uuid}/").status_code == 404


@pytest.mark.parametrize("actor", ["admin", "lead", "investigator", "auditor"])
def test_program_staff_see_every_supplier_and_worksite(world, api_client_for, actor):
    client = api_client_for(getattr(world, actor))
    assert names(client.get(SUPPLIERS)) == ["Delta Garments", "Sunrise Farms"]
    assert codes(client.get(WORKSITES)) == ["DK401", "RF101"]


def test_outsider_without_membership_sees_nothing(world, api_client_for):
    client = api_client_for(world.outsider)
    assert names(client.get(SUPPLIERS)) == []
    assert codes(client.get(WORKSITES)) == []
    assert client.get(f"{WORKSITES}RF101/").status_code == 404


@pytest.mark.parametrize("url", [SUPPLIERS, WORKSITES, f"{WORKSITES}RF101/"])
def test_anonymous_caller_is_refused(world, url):
    response = APIClient().get(url)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Token"
    assert "RF101" not in response.content.decode()


def test_worksites_filter_by_supplier_stays_within_the_callers_view(world, api_client_for):
    client = api_client_for(world.supplier_a_user)
    assert codes(client.get(WORKSITES, {"supplier": str(world.supplier_b.uuid)})) == []
    assert codes(client.get(WORKSITES, {"supplier": str(world.supplier_a.uuid)})) == ["RF101"]


def test_malformed_filter_values_answer_400_not_500(world, api_client_for):
    client = api_client_for(world.lead)
    assert client.get(WORKSITES, {"supplier": "not-a-uuid"}).status_code == 400
    assert client.get(SUPPLIERS, {"standing": "splendid"}).status_code == 400
    assert client.get(f"{SUPPLIERS}not-a-uuid/").status_code == 404


def test_token_from_username_and_password_authenticates_api_calls(world, fresh_token_throttle):
    response = APIClient().post(TOKEN, {"username": "supplier-a", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    assert Token.objects.get(key=token).user == world.supplier_a_user

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert codes(client.get(WORKSITES)) == ["RF101"]


def test_wrong_password_gets_no_token(world, fresh_token_throttle):
    response = APIClient().post(TOKEN, {"username": "supplier-a", "password": "guess"}, format="json")
    assert response.status_code == 400
    assert "token" not in response.json()


def test_unknown_token_is_refused_with_401(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    assert client.get(WORKSITES).status_code == 401


def test_token_endpoint_is_throttled_after_ten_tries_a_minute(world, fresh_token_throttle):
    client = APIClient()
    statuses = [
        client.post(TOKEN, {"username": "supplier-a", "password": f"guess-{i}"}, format="json").status_code
        for i in range(10)
    ]
    assert statuses == [400] * 10
    # Even the right password is refused now: guessing cannot go faster than the limit.
    blocked = client.post(TOKEN, {"username": "supplier-a", "password": PASSWORD}, format="json")
    assert blocked.status_code == 429
    assert "Retry-After" in blocked.headers


def test_ending_a_supply_relationship_hides_the_supplier_from_the_buyer_at_once(world, api_client_for):
    client = api_client_for(world.buyer_a_user)
    assert names(client.get(SUPPLIERS)) == ["Sunrise Farms"]
    relationship = world.buyer_a.supply_relationships.get(supplier=world.supplier_a)

    services.supply_relationship_end(relationship=relationship, ended_on=date.today())

    assert names(client.get(SUPPLIERS)) == []
    assert client.get(f"{WORKSITES}RF101/").status_code == 404


def test_deactivating_a_membership_removes_access_at_once(world, api_client_for):
    client = api_client_for(world.supplier_a_user)
    assert codes(client.get(WORKSITES)) == ["RF101"]

    services.membership_deactivate(membership=world.supplier_a_user.memberships.get())

    assert codes(client.get(WORKSITES)) == []
    assert client.get(f"{SUPPLIERS}{world.supplier_a.uuid}/").status_code == 404


def test_schema_documents_both_endpoints_and_their_visibility(world, api_client_for):
    response = api_client_for(world.lead).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/v1/suppliers/", "/api/v1/worksites/{code}/", "/api/v1/auth/token/"} <= set(paths)
    assert "answers 404" in paths["/api/v1/worksites/"]["get"]["description"]

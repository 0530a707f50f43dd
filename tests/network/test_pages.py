"""Pages of the shared shell: login, home, security headers, query counts (SPEC 6)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.conftest import PASSWORD
from wsr.network import services
from wsr.network.choices import OrganizationKind

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/accounts/login/", "/", "/api/docs/"])
def test_every_page_carries_a_strict_content_security_policy(world, path):
    response = world.client_for(world.buyer_a_user).get(path)
    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Frame-Options"] == "DENY"


def test_api_docs_load_swagger_from_our_own_server_not_a_cdn(world):
    html = world.client_for(world.buyer_a_user).get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    # Nothing inline for the CSP to block: the split view serves Swagger's start-up code as a
    # same-origin script, and our template moves the stock inline styles into a static file.
    assert "<script>" not in html.replace(" ", "")
    assert "<style" not in html
    assert "/static/css/api-docs.css" in html


def test_login_form_signs_a_buyer_in_and_home_shows_their_supply_chain(world):
    client = Client()
    response = client.post("/accounts/login/", {"username": "buyer-a", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    page = response.content.decode()
    assert "Buyer A" in page
    assert "Sunrise Farms" in page
    assert "Delta Garments" not in page


def test_wrong_password_keeps_the_visitor_on_the_login_page(world):
    response = Client().post("/accounts/login/", {"username": "buyer-a", "password": "nope"})
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated


def test_home_address_is_the_public_front_door_for_visitors_with_staff_sign_in_as_a_link():
    response = Client().get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/accounts/login/"' in html and 'name="password"' not in html


def test_navigation_shows_admin_link_to_admins_only(world):
    assert 'href="/admin/"' in world.client_for(world.admin).get("/").content.decode()
    assert 'href="/admin/"' not in world.client_for(world.buyer_a_user).get("/").content.decode()


def test_language_switcher_offers_the_four_program_languages(world):
    page = world.client_for(world.buyer_a_user).get("/").content.decode()
    for code in ("en", "es", "ht", "bn"):
        assert f'<option value="{code}"' in page


def _add_suppliers_for_buyer_a(world, count: int, *, prefix: str) -> None:
    for i in range(count):
        name = f"{prefix} supplier {i:02d}"
        supplier = services.organization_create(name=name, kind=OrganizationKind.SUPPLIER).supplier
        services.worksite_create(supplier=supplier, name=f"{name} site")
        services.supply_relationship_start(buyer=world.buyer_a, supplier=supplier, started_on=date(2024, 1, 1))


def _home_queries(world) -> int:
    client = world.client_for(world.buyer_a_user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200
    return len(queries)


# Session, user, the user's roles, unread notifications, memberships, one page of suppliers, their count.
HOME_QUERIES = 7


def test_home_page_query_count_is_pinned_and_does_not_grow_with_suppliers(world):
    _add_suppliers_for_buyer_a(world, 4, prefix="Early")  # with Sunrise Farms: 5 visible
    with_five = _home_queries(world)
    _add_suppliers_for_buyer_a(world, 45, prefix="Late")  # 50 visible
    with_fifty = _home_queries(world)

    assert with_five == with_fifty == HOME_QUERIES
    page = world.client_for(world.buyer_a_user).get("/").content.decode()
    assert "50 suppliers you can see" in page
    assert "Delta Garments" not in page

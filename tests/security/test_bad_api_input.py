"""Hostile API bodies get a clear 400, never a 500: JSON nested thousands deep (RecursionError in the
parser) and NUL characters in form-encoded or multipart fields, which PostgreSQL text cannot hold."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from complaints.choices import Channel, Status
from complaints.models import Complaint
from complaints.services import complaint_create

pytestmark = pytest.mark.django_db

DEEP_LIST = "[" * 5000 + "]" * 5000
DEEP_OBJECT = '{"a":' * 5000 + "1" + "}" * 5000


@pytest.fixture
def case(world) -> Complaint:
    return complaint_create(channel=Channel.WEB, language="en", description="Kept our pay", worksite=world.worksite_a)


@pytest.fixture
def lead_api(world) -> APIClient:
    client = APIClient()
    client.force_authenticate(world.lead)
    return client


@pytest.mark.parametrize("body", [DEEP_LIST, DEEP_OBJECT], ids=["list", "object"])
def test_deeply_nested_json_on_the_token_endpoint_is_a_400_for_anyone(body):
    cache.delete("throttle_token_127.0.0.1")
    response = APIClient().post("/api/v1/auth/token/", body, content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize("action", ["findings/", "triage/", "assign/", "notes/", "link/"])
def test_deeply_nested_json_on_case_actions_is_a_400(lead_api, case, action):
    response = lead_api.post(
        f"/api/v1/complaints/{case.reference}/{action}", DEEP_LIST, content_type="application/json"
    )
    assert response.status_code == 400


@pytest.mark.parametrize("encoding", ["form", "multipart"])
@pytest.mark.parametrize(
    ("action", "status", "data"),
    [
        ("assign/", Status.TRIAGED, {"assignee": "investigator\x00"}),
        ("triage/", Status.NEW, {"standard": "W-1\x00"}),
        ("triage/", Status.NEW, {"standard": "W-1", "worksite": "RF\x00101"}),
        ("findings/", Status.INVESTIGATING, {"standard": "\x00", "substantiated": "true"}),
        ("notes/", Status.INVESTIGATING, {"body\x00": "x"}),
    ],
    ids=["assignee", "standard", "worksite", "finding-standard", "field-name"],
)
def test_a_nul_in_a_form_field_is_a_400(lead_api, case, standards, encoding, action, status, data):
    Complaint.objects.filter(pk=case.pk).update(status=status)
    if encoding == "form":
        from urllib.parse import urlencode

        response = lead_api.post(
            f"/api/v1/complaints/{case.reference}/{action}", urlencode(data),
            content_type="application/x-www-form-urlencoded",
        )  # fmt: skip
    else:
        response = lead_api.post(f"/api/v1/complaints/{case.reference}/{action}", data, format="multipart")
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_a_nul_in_the_token_endpoint_form_is_a_400(world):
    cache.delete("throttle_token_127.0.0.1")
    response = APIClient().post("/api/v1/auth/token/", {"username": "lead\x00", "password": "x"})
    assert response.status_code == 400


def test_a_nul_in_a_multipart_field_is_a_400_through_a_browser_session_too(world, case):
    Complaint.objects.filter(pk=case.pk).update(status=Status.TRIAGED)
    response = world.client_for(world.lead).post(
        f"/api/v1/complaints/{case.reference}/assign/", {"assignee": "investigator\x00"}
    )
    assert response.status_code == 400

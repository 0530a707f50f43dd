"""``/api/v1/complaints/``: every endpoint for every role, the queue's filters, and the schema."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from complaints import workflow
from complaints.actions import CASE_ACTIONS
from complaints.api.views import API_INPUTS
from complaints.choices import Status
from complaints.models import CaseFinding
from complaints.monitor.views import PAGE_FORMS
from tests.complaints.workflow.conftest import WORKER_NAME, WORKER_PHONE

pytestmark = pytest.mark.django_db

ROLES = ["lead", "investigator", "auditor", "buyer_a_user", "supplier_a_user", None]
CASE_WORKERS = {"lead", "investigator"}


def client_for(world: Any, role: str | None) -> APIClient:
    client = APIClient()
    if role is not None:
        client.force_authenticate(getattr(world, role))
    return client


# (endpoint, case status, standard, payload, status answered to a case worker)
ENDPOINTS: list[tuple[str, str, str, dict[str, Any], int]] = [
    ("", Status.NEW, "W-1", {}, 200),
    ("timeline/", Status.NEW, "W-1", {}, 200),
    ("triage/", Status.NEW, "W-1", {"standard": "W-1"}, 200),
    ("assign/", Status.TRIAGED, "W-1", {"assignee": "investigator"}, 200),
    ("start-investigation/", Status.TRIAGED, "W-1", {}, 200),
    ("resolve/", Status.INVESTIGATING, "W-1", {"reason": "Paid"}, 200),
    ("not-substantiated/", Status.INVESTIGATING, "W-1", {}, 200),
    ("refer/", Status.INVESTIGATING, "W-1", {"referral_info": "Labor office"}, 200),
    ("close/", Status.RESOLVED, "W-1", {}, 200),
    ("reopen/", Status.CLOSED, "W-1", {"reason": "She wrote again"}, 200),
    ("notes/", Status.INVESTIGATING, "W-1", {"body": "Called the grower"}, 200),
    ("findings/", Status.INVESTIGATING, "W-1", {"standard": "W-1", "substantiated": True}, 200),
    ("reply/", Status.TRIAGED, "W-1", {"body": "We will visit the farm on Monday."}, 200),
    ("verify-remedy/", Status.INVESTIGATING, "W-1", {"remedy": "REMEDY"}, 200),
    ("share/", Status.INVESTIGATING, "W-1", {"summary": "A wage complaint at your worksite."}, 200),
    ("remedies/", Status.INVESTIGATING, "W-1", {"kind": "back_pay", "amount": "120.50", "currency": "USD"}, 200),
    ("link/", Status.INVESTIGATING, "W-1", {"other": "OTHER"}, 200),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("endpoint", "status", "standard", "payload", "ok"), ENDPOINTS)
def test_every_case_endpoint_answers_each_role_as_its_permissions_say(
    world, standards, make_case, worker, role, endpoint, status, standard, payload, ok
):
    complaint = make_case(status=status, standard=standard, complainant=worker)
    payload = dict(payload)
    if endpoint == "resolve/":
        CaseFinding.objects.create(complaint=complaint, standard=standards["W-1"], substantiated=True)
    if payload.get("remedy") == "REMEDY":
        payload["remedy"] = str(
            workflow.remedy_record(
                complaint=complaint, actor=world.lead, kind="training", description="Crew training"
            ).uuid
        )
    if payload.get("other") == "OTHER":
        payload["other"] = make_case(status=Status.NEW).reference
    url = f"/api/v1/complaints/{complaint.reference}/{endpoint}"
    client = client_for(world, role)
    response = client.get(url) if endpoint in ("", "timeline/") else client.post(url, payload, format="json")
    if role is None:
        assert response.status_code == 401  # with a WWW-Authenticate: Token challenge
    elif role not in CASE_WORKERS:
        assert response.status_code == 404
    else:
        assert response.status_code == ok, response.content
        text = response.content.decode()
        assert WORKER_PHONE not in text and WORKER_NAME not in text


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", ["", "counts/"])
def test_the_queue_and_its_counts_are_for_case_workers_only(world, make_case, role, endpoint):
    complaint = make_case(status=Status.NEW)
    response = client_for(world, role).get(f"/api/v1/complaints/{endpoint}")
    if role is None:
        assert response.status_code == 401
        return
    assert response.status_code == 200
    body = response.json()
    if endpoint == "":
        references = [row["reference"] for row in body["results"]]
        assert references == ([complaint.reference] if role in CASE_WORKERS else [])
    else:
        assert body["new"] == (1 if role in CASE_WORKERS else 0)


def test_a_wrong_status_answers_409_and_bad_input_400_never_500(world, make_case):
    complaint = make_case(status=Status.CLOSED)
    client = client_for(world, "lead")
    base = f"/api/v1/complaints/{complaint.reference}"
    assert client.post(f"{base}/triage/", {"standard": "W-1"}, format="json").status_code == 409
    assert client.post(f"{base}/triage/", {"standard": "NOPE"}, format="json").status_code == 400
    assert client.post(f"{base}/reopen/", {}, format="json").status_code == 400
    assert client.post(f"{base}/reopen/", {"reason": "x"}, format="json").status_code == 400
    assert client.post(f"{base}/assign/", {"assignee": "nobody"}, format="json").status_code == 400
    assert client.post(f"{base}/remedies/", {"kind": "bribe"}, format="json").status_code == 400
    # Another case one may not change reads as a bad reference, exactly like a missing one (as on the page).
    assert client.post(f"{base}/link/", {"other": "ZZZZZZZZ"}, format="json").status_code == 400
    assert client.get("/api/v1/complaints/NOSUCHREF/").status_code == 404
    assert client.get("/api/v1/complaints/", {"cursor": "garbage!", "limit": "-3", "supplier": "x"}).status_code == 200


def test_an_investigator_cannot_close_a_zero_tolerance_case_through_the_api(world, make_case):
    complaint = make_case(status=Status.RESOLVED, standard="ZT-2", assignee=world.investigator)
    response = client_for(world, "investigator").post(f"/api/v1/complaints/{complaint.reference}/close/")
    assert response.status_code == 403


def test_the_api_queue_pages_with_a_next_link_and_filters(world, make_case):
    cases = [make_case(status=Status.TRIAGED, standard="W-1") for _ in range(3)]
    zero = make_case(status=Status.TRIAGED, standard="ZT-1")
    client = client_for(world, "lead")
    first = client.get("/api/v1/complaints/", {"limit": 2}).json()
    assert first["results"][0]["reference"] == zero.reference and first["next"]
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 2 and second["next"] is None
    seen = {r["reference"] for r in first["results"] + second["results"]}
    assert seen == {c.reference for c in [*cases, zero]}
    only_zero = client.get("/api/v1/complaints/", {"severity": "zero_tolerance"}).json()["results"]
    assert [r["reference"] for r in only_zero] == [zero.reference]


def test_every_complaint_endpoint_is_in_the_openapi_schema(world):
    schema = client_for(world, "lead").get("/api/schema/", {"format": "json"}).json()
    paths = {path for path in schema["paths"] if path.startswith("/api/v1/complaints/")}
    expected = {"/api/v1/complaints/", "/api/v1/complaints/counts/", "/api/v1/complaints/{reference}/"}
    expected |= {f"/api/v1/complaints/{{reference}}/{endpoint}" for endpoint, *_ in ENDPOINTS if endpoint}
    assert paths == expected
    for path in paths:
        for operation in schema["paths"][path].values():
            assert "investigators" in operation["description"] or "change the case" in operation["description"]


def test_the_case_page_and_the_api_offer_exactly_the_same_actions():
    assert set(PAGE_FORMS) == set(CASE_ACTIONS) == set(API_INPUTS)


def test_a_reply_sent_through_the_api_is_recorded_and_queued_like_one_from_the_case_page(world, make_case, worker):
    complaint = make_case(status=Status.TRIAGED, complainant=worker)
    response = client_for(world, "lead").post(
        f"/api/v1/complaints/{complaint.reference}/reply/", {"body": "We visit on Monday."}, format="json"
    )
    assert response.status_code == 200
    message = complaint.messages.get(kind="outbound", body="We visit on Monday.")
    assert (message.author, message.delivery_status) == (world.lead, "recorded")
    anonymous = make_case(status=Status.TRIAGED)
    refused = client_for(world, "lead").post(
        f"/api/v1/complaints/{anonymous.reference}/reply/", {"body": "Hello"}, format="json"
    )
    assert refused.status_code == 400 and "no phone" in refused.content.decode()

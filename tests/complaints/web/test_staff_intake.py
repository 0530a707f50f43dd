"""Staff intake: a monitor logs a complaint received by phone or in person on a worker's behalf."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client

from complaints.choices import Channel, MessageKind
from complaints.models import Complaint, Message
from tests.complaints.web.conftest import shown_codes, staff_client


def intake_data(**overrides):
    data = {
        "idempotency_key": str(uuid.uuid4()),
        "channel": Channel.PHONE,
        "language": "ht",
        "worksite_code": "RF101",
        "description": "Caller says the crew leader hit a worker.",
        "name": "",
        "phone": "",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("role", ["lead", "investigator", "admin"])
def test_case_staff_log_a_complaint_for_a_worker(world, role):
    user = getattr(world, role)
    client = staff_client(user)
    assert client.get("/monitor/intake/").status_code == 200
    response = client.post("/monitor/intake/", intake_data(channel=Channel.IN_PERSON))
    assert response.status_code == 302
    reference, code = shown_codes(client.get(response["Location"]).content.decode())
    complaint = Complaint.objects.get(reference=reference)
    assert complaint.channel == Channel.IN_PERSON
    assert complaint.language == "ht"
    assert complaint.created_by == user
    assert complaint.worksite == world.worksite_a
    assert complaint.complainant is None
    # The worker can follow the case on /track/ with what staff read out to her.
    assert Client().post("/track/", {"reference": reference, "receipt_code": code}).status_code == 302


def test_the_receipt_is_shown_to_staff_only_once(world):
    client = staff_client(world.lead)
    response = client.post("/monitor/intake/", intake_data())
    reference, code = shown_codes(client.get(response["Location"]).content.decode())
    again = client.get(response["Location"]).content.decode()
    assert code not in again and reference not in again


def test_a_phone_given_to_staff_records_the_worker_and_the_sms_acknowledgement(world):
    client = staff_client(world.investigator)
    response = client.post("/monitor/intake/", intake_data(phone="+1 555 987 6543", name="Jean"))
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.complainant.phone == "+15559876543"
    assert complaint.complainant.name == "Jean"
    assert Message.objects.filter(complaint=complaint, kind=MessageKind.OUTBOUND).count() == 1


def test_staff_intake_refuses_a_bad_phone_and_keeps_the_text(world):
    client = staff_client(world.lead)
    response = client.post("/monitor/intake/", intake_data(phone="abc"))
    assert response.status_code == 400
    assert "Caller says the crew leader hit a worker." in response.content.decode()
    assert Complaint.objects.count() == 0


def test_staff_intake_double_submit_creates_one_complaint(world):
    client = staff_client(world.lead)
    data = intake_data()
    client.post("/monitor/intake/", data)
    client.post("/monitor/intake/", data)
    assert Complaint.objects.count() == 1


@pytest.mark.parametrize("role", ["auditor", "buyer_a_user", "supplier_a_user", "outsider"])
def test_other_signed_in_users_cannot_reach_staff_intake(world, role):
    client = staff_client(getattr(world, role))
    assert client.get("/monitor/intake/").status_code == 404
    assert client.post("/monitor/intake/", intake_data()).status_code == 404
    assert Complaint.objects.count() == 0


def test_anonymous_visitors_are_sent_to_sign_in(world):
    response = Client().get("/monitor/intake/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert Client().post("/monitor/intake/", intake_data()).status_code == 302
    assert Complaint.objects.count() == 0


def test_staff_without_a_verified_second_factor_are_sent_to_verify(world):
    client = Client()
    client.force_login(world.lead)
    response = client.get("/monitor/intake/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/")

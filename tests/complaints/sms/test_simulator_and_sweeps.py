"""The staff SMS simulator (same signed webhook path)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from complaints.models import Complaint, Message
from complaints.sms import texts
from tests.complaints.sms.conftest import text
from tests.complaints.web.conftest import staff_client

SIMULATOR = "/monitor/simulator/"
FAKE = "+12025550142"


def test_a_monitor_files_a_complaint_through_the_simulator(world: Any) -> None:
    client = staff_client(world.investigator)
    assert client.get(SIMULATOR).status_code == 200
    response = client.post(SIMULATOR, {"phone": FAKE, "body": "RF101 They kept our pay"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    complaint = Complaint.objects.get()
    assert "They kept our pay" in page and complaint.reference in page
    assert "HTTP 200" in page and "no reply" in page
    assert text("en", texts.acknowledgement, complaint.reference).split(".")[0] in page


def test_the_simulator_shows_the_twiml_reply(world: Any) -> None:
    client = staff_client(world.lead)
    response = client.post(SIMULATOR, {"phone": FAKE, "body": "Hola, el patrón no nos paga"}, follow=True)
    assert text("es", texts.ask_worksite) in response.content.decode()
    assert "Telling what happened" not in response.content.decode()


def test_the_simulator_refuses_real_looking_numbers(world: Any) -> None:
    response = staff_client(world.lead).post(SIMULATOR, {"phone": "+13055551234", "body": "hi"})
    assert response.status_code == 400
    assert not Message.objects.exists()


def test_without_a_token_the_simulator_is_refused_like_everyone(world: Any, settings: Any) -> None:
    settings.TWILIO_AUTH_TOKEN = ""
    client = staff_client(world.lead)
    assert "No <code>TWILIO_AUTH_TOKEN</code>" in client.get(SIMULATOR).content.decode()
    page = client.post(SIMULATOR, {"phone": FAKE, "body": "hi"}, follow=True).content.decode()
    assert "HTTP 403" in page and not Message.objects.exists()


@pytest.mark.parametrize("who", ["buyer_a_user", "supplier_a_user", "auditor", "outsider"])
def test_only_case_staff_reach_the_simulator(world: Any, who: str) -> None:
    client = staff_client(getattr(world, who))  # even with a second factor verified
    assert client.get(SIMULATOR).status_code == 404
    assert client.post(SIMULATOR, {"phone": FAKE, "body": "RF101 x"}).status_code == 404
    assert not Message.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(world: Any) -> None:
    response = Client().get(SIMULATOR)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]

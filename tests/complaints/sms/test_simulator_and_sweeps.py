"""The staff SMS simulator (same signed webhook path) and the stuck-outbound sweep."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from complaints.choices import DeliveryStatus, MessageKind
from complaints.models import Complaint, Message
from complaints.services import complainant_for_phone
from complaints.sms import texts
from complaints.sms.services import sms_outbound_requeue_stuck, sms_send
from complaints.sms.tasks import sms_deliver
from tests.complaints.sms.conftest import text
from tests.complaints.web.conftest import staff_client
from wsr.outbox.models import OutboxEntry

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


def stuck_message(minutes_ago: float) -> Message:
    complainant = complainant_for_phone(phone="+12025550170")
    message = sms_send(complainant=complainant, complaint=None, body="Hello")
    OutboxEntry.objects.update(published_at=timezone.now())
    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(minutes=minutes_ago))
    return message


def test_a_stuck_outbound_sms_is_queued_again(world: Any) -> None:
    message = stuck_message(minutes_ago=30)
    assert sms_outbound_requeue_stuck() == 1
    pending = OutboxEntry.objects.filter(published_at__isnull=True)
    assert [(e.task, e.kwargs) for e in pending] == [(sms_deliver.name, {"message_id": message.pk})]
    assert sms_outbound_requeue_stuck() == 0  # its outbox row is still pending: the relay has it


def test_a_recent_outbound_sms_is_left_alone(world: Any) -> None:
    stuck_message(minutes_ago=1)
    assert sms_outbound_requeue_stuck() == 0


def test_an_ancient_unsent_sms_is_given_up(world: Any) -> None:
    message = stuck_message(minutes_ago=60 * 72)
    assert sms_outbound_requeue_stuck() == 0
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.FAILED
    assert Message.objects.filter(kind=MessageKind.OUTBOUND).count() == 1

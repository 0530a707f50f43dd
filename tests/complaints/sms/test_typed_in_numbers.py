"""A phone number typed into the public web form proves nothing: whoever typed it must not receive
that phone's SMS, and its owner's opt-out still holds (review finding: employer takes over a thread)."""

from __future__ import annotations

from typing import Any

from django.test import Client

from complaints.choices import DeliveryStatus, MessageKind
from complaints.models import Complaint, Message
from complaints.sms import texts
from tests.complaints.sms.conftest import Phone, text
from tests.complaints.web.conftest import file_complaint


def track_page(client: Client, reference: str, code: str) -> str:
    client.post("/track/", {"reference": reference, "receipt_code": code})
    return client.get("/track/case/").content.decode()


def test_someone_who_types_a_workers_number_never_reads_her_texts(world: Any, phone: Phone) -> None:
    phone.send("RF101 They kept our pay")
    workers_case = Complaint.objects.get()
    employer = Client()
    bait, code = file_complaint(employer, phone=phone.number, description="Nothing happened, just testing.")

    phone.send("I am Rosa from row 7, it happened again")

    assert workers_case.messages.filter(body__startswith="I am Rosa").exists()
    assert not bait.messages.filter(body__startswith="I am Rosa").exists()
    assert "Rosa" not in track_page(employer, bait.reference, code)


def test_the_owner_of_the_number_can_still_ask_the_status_of_a_web_case_filed_with_it(world: Any, phone: Phone) -> None:
    complaint, _code = file_complaint(Client(), phone=phone.number, lang="es")
    reply = phone.send(f"ESTADO {complaint.reference}")
    assert complaint.reference in reply
    assert reply != text("es", texts.case_not_found, complaint.reference)


def test_a_number_that_texted_stop_gets_nothing_from_a_web_case_filed_with_it(world: Any, phone: Phone) -> None:
    phone.send("STOP")
    complaint, _code = file_complaint(Client(), phone=phone.number)
    sent = Message.objects.filter(complaint=complaint, kind=MessageKind.OUTBOUND)
    assert sent.exists()
    assert set(sent.values_list("delivery_status", flat=True)) == {DeliveryStatus.SUPPRESSED}


def test_stop_texted_after_a_web_case_was_filed_with_the_number_silences_that_case_too(
    world: Any, phone: Phone
) -> None:
    complaint, _code = file_complaint(Client(), phone=phone.number)
    phone.send("STOP")
    complaint.complainant.refresh_from_db()
    assert not complaint.complainant.reachable_by_sms
    phone.send("START")
    complaint.complainant.refresh_from_db()
    assert complaint.complainant.reachable_by_sms

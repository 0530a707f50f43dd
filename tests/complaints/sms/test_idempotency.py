"""A retried webhook (same MessageSid) gets the same answer and changes nothing, even concurrently."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connections
from django.test import Client

from complaints.choices import MessageKind
from complaints.models import Complaint, Message
from complaints.sms import texts
from tests.complaints.sms.conftest import post, twilio_fields


def test_fifty_retries_of_a_conversation_message_give_one_reply(world: Any) -> None:
    fields = twilio_fields("+12025550140", "Hola, el patrón no nos paga")
    answers = {post(Client(), fields).content for _ in range(50)}
    assert len(answers) == 1
    assert texts.LANGUAGE_MENU not in answers.pop().decode()
    assert Message.objects.filter(kind=MessageKind.INBOUND).count() == 1
    assert Message.objects.filter(kind=MessageKind.OUTBOUND).count() == 1


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_deliveries_of_one_message_sid_make_one_complaint(world: Any) -> None:
    fields = twilio_fields("+12025550141", "RF101 The supervisor kept our overtime pay")

    def deliver(_: int) -> tuple[int, bytes]:
        try:
            response = post(Client(), fields)
            return response.status_code, response.content
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(deliver, range(50)))
    assert {status for status, _ in results} == {200}
    assert len({content for _, content in results}) == 1
    complaint = Complaint.objects.get()
    assert Message.objects.filter(kind=MessageKind.INBOUND).count() == 1
    assert Message.objects.filter(kind=MessageKind.OUTBOUND, complaint=complaint).count() == 1  # one acknowledgement


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_of_a_conversation_reply_once(world: Any) -> None:
    fields = twilio_fields("+12025550142", "3")

    def deliver(_: int) -> bytes:
        try:
            return bytes(post(Client(), fields).content)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = set(pool.map(deliver, range(50)))
    assert len(answers) == 1
    assert Message.objects.filter(kind=MessageKind.OUTBOUND).count() == 1

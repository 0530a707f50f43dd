"""Database unreachable: the signed request is spooled, answered neutrally, replayed exactly once."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from complaints.choices import DeliveryStatus, MessageKind
from complaints.models import Complaint, Message
from complaints.services import complainant_for_phone
from complaints.sms import texts
from complaints.sms.backends import MemoryBackend
from complaints.sms.services import sms_deliver_now, sms_send
from complaints.sms.spool import spool_dir, spool_pending, spool_replay
from tests.complaints.sms.conftest import STATUS, post, replies_of, text, twilio_fields

pytestmark = pytest.mark.django_db(transaction=True)


@contextmanager
def database_unreachable() -> Iterator[None]:
    """Point the connection at a closed port, as if PostgreSQL were stopped."""
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT="1")
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


def test_requests_are_spooled_and_replayed_exactly_once(world: Any) -> None:
    filing = twilio_fields("+12025550160", "RF101 They kept our pay for two weeks")
    greeting = twilio_fields("+12025550161", "Hola")
    with database_unreachable():
        first = post(Client(), filing)
        second = post(Client(), greeting)
    assert replies_of(first) == [text("en", texts.received_neutral)]
    assert replies_of(second) == [text("es", texts.received_neutral)]
    assert len(spool_pending()) == 2
    assert not Message.objects.exists()
    kept = [path.read_text() for path in spool_pending()]

    result = spool_replay()
    assert (result.replayed, result.rejected, result.pending) == (2, 0, 0)
    assert spool_pending() == []
    complaint = Complaint.objects.get()
    assert complaint.worksite == world.worksite_a
    # The webhook's answer could not carry them: the replies go out as SMS, through the outbox.
    outbound = Message.objects.filter(kind=MessageKind.OUTBOUND).order_by("id")
    bodies = [m.body for m in outbound]
    assert bodies == [text("en", texts.acknowledgement, complaint.reference), texts.LANGUAGE_MENU]  # a greeting
    assert {m.delivery_status for m in outbound} == {DeliveryStatus.RECORDED}
    for message in outbound:
        sms_deliver_now(message_id=message.pk)
        sms_deliver_now(message_id=message.pk)
    assert len(MemoryBackend.sent) == 2

    # The same requests again (a replay that died before deleting its files): nothing changes.
    for index, record in enumerate(kept):
        (spool_dir() / f"{index:020d}-again.json").write_text(record)
    assert spool_replay().replayed == 2
    assert Complaint.objects.count() == 1
    assert Message.objects.filter(kind=MessageKind.OUTBOUND).count() == 2
    assert Message.objects.filter(kind=MessageKind.INBOUND).count() == 2


def test_replay_keeps_the_spool_while_the_database_is_still_down(world: Any) -> None:
    with database_unreachable():
        post(Client(), twilio_fields("+12025550162", "RF101 They kept our pay"))
        result = spool_replay()
    assert (result.replayed, result.pending) == (0, 1)
    assert len(spool_pending()) == 1
    call_command("sms_spool_replay")
    assert spool_pending() == [] and Complaint.objects.count() == 1


def test_a_tampered_spool_file_is_rejected(world: Any, settings: Any) -> None:
    with database_unreachable():
        post(Client(), twilio_fields("+12025550163", "RF101 They kept our pay"))
    (path,) = spool_pending()
    record = json.loads(path.read_text())
    record["fields"]["Body"] = ["RF101 something else"]
    path.write_text(json.dumps(record))
    assert spool_replay().rejected == 1
    assert not Complaint.objects.exists()
    assert len(list((settings.SPOOL_DIR / "rejected").glob("*.json"))) == 1
    shutil.rmtree(settings.SPOOL_DIR / "rejected")


def test_status_callbacks_are_spooled_too(world: Any) -> None:
    complainant = complainant_for_phone(phone="+12025550164")
    message = sms_send(complainant=complainant, complaint=None, body="Hello")
    sms_deliver_now(message_id=message.pk)
    message.refresh_from_db()
    fields = {"MessageSid": message.twilio_sid or "", "MessageStatus": "delivered", "AccountSid": "AC1"}
    with database_unreachable():
        assert post(Client(), fields, path=STATUS).status_code == 200
    assert spool_replay().replayed == 1
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.DELIVERED


def test_rejected_requests_are_forgotten_after_a_week(world: Any, settings: Any) -> None:
    import os
    import time

    rejected = spool_dir() / "rejected"
    rejected.mkdir(parents=True, exist_ok=True)
    old, recent = rejected / "old.json", rejected / "recent.json"
    for file, age_days in ((old, 8), (recent, 1)):
        file.write_text("{}")
        stamp = time.time() - age_days * 24 * 3600
        os.utime(file, (stamp, stamp))
    spool_replay()
    assert not old.exists() and recent.exists()
    shutil.rmtree(rejected)

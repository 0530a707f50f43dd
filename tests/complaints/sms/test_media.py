"""MMS: the media URLs are stored, a task downloads each with Twilio's basic auth (HTTP faked)."""

from __future__ import annotations

import base64
import io
from typing import Any

import pytest
import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from complaints.models import Attachment, Complaint
from complaints.sms import media
from complaints.sms.tasks import sms_media_fetch
from tests.complaints.sms.conftest import ACCOUNT_SID, TOKEN, Phone
from wsr.outbox.models import OutboxEntry

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
URL = f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/MM1/Media/ME1"


class FakeTwilio(BaseAdapter):
    """Twilio's media endpoint at the HTTP boundary."""

    def __init__(self, status: int = 200) -> None:
        super().__init__()
        self.status = status
        self.requests: list[requests.PreparedRequest] = []

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        self.requests.append(request)
        response = requests.Response()
        response.status_code = self.status
        response.headers = CaseInsensitiveDict({"Content-Type": "image/png"})
        response.raw = io.BytesIO(PNG if self.status == 200 else b"")
        response.url = request.url or ""
        response.request = request
        return response

    def close(self) -> None:
        pass


@pytest.fixture
def twilio(monkeypatch: Any) -> FakeTwilio:
    fake = FakeTwilio()

    def session() -> requests.Session:
        s = requests.Session()
        s.mount("https://", fake)
        s.mount("http://", fake)
        return s

    monkeypatch.setattr(media, "http_session", session)
    return fake


def test_mms_in_a_conversation_is_attached_and_fetched_with_twilio_auth(world: Any, twilio: FakeTwilio) -> None:
    phone = Phone()
    phone.send("1")
    phone.send("RF101")
    phone.send("This is my payslip", media=((URL, "image/jpeg"),))
    phone.send("SEND")
    complaint = Complaint.objects.get()
    attachment = Attachment.objects.get(complaint=complaint)
    assert attachment.source_url == URL and attachment.fetched_at is None and not attachment.file
    assert OutboxEntry.objects.filter(task=sms_media_fetch.name, kwargs={"attachment_id": attachment.pk}).exists()

    sms_media_fetch.apply(kwargs={"attachment_id": attachment.pk})
    attachment.refresh_from_db()
    assert attachment.fetched_at is not None and attachment.size == len(PNG)
    assert attachment.file.read() == PNG
    expected = "Basic " + base64.b64encode(f"{ACCOUNT_SID}:{TOKEN}".encode()).decode()
    assert twilio.requests[0].headers["Authorization"] == expected
    sms_media_fetch.apply(kwargs={"attachment_id": attachment.pk})  # a duplicate task: nothing more
    assert len(twilio.requests) == 1


def test_mms_to_an_open_case_is_attached_at_once(world: Any, twilio: FakeTwilio) -> None:
    phone = Phone()
    phone.send("RF101 They kept our pay")
    phone.send("", media=((URL, "image/png"),))
    attachment = Attachment.objects.get()
    assert attachment.complaint == Complaint.objects.get()
    assert media.media_fetch(attachment_id=attachment.pk)


def test_twilio_outage_retries_and_a_missing_medium_is_given_up(world: Any, twilio: FakeTwilio) -> None:
    Phone().send("RF101 They kept our pay", media=((URL, "image/png"),))
    attachment = Attachment.objects.get()
    twilio.status = 503
    with pytest.raises(media.MediaUnavailable):
        media.media_fetch(attachment_id=attachment.pk)
    twilio.status = 404
    assert media.media_fetch(attachment_id=attachment.pk) is False
    attachment.refresh_from_db()
    assert attachment.fetched_at is None


def test_credentials_never_go_to_a_host_other_than_twilio(world: Any, twilio: FakeTwilio) -> None:
    Phone().send("RF101 They kept our pay", media=(("https://evil.example/x.png", "image/png"),))
    attachment = Attachment.objects.get()
    assert media.media_fetch(attachment_id=attachment.pk) is False
    assert twilio.requests == []

"""/track/: a worker follows her case with the reference and the receipt code."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import translation

from complaints.choices import Channel, MessageKind, Status
from complaints.models import Attachment, Complaint, Message
from complaints.services import complaint_create
from complaints.worker_status import worker_status_explanation
from tests.complaints.web.conftest import file_complaint, png


@pytest.fixture
def filed(world):
    client = Client()
    complaint, code = file_complaint(client, lang="ht")
    return complaint, code


def open_case(complaint: Complaint, code: str, lang: str = "en") -> Client:
    client = Client()
    response = client.post(f"/track/?lang={lang}", {"reference": complaint.reference, "receipt_code": code})
    assert response.status_code == 302
    assert response["Location"].startswith("/track/case/")
    return client


def neutral_body(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def test_right_reference_and_code_show_status_in_the_workers_language(filed):
    complaint, code = filed
    client = open_case(complaint, code, lang="ht")
    page = client.get("/track/case/?lang=ht")
    html = page.content.decode()
    assert page.status_code == 200
    assert complaint.reference in html
    with translation.override("ht"):
        explanation = worker_status_explanation(Status.NEW)
    assert explanation in html
    with translation.override("en"):
        assert explanation != worker_status_explanation(Status.NEW)  # really translated


def test_reference_and_code_are_read_however_they_are_typed(filed):
    complaint, code = filed
    reference = complaint.reference.lower()
    response = Client().post(
        "/track/", {"reference": f" {reference[:4]}-{reference[4:]} ", "receipt_code": code.lower()}
    )
    assert response.status_code == 302


def test_wrong_code_and_unknown_reference_get_the_same_neutral_answer(filed):
    complaint, code = filed
    wrong_code = Client().post("/track/", {"reference": complaint.reference, "receipt_code": "AAAAAAAAAA"})
    unknown_reference = Client().post("/track/", {"reference": "XXXXXXXX", "receipt_code": code})
    assert wrong_code.status_code == unknown_reference.status_code == 400
    assert "We could not find a complaint with this case number and secret code." in wrong_code.content.decode()
    assert neutral_body(wrong_code).replace(complaint.reference, "XXXXXXXX") == neutral_body(unknown_reference).replace(
        code, "AAAAAAAAAA"
    )


def test_an_sms_case_without_receipt_code_cannot_be_opened_on_the_web(world):
    complaint = complaint_create(channel=Channel.SMS, language="en", description="by sms")
    response = Client().post("/track/", {"reference": complaint.reference, "receipt_code": ""})
    assert response.status_code == 400
    response = Client().post("/track/", {"reference": complaint.reference, "receipt_code": "AAAAAAAAAA"})
    assert response.status_code == 400


def test_case_page_without_a_checked_code_goes_back_to_the_form(world):
    response = Client().get("/track/case/")
    assert response.status_code == 302
    assert response["Location"].startswith("/track/")


def test_the_worker_sees_the_monitors_messages_but_never_internal_notes(filed, world):
    complaint, code = filed
    Message.objects.create(complaint=complaint, kind=MessageKind.OUTBOUND, body="We will visit the farm on Monday.")
    Message.objects.create(complaint=complaint, kind=MessageKind.NOTE, body="Supervisor is the owner's cousin.")
    html = open_case(complaint, code).get("/track/case/").content.decode()
    assert "We will visit the farm on Monday." in html
    assert "cousin" not in html


def test_the_worker_adds_a_message_and_a_photo(filed):
    complaint, code = filed
    client = open_case(complaint, code, lang="bn")
    response = client.post(
        "/track/case/?lang=bn",
        {"idempotency_key": "5b0f5a43-3c53-4f7e-9e59-6f3c9e1f2a11", "body": "He did it again today.", "photo": png()},
    )
    assert response.status_code == 302
    message = Message.objects.get(complaint=complaint, kind=MessageKind.INBOUND)
    assert message.body == "He did it again today."
    assert message.channel == Channel.WEB
    assert message.language == "bn"
    attachment = Attachment.objects.get(message=message)
    assert attachment.complaint == complaint and attachment.content_type == "image/png"
    page = client.get(response["Location"]).content.decode()
    assert "He did it again today." in page
    with translation.override("bn"):
        assert translation.gettext("Thank you. We added this to your complaint.") in page


def test_a_double_tapped_follow_up_is_stored_once(filed):
    complaint, code = filed
    client = open_case(complaint, code)
    data = {"idempotency_key": "0b6c1a8e-9f0e-4d8c-8f55-8a7f3e3c0d11", "body": "Same message"}
    client.post("/track/case/", data)
    client.post("/track/case/", data)
    assert Message.objects.filter(complaint=complaint, kind=MessageKind.INBOUND).count() == 1


def test_an_empty_follow_up_is_refused_kindly(filed):
    complaint, code = filed
    response = open_case(complaint, code).post("/track/case/", {"body": "  "})
    assert response.status_code == 400
    assert "Please write a message or choose a photo." in response.content.decode()
    assert not Message.objects.filter(complaint=complaint, kind=MessageKind.INBOUND).exists()


def test_leaving_hides_the_case_on_a_shared_phone(filed):
    complaint, code = filed
    client = open_case(complaint, code)
    assert client.post("/track/leave/").status_code == 302
    assert client.get("/track/case/").status_code == 302


def test_track_lookups_are_throttled_per_client(filed, settings):
    settings.WEB_INTAKE_RATES = {"track": "2/h"}
    client = Client()
    for _ in range(2):
        client.post("/track/", {"reference": "XXXXXXXX", "receipt_code": "AAAAAAAAAA"})
    assert client.post("/track/", {"reference": "XXXXXXXX", "receipt_code": "AAAAAAAAAA"}).status_code == 429


def test_case_page_query_count_does_not_grow_with_messages(filed, django_assert_num_queries):
    complaint, code = filed
    client = open_case(complaint, code)
    for n in range(3):
        Message.objects.create(complaint=complaint, kind=MessageKind.OUTBOUND, body=f"update {n}")
    with django_assert_num_queries(3):  # session, complaint, thread with photo counts
        client.get("/track/case/")
    for n in range(20):
        Message.objects.create(complaint=complaint, kind=MessageKind.OUTBOUND, body=f"more {n}")
    with django_assert_num_queries(3):
        client.get("/track/case/")


def test_track_form_query_count_is_pinned(filed, django_assert_num_queries):
    complaint, _code = filed
    with django_assert_num_queries(1):  # the complaint by reference (sessions stay untouched)
        Client().post("/track/", {"reference": complaint.reference, "receipt_code": "AAAAAAAAAA"})


HOUSING_HELP = "Ofis lojman Dhaka: rele 16xxx, lendi a vandredi."


def refer(complaint: Complaint, world, standards) -> None:
    from complaints import workflow
    from complaints.choices import Scope

    workflow.complaint_triage(
        complaint=complaint, actor=world.lead, standard=standards["W-1"], scope=Scope.NOT_COVERED,
        referral_info=HOUSING_HELP,
    )  # fmt: skip
    workflow.complaint_refer(complaint=complaint, actor=world.lead)


def test_a_referred_web_worker_reads_where_to_get_help_in_her_language(filed, world, standards):
    complaint, code = filed  # filed on the web in Haitian Creole, no phone: no SMS can reach her
    refer(complaint, world, standards)
    html = open_case(complaint, code, lang="ht").get("/track/case/?lang=ht").content.decode()
    assert HOUSING_HELP in html
    assert "Kote pou jwenn èd" in html  # "Where to get help"
    assert "Men kote ou ka jwenn èd" in html  # the explanation points to it, in Creole
    assert not Message.objects.filter(complaint=complaint, kind=MessageKind.OUTBOUND).exists()


def test_the_help_stays_on_track_after_the_referred_case_is_closed(filed, world, standards):
    from complaints import workflow

    complaint, code = filed
    refer(complaint, world, standards)
    workflow.complaint_close(complaint=complaint, actor=world.lead)
    html = open_case(complaint, code).get("/track/case/").content.decode()
    assert HOUSING_HELP in html


def test_no_referral_help_is_shown_once_the_case_was_reopened_and_concluded_otherwise(filed, world, standards):
    from complaints import workflow

    complaint, code = filed
    refer(complaint, world, standards)
    workflow.complaint_reopen(complaint=complaint, actor=world.lead, reason="The worker sent new facts")
    client = open_case(complaint, code)
    assert 'id="referral"' not in client.get("/track/case/").content.decode()
    workflow.complaint_mark_not_substantiated(complaint=complaint, actor=world.lead)
    workflow.complaint_close(complaint=complaint, actor=world.lead)
    html = client.get("/track/case/").content.decode()
    assert HOUSING_HELP not in html and 'id="referral"' not in html

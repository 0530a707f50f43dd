"""/report/: a worker files a complaint from a phone, without JavaScript, in her language."""

from __future__ import annotations

import re
import threading
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.utils import translation

from complaints.choices import Channel, MessageKind
from complaints.models import Attachment, Complainant, Complaint, Message
from complaints.services import phone_hash
from tests.complaints.web.conftest import file_complaint, png, report_data, shown_codes
from wsr.network.models import Worksite

LANGUAGES = ["en", "es", "ht", "bn"]
BAD_PHONE = (
    "This phone number does not look right. Please write it with the country code, "
    "for example +1 555 123 4567, or leave it empty."
)


def translated(lang: str, text: str) -> str:
    with translation.override(lang):
        return translation.gettext(text)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_worker_files_a_complaint_in_her_language_and_sees_reference_and_code(world, lang):
    client = Client()
    page = client.get(f"/report/?lang={lang}")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'<html lang="{lang}">' in html
    assert translated(lang, "Make a complaint") in html
    if lang != "en":
        assert translated(lang, "Make a complaint") != "Make a complaint"
        assert "Make a complaint" not in html

    complaint, code = file_complaint(client, lang)

    assert complaint.channel == Channel.WEB
    assert complaint.language == lang
    assert complaint.worksite == world.worksite_a
    assert complaint.description == "The supervisor kept our overtime pay for two weeks."
    assert complaint.complainant is None  # anonymous
    assert len(code) == 10
    assert complaint.receipt_code_hash and code not in complaint.receipt_code_hash


def test_the_chosen_language_is_remembered_by_cookie(world):
    client = Client()
    client.get("/report/?lang=ht")
    page = client.get("/report/")
    assert '<html lang="ht">' in page.content.decode()


def test_reference_and_receipt_code_are_shown_only_once(world):
    client = Client()
    response = client.post("/report/?lang=es", report_data())
    assert response.status_code == 302
    first = client.get(response["Location"])
    reference, code = shown_codes(first.content.decode())
    assert translated("es", "Write down both codes now and keep them safe.") in first.content.decode()
    assert first["Cache-Control"].startswith("max-age=0")

    again = client.get(response["Location"])
    html = again.content.decode()
    assert reference not in html and code not in html
    assert translated("es", "For your safety, the case number and the secret code are shown only once.") in html


def test_a_forged_confirmation_link_shows_nothing(world):
    response = Client().get("/report/done/?t=not-a-token")
    assert response.status_code == 200
    assert 'id="reference"' not in response.content.decode()


def test_double_submitted_form_creates_one_complaint_and_the_same_confirmation(world):
    client = Client()
    data = report_data()
    first = client.post("/report/", data)
    second = client.post("/report/", data)  # double tap: the browser shows the second answer only
    assert first.status_code == second.status_code == 302
    assert Complaint.objects.count() == 1
    reference, code = shown_codes(client.get(second["Location"]).content.decode())
    complaint = Complaint.objects.get()
    assert reference == complaint.reference
    assert Client().post("/track/", {"reference": reference, "receipt_code": code}).status_code == 302


@pytest.mark.django_db(transaction=True)
def test_concurrent_double_submit_creates_one_complaint(world):
    data = report_data()
    answers: list[int] = []

    def submit() -> None:
        try:
            answers.append(Client().post("/report/", data).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [302, 302, 302, 302]
    assert Complaint.objects.filter(idempotency_key=data["idempotency_key"]).count() == 1


def test_missing_description_keeps_everything_typed(world):
    response = Client().post(
        "/report/?lang=bn", report_data(description="   ", name="Rina", phone="+1 555 123 4567", worksite_code="rf101")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert translated("bn", "Please tell us what happened.") in html
    assert 'value="Rina"' in html and 'value="+1 555 123 4567"' in html and 'value="rf101"' in html
    assert Complaint.objects.count() == 0


def test_bad_phone_number_gets_a_clear_error_and_nothing_is_lost(world):
    data = report_data(phone="12")
    response = Client().post("/report/?lang=ht", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert translated("ht", BAD_PHONE) in html and translated("ht", BAD_PHONE) != BAD_PHONE
    assert data["description"] in html
    assert f'value="{data["idempotency_key"]}"' in html  # the same form: a retry still submits once
    assert Complaint.objects.count() == 0


def test_unknown_worksite_code_is_refused_kindly(world):
    response = Client().post("/report/", report_data(worksite_code="ZZ999"))
    assert response.status_code == 400
    assert "We do not know the workplace code ZZ999" in response.content.decode()
    assert Complaint.objects.count() == 0


def test_inactive_worksite_code_is_unknown(world):
    Worksite.objects.filter(pk=world.worksite_a.pk).update(is_active=False)
    response = Client().post("/report/", report_data(worksite_code="RF101"))
    assert response.status_code == 400


def test_worksite_may_be_left_empty(world):
    complaint, _code = file_complaint(Client(), worksite_code="")
    assert complaint.worksite is None


def test_worksite_code_is_read_in_any_case_and_spacing(world):
    complaint, _code = file_complaint(Client(), worksite_code=" rf-101 ")
    assert complaint.worksite == world.worksite_a


def test_name_without_phone_is_kept_encrypted_on_a_complainant(world):
    complaint, _code = file_complaint(Client(), name="Rina Akter")
    assert complaint.complainant.name == "Rina Akter"
    assert complaint.complainant.phone == ""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM complaints_complainant WHERE id = %s", [complaint.complainant_id])
        assert "Rina" not in cursor.fetchone()[0]


def test_phone_makes_the_worker_reachable_and_sends_the_acknowledgement(world):
    complaint, _code = file_complaint(Client(), lang="bn", phone="(555) 123-4567", name="Rina")
    complainant = Complainant.objects.get(claimed_phone_hash=phone_hash("+15551234567"))
    assert complaint.complainant == complainant
    assert complainant.phone == "+15551234567"
    assert complainant.phone_hash == ""  # a typed-in number never routes that phone's SMS here
    acknowledgement = Message.objects.get(complaint=complaint, kind=MessageKind.OUTBOUND)
    assert complaint.reference in acknowledgement.body


def test_a_number_typed_into_the_form_never_joins_the_complainant_who_texts_from_it(world):
    texter = Complainant.objects.create(phone="+15551234567", phone_hash=phone_hash("+15551234567"), name="Rosa")
    complaint, _ = file_complaint(Client(), phone="+1 555 123 4567", name="Someone Else")
    assert complaint.complainant_id != texter.pk
    texter.refresh_from_db()
    assert texter.name == "Rosa"  # the form cannot rename her either


def test_photo_is_attached_under_a_name_that_does_not_reuse_the_workers_file_name(world):
    complaint, _code = file_complaint(Client(), photo=png("rina-akter-payslip.png"))
    attachment = Attachment.objects.get(complaint=complaint)
    assert attachment.content_type == "image/png"
    assert attachment.size > 0
    assert "rina" not in attachment.file.name and attachment.file.name.endswith(".png")


def test_a_file_that_is_not_a_photo_is_refused_with_a_clear_error(world):
    fake = SimpleUploadedFile("photo.jpg", b"#!/bin/sh\necho hi\n", content_type="image/jpeg")
    response = Client().post("/report/?lang=es", report_data(photo=fake))
    assert response.status_code == 400
    html = response.content.decode()
    assert translated("es", "This file is not a photo. Please choose a picture (JPG, PNG, WEBP or HEIC).") in html
    assert translated("es", "If you chose a photo, please choose it again.") in html
    assert Complaint.objects.count() == 0


def test_a_photo_over_the_size_limit_is_refused(world, settings):
    settings.WEB_UPLOAD_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("big.png", b"\x89PNG\r\n\x1a\n" + b"0" * (1024 * 1024 + 1), content_type="image/png")
    response = Client().post("/report/", report_data(photo=big))
    assert response.status_code == 400
    assert "This photo is too big. The limit is 1 MB." in response.content.decode()
    assert Complaint.objects.count() == 0


def test_too_long_description_is_refused_and_kept(world):
    text = "x" * 5001
    response = Client().post("/report/", report_data(description=text))
    assert response.status_code == 400
    assert "at most 5000 characters" in response.content.decode()
    assert text in response.content.decode()


def test_a_mangled_idempotency_key_still_files_the_complaint(world):
    complaint, _ = file_complaint(Client(), idempotency_key="not-a-uuid")
    assert isinstance(complaint.idempotency_key, uuid.UUID)


def test_forms_are_plain_posts_that_need_no_javascript(world):
    client = Client()
    for url in ("/report/", "/track/", "/report/worksites/?q=Sun"):
        html = client.get(url).content.decode()
        assert "<script" not in html
        assert " onclick=" not in html and " onsubmit=" not in html
    report = client.get("/report/").content.decode()
    assert re.search(r'<form method="post" action="/report/\?lang=en" enctype="multipart/form-data"', report)
    assert '<button type="submit"' in report


def test_worksite_search_lists_active_worksites_by_name_or_code(world):
    from wsr.network import services

    services.worksite_create(supplier=world.supplier_a, name="Sunrise South", code="RF102")
    closed = services.worksite_create(supplier=world.supplier_a, name="Sunrise Old", code="RF103")
    Worksite.objects.filter(pk=closed.pk).update(is_active=False)

    html = Client().get("/report/worksites/?q=sunrise&lang=ht").content.decode()
    assert "RF101" in html and "Sunrise North" in html and "RF102" in html
    assert "RF103" not in html
    assert "Delta" not in html
    assert "Sunrise Farms" not in html  # the supplier behind a worksite is not shown
    assert "/report/?worksite=RF101&amp;lang=ht" in html

    by_code = Client().get("/report/worksites/?q=dk4").content.decode()
    assert "DK401" in by_code and "RF101" not in by_code


def test_choosing_a_search_result_fills_in_the_code(world):
    html = Client().get("/report/?worksite=RF101").content.decode()
    assert 'value="RF101"' in html


def test_worksite_search_needs_two_letters(world):
    response = Client().get("/report/worksites/?q=s")
    assert response.status_code == 200
    assert "Please type at least 2 letters." in response.content.decode()


def test_report_is_throttled_in_the_cache_and_keeps_what_was_typed(world, settings):
    settings.WEB_INTAKE_RATES = {"report": "2/h"}
    client = Client()
    file_complaint(client)
    file_complaint(client)
    data = report_data(description="A third complaint from the same phone.")
    response = client.post("/report/", data)
    assert response.status_code == 429
    assert "Too many tries" in response.content.decode()
    assert data["description"] in response.content.decode()
    assert Complaint.objects.count() == 2
    other_client = Client(REMOTE_ADDR="198.51.100.7")
    assert other_client.post("/report/", report_data()).status_code == 302


def test_report_answers_405_to_other_methods(world):
    assert Client().put("/report/").status_code == 405


class _CacheDown:
    """Stands in for Redis while it is unreachable."""

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("Redis is down")

        return fail


@pytest.mark.django_db(transaction=True)
def test_with_redis_down_a_double_tap_shows_one_confirmation_and_its_code_is_the_real_one(world, monkeypatch):
    import complaints.web.services as web_services
    from complaints.services import receipt_code_check

    monkeypatch.setattr(web_services, "cache", _CacheDown())
    data = report_data()
    answers: list[tuple[int, str]] = []

    def submit() -> None:
        try:
            response = Client().post("/report/", data)
            answers.append((response.status_code, response.content.decode()))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    shown = [html for status, html in answers if status == 200]
    assert len(shown) == 1 and sorted(status for status, _ in answers) == [200, 302, 302, 302]
    reference, code = shown_codes(shown[0])
    assert receipt_code_check(complaint=Complaint.objects.get(reference=reference), code=code)

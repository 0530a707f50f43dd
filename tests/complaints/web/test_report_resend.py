"""Sending a confirmed /report/ form again (back button, "resend" on reload) finds the complaint
already sent: the page says so and never shows a new receipt code, which would not open the case."""

from __future__ import annotations

from django.test import Client
from django.utils import translation

from complaints.models import Complaint
from tests.complaints.web.conftest import report_data, shown_codes


def already_sent(lang: str) -> str:
    with translation.override(lang):
        return translation.gettext("Your complaint was already sent")


def test_resending_a_confirmed_form_says_already_sent_and_shows_no_new_code(world):
    client = Client()
    data = report_data()
    first = client.post("/report/?lang=es", data)
    reference, code = shown_codes(client.get(first["Location"]).content.decode())

    again = client.post("/report/?lang=es", data, follow=True)

    html = again.content.decode()
    assert again.status_code == 200
    assert already_sent("es") in html
    assert 'id="receipt-code"' not in html and reference not in html
    assert Complaint.objects.count() == 1
    # The code shown the first time still opens the case.
    assert Client().post("/track/", {"reference": reference, "receipt_code": code}).status_code == 302


def test_resending_before_the_confirmation_was_read_shows_the_real_code_once(world):
    client = Client()
    data = report_data()
    client.post("/report/", data)  # the answer never reached the phone
    again = client.post("/report/", data)
    reference, code = shown_codes(client.get(again["Location"]).content.decode())
    assert Client().post("/track/", {"reference": reference, "receipt_code": code}).status_code == 302

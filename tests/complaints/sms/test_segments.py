"""Every hotline text fits in two SMS in every language (shared/reference/twilio.md, "Segments")."""

from __future__ import annotations

import pytest
from django.utils import translation

from complaints.choices import Language, Status
from complaints.models import Complaint
from complaints.reply_templates import reply_template_choices, reply_template_text
from complaints.sms import texts
from complaints.worker_status import status_update_sms

REFERENCE = "K7MXR4TE"
TEXTS = {
    "ask_worksite": lambda: texts.ask_worksite(),
    "worksite_not_found": lambda: texts.worksite_not_found("RF1O1"),
    "ask_what_happened": lambda: texts.ask_what_happened(),
    "more_or_send": lambda: texts.more_or_send(),
    "nothing_written": lambda: texts.nothing_written(),
    "acknowledgement": lambda: texts.acknowledgement(REFERENCE),
    "added_to_case": lambda: texts.added_to_case(REFERENCE),
    "case_not_found": lambda: texts.case_not_found(REFERENCE),
    "help_text": lambda: texts.help_text(),
    "opted_in": lambda: texts.opted_in(),
    "received_neutral": lambda: texts.received_neutral(),
}


def test_segments_are_counted_as_phones_count_them():
    assert texts.segments("a" * 160) == 1 and texts.segments("a" * 161) == 2
    assert texts.segments("€" * 80) == 1 and texts.segments("€" * 81) == 2  # two places each
    assert texts.segments("á" * 70) == 1 and texts.segments("á" * 71) == 2  # UCS-2
    assert texts.segments("আ" * 134) == 2 and texts.segments("আ" * 135) == 3


@pytest.mark.parametrize("language", Language.values)
@pytest.mark.parametrize("name", TEXTS)
def test_every_hotline_text_fits_in_two_sms(language, name):
    with translation.override(language):
        text = TEXTS[name]()
    assert texts.segments(text) <= 2, f"{name} in {language} costs {texts.segments(text)} SMS: {text}"


def test_the_language_menu_is_one_sms():
    assert texts.segments(texts.LANGUAGE_MENU) == 1


@pytest.mark.parametrize("language", Language.values)
@pytest.mark.parametrize("status", Status.values)
def test_every_status_update_fits_in_two_sms(language, status):
    text = status_update_sms(Complaint(reference=REFERENCE, status=status, language=language))
    assert texts.segments(text) <= 2, f"{status} in {language} costs {texts.segments(text)} SMS: {text}"


@pytest.mark.parametrize("language", Language.values)
@pytest.mark.parametrize("key", [key for key, _label in reply_template_choices()])
def test_every_reply_template_is_translated_and_fits_in_two_sms(language, key):
    text = reply_template_text(key=key, language=language)
    assert texts.segments(text) <= 2, f"{key} in {language} costs {texts.segments(text)} SMS: {text}"
    if language != Language.EN:
        assert text != reply_template_text(key=key, language=Language.EN), f"{key} is not translated to {language}"

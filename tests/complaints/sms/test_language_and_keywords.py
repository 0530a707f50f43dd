"""Replies follow the worker's language, and nothing she writes is lost: every keyword at every step of
the conversation, through the signed webhook."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from complaints.choices import DeliveryStatus, MessageKind
from complaints.models import Complaint, Message, SmsConversation
from complaints.services import complainant_find_by_phone
from complaints.sms import texts
from complaints.sms.backends import MemoryBackend
from complaints.worker_status import status_update_sms
from tests.complaints.sms.conftest import Phone, text

STORY_BN = "সুপারভাইজার আমাদের দুই সপ্তাহের বেতন দেয়নি"
STORY_HT = "Patwon an pa peye nou lè siplemantè yo"
STORY_ES = "El patrón no nos pagó las horas extra"
# A story whose language cannot be told from its words: the menu is asked, the story kept.
STORY_UNKNOWN = "Supervisor Rahim took 200 dollars from everyone"


def conversation_language(phone: Phone) -> str:
    complainant = complainant_find_by_phone(phone=phone.number)
    assert complainant is not None
    return SmsConversation.objects.get(complainant=complainant).language


# --- Replies follow her language --------------------------------------------------------------------


@pytest.mark.parametrize("greeting", ["hello", "Hi!", "Good morning", "Hola, buenos días", "Bonjou", "নমস্কার"])
def test_a_first_message_that_is_only_a_greeting_gets_the_language_menu(
    world: Any, phone: Phone, greeting: str
) -> None:
    assert phone.send(greeting) == texts.LANGUAGE_MENU
    assert conversation_language(phone) == ""


def test_hello_then_bengali_script_gets_every_reply_in_bengali(world: Any, phone: Phone) -> None:
    assert phone.send("hello") == texts.LANGUAGE_MENU
    assert phone.send(STORY_BN) == text("bn", texts.ask_worksite)
    assert phone.send("RF101") == text("bn", texts.more_or_send)
    assert phone.send("পাঠান") == ""
    complaint = Complaint.objects.get()
    assert complaint.language == "bn" and complaint.description == STORY_BN
    ack = Message.objects.get(complaint=complaint, kind=MessageKind.OUTBOUND, in_reply_to__isnull=True)
    assert ack.body == text("bn", texts.acknowledgement, complaint.reference)


@pytest.mark.parametrize(("story", "lang"), [(STORY_BN, "bn"), (STORY_ES, "es"), (STORY_HT, "ht")])
def test_a_message_clearly_in_another_language_switches_the_conversation(
    world: Any, phone: Phone, story: str, lang: str
) -> None:
    phone.send("1")
    assert phone.send("RF101") == text("en", texts.ask_what_happened)
    assert phone.send(story) == text(lang, texts.more_or_send)
    assert conversation_language(phone) == lang
    assert phone.send("2024-06-01") == text(lang, texts.more_or_send)
    phone.send("SEND")
    assert Complaint.objects.get().language == lang
    assert complainant_find_by_phone(phone=phone.number).preferred_language == lang  # type: ignore[union-attr]


def test_a_story_before_the_code_in_another_language_switches_the_question(world: Any, phone: Phone) -> None:
    phone.send("2")
    assert phone.send(STORY_HT) == text("ht", texts.ask_worksite)
    assert phone.send("RF101") == text("ht", texts.more_or_send)


@pytest.mark.parametrize("unclear", ["OK", "Rahim", "2024-06-01", "RF101 ok", "gracias", "yes please"])
def test_a_message_that_is_not_clearly_in_another_language_switches_nothing(
    world: Any, phone: Phone, unclear: str
) -> None:
    phone.send("3")
    phone.send("DK401")
    assert phone.send(unclear) == text("ht", texts.more_or_send)
    assert conversation_language(phone) == "ht"


@pytest.mark.parametrize("lang", ["es", "ht", "bn"])
def test_english_keywords_answer_in_the_conversations_language(world: Any, phone: Phone, lang: str) -> None:
    phone.send({"es": "2", "ht": "3", "bn": "4"}[lang])
    assert phone.send("HELP") == text(lang, texts.help_text)
    assert phone.send("RF101") == text(lang, texts.ask_what_happened)  # the conversation goes on
    assert phone.send("help") == text(lang, texts.help_text)
    assert phone.send("START") == text(lang, texts.opted_in)
    assert phone.send("STATUS") == text(lang, texts.help_text)  # no case yet: how to use the line
    assert phone.send("STATUS K7MXR4TE") == text(lang, texts.case_not_found, "K7MXR4TE")
    assert phone.send("NEW") == text(lang, texts.ask_worksite)


def test_keywords_outside_a_conversation_answer_in_the_language_of_her_last_complaint(world: Any, phone: Phone) -> None:
    phone.send(f"RF101 {STORY_ES}")
    complaint = Complaint.objects.get()
    assert phone.send("HELP") == text("es", texts.help_text)
    assert phone.send(f"STATUS {complaint.reference}") == status_update_sms(complaint)
    assert complaint.language == "es" and "Caso" in status_update_sms(complaint)
    assert phone.send("NEW") == text("es", texts.ask_worksite)


def test_a_keyword_in_her_language_answers_in_it_outside_a_conversation(world: Any, phone: Phone) -> None:
    assert phone.send("AYUDA") == text("es", texts.help_text)
    assert phone.send("নতুন") == text("bn", texts.ask_worksite)


def test_status_in_the_middle_of_a_creole_conversation_answers_in_creole(world: Any, phone: Phone) -> None:
    phone.send(f"RF101 {STORY_ES}")  # a case in Spanish
    complaint = Complaint.objects.get()
    phone.send("NOUVO")  # a new complaint, in Creole this time
    assert phone.send(f"STATUS {complaint.reference}") == status_update_sms(complaint, language="ht")
    assert status_update_sms(complaint, language="ht") != status_update_sms(complaint)


def test_new_from_a_number_never_heard_before_asks_the_language_first(world: Any, phone: Phone) -> None:
    assert phone.send("NEW") == texts.LANGUAGE_MENU
    assert phone.send("4") == text("bn", texts.ask_worksite)


def test_a_message_to_an_open_case_clearly_in_another_language_is_thanked_in_it(world: Any, phone: Phone) -> None:
    phone.send("RF101 The supervisor kept our overtime pay")
    complaint = Complaint.objects.get()
    assert phone.send(STORY_BN) == text("bn", texts.added_to_case, complaint.reference)
    assert phone.send("Again today") == text("en", texts.added_to_case, complaint.reference)


# --- Nothing she writes is lost: every keyword at every step ----------------------------------------

KEYWORDS = ["HELP", "STATUS", "START", "STOP", "NEW", "SEND"]


def at_the_menu(phone: Phone) -> str:
    assert phone.send(STORY_UNKNOWN) == texts.LANGUAGE_MENU
    return STORY_UNKNOWN


def at_the_worksite_question(phone: Phone) -> str:
    phone.send("3")
    assert phone.send(STORY_HT) == text("ht", texts.ask_worksite)
    return STORY_HT


def telling_what_happened(phone: Phone) -> str:
    phone.send("3")
    phone.send("RF101")
    assert phone.send(STORY_HT) == text("ht", texts.more_or_send)
    return STORY_HT


STEPS: dict[str, Callable[[Phone], str]] = {
    "menu": at_the_menu,
    "worksite": at_the_worksite_question,
    "details": telling_what_happened,
}


def told_to_the_monitor(story: str) -> Complaint:
    """The complaint whose description holds ``story``; her message is in its thread."""
    complaint = Complaint.objects.get(description__contains=story)
    assert complaint.messages.filter(kind=MessageKind.INBOUND, body=story).exists()
    return complaint


@pytest.mark.parametrize("keyword", KEYWORDS)
@pytest.mark.parametrize("step", list(STEPS))
def test_every_keyword_at_every_step_keeps_what_she_already_wrote(
    world: Any, phone: Phone, step: str, keyword: str
) -> None:
    story = STEPS[step](phone)
    reply = phone.send(keyword)
    if step != "menu" and keyword in ("HELP", "START", "NEW"):
        assert reply in {text("ht", f) for f in (texts.help_text, texts.opted_in, texts.ask_worksite)}
    if SmsConversation.objects.filter(description__contains=story).exists():
        # HELP, STATUS, START: the conversation goes on; it ends as the worker ends it.
        assert keyword in ("HELP", "STATUS", "START")
        phone.send("SEND")
    complaint = told_to_the_monitor(story)
    assert Complaint.objects.count() == 1
    if keyword == "STOP":
        # Filed silently: nothing is ever sent to a number that opted out, the acknowledgement included.
        assert reply == ""
        ack = complaint.messages.get(kind=MessageKind.OUTBOUND, in_reply_to__isnull=True)
        assert ack.delivery_status == DeliveryStatus.SUPPRESSED
        assert complaint.messages.filter(kind=MessageKind.INBOUND, body="STOP").exists()  # the monitor sees why
    if keyword == "NEW":
        # Filed (and acknowledged), and a new complaint is being asked for.
        assert SmsConversation.objects.filter(description="").exists()
        assert complaint.messages.filter(kind=MessageKind.OUTBOUND, in_reply_to__isnull=True).count() == 1


@pytest.mark.parametrize("keyword", KEYWORDS)
def test_every_keyword_with_an_open_case_keeps_the_case_and_its_thread(world: Any, phone: Phone, keyword: str) -> None:
    phone.send(f"RF101 {STORY_HT}")
    complaint = Complaint.objects.get(description=STORY_HT)
    phone.send(keyword)
    phone.send("Yo fè l ankò jodi a")
    assert Complaint.objects.filter(pk=complaint.pk, description=STORY_HT).exists()
    if keyword == "NEW":
        assert SmsConversation.objects.get().description == "Yo fè l ankò jodi a"
    else:
        assert complaint.messages.filter(kind=MessageKind.INBOUND, body="Yo fè l ankò jodi a").exists()


@pytest.mark.parametrize("keyword", ["HELP", "STATUS", "NEW", "SEND", "AYUDA"])
def test_a_bare_keyword_from_an_opted_out_number_files_no_complaint_but_her_words_do(
    world: Any, phone: Phone, keyword: str
) -> None:
    phone.send("STOP")
    assert phone.send(keyword) == ""
    assert not Complaint.objects.exists()
    assert Message.objects.filter(kind=MessageKind.INBOUND, body=keyword).exists()  # recorded all the same
    assert phone.send(STORY_ES) == ""
    assert told_to_the_monitor(STORY_ES).language == "es"
    assert MemoryBackend.sent == []


def test_stop_with_a_photo_at_the_menu_files_the_photo(world: Any, phone: Phone) -> None:
    media = (("https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1", "image/jpeg"),)
    assert phone.send("", media=media) == texts.LANGUAGE_MENU
    phone.send("STOP")
    complaint = Complaint.objects.get()
    assert complaint.attachments.count() == 1
    assert not SmsConversation.objects.exists()

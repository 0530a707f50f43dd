"""The guided SMS conversation, every path in every language, through the signed webhook."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from complaints.choices import Channel, DeliveryStatus, MessageKind, Status
from complaints.models import Complaint, Event, Message, SmsConversation
from complaints.services import complainant_find_by_phone
from complaints.sms import texts
from complaints.sms.conversation import conversations_file_idle
from complaints.sms.services import sms_send
from complaints.worker_status import status_update_sms
from tests.complaints.sms.conftest import CITY, Phone, text

LANGS: dict[str, dict[str, str]] = {
    "en": {"digit": "1", "greeting": "Hello", "send": "SEND", "status": "STATUS", "help": "HELP", "new": "NEW",
           "dont_know": "don't know", "story": "The supervisor kept our overtime pay"},
    "es": {"digit": "2", "greeting": "Hola", "send": "enviar", "status": "Estado", "help": "ayuda", "new": "nuevo",
           "dont_know": "no sé", "story": "El patrón no nos pagó las horas extra"},
    "ht": {"digit": "3", "greeting": "Bonjou", "send": "voye", "status": "eta", "help": "èd", "new": "nouvo",
           "dont_know": "m pa konnen", "story": "Patwon an pa peye nou lè siplemantè yo"},
    "bn": {"digit": "4", "greeting": "নমস্কার", "send": "পাঠান", "status": "অবস্থা", "help": "সাহায্য", "new": "নতুন",
           "dont_know": "জানি না", "story": "সুপারভাইজার আমাদের ওভারটাইমের টাকা দেয়নি"},
}  # fmt: skip
ALL = pytest.mark.parametrize("lang", list(LANGS))


def acknowledgement_of(complaint: Complaint) -> Message:
    (ack,) = Message.objects.filter(complaint=complaint, kind=MessageKind.OUTBOUND, in_reply_to__isnull=True)
    assert ack.body == text(complaint.language, texts.acknowledgement, complaint.reference)
    assert ack.delivery_status == DeliveryStatus.RECORDED  # queued through the outbox
    return ack


@ALL
def test_the_menu_path_files_a_complaint_in_the_chosen_language(world: Any, phone: Phone, lang: str) -> None:
    words = LANGS[lang]
    assert phone.send("???") == texts.LANGUAGE_MENU
    assert phone.send("9") == texts.LANGUAGE_MENU  # not a menu choice: asked again
    assert phone.send(words["digit"]) == text(lang, texts.ask_worksite)
    assert phone.send("ZX999") == text(lang, texts.worksite_not_found, "ZX999")
    assert phone.send("rf 101") == text(lang, texts.ask_what_happened)
    assert phone.send(words["story"]) == text(lang, texts.more_or_send)
    assert phone.send("2024-06-01") == text(lang, texts.more_or_send)
    assert phone.send(words["send"]) == ""  # the acknowledgement goes out as an SMS of its own

    complaint = Complaint.objects.get()
    assert (complaint.channel, complaint.language, complaint.worksite) == (Channel.SMS, lang, world.worksite_a)
    assert complaint.description == f"{words['story']}\n2024-06-01"
    assert complaint.status == Status.NEW and complaint.acknowledge_due is not None
    acknowledgement_of(complaint)
    # The whole exchange is the case's thread; nothing is left outside it.
    assert not Message.objects.filter(complaint__isnull=True).exists()
    assert Message.objects.filter(complaint=complaint, kind=MessageKind.INBOUND).count() == 8
    assert not SmsConversation.objects.exists()
    assert complainant_find_by_phone(phone=phone.number).preferred_language == lang  # type: ignore[union-attr]
    if lang != "en":
        assert text(lang, texts.ask_worksite) != text("en", texts.ask_worksite)


@ALL
def test_a_greeting_alone_gets_the_language_menu_then_the_choice_is_followed(
    world: Any, phone: Phone, lang: str
) -> None:
    assert phone.send(LANGS[lang]["greeting"]) == texts.LANGUAGE_MENU
    assert phone.send(LANGS[lang]["digit"]) == text(lang, texts.ask_worksite)


@ALL
def test_dont_know_the_worksite_is_allowed(world: Any, phone: Phone, lang: str) -> None:
    words = LANGS[lang]
    phone.send(words["digit"])
    assert phone.send(words["dont_know"]) == text(lang, texts.ask_what_happened)
    phone.send(words["story"])
    phone.send(words["send"])
    complaint = Complaint.objects.get()
    assert complaint.worksite is None and complaint.language == lang


@ALL
def test_a_first_message_with_a_worksite_code_files_at_once(world: Any, phone: Phone, lang: str) -> None:
    assert phone.send(f"DK401 {LANGS[lang]['story']}") == ""
    complaint = Complaint.objects.get()
    assert (complaint.worksite, complaint.language) == (world.worksite_b, lang)
    assert complaint.description == LANGS[lang]["story"]
    acknowledgement_of(complaint)
    assert Message.objects.get(kind=MessageKind.INBOUND).complaint == complaint


@ALL
def test_a_message_from_a_phone_with_an_open_case_joins_it(world: Any, phone: Phone, lang: str) -> None:
    phone.send(f"RF101 {LANGS[lang]['story']}")
    complaint = Complaint.objects.get()
    assert phone.send("They did it again today") == text(lang, texts.added_to_case, complaint.reference)
    assert Complaint.objects.count() == 1
    assert complaint.messages.filter(kind=MessageKind.INBOUND, body="They did it again today").exists()


@ALL
def test_status_of_own_case_in_every_language(world: Any, phone: Phone, lang: str) -> None:
    phone.send(f"RF101 {LANGS[lang]['story']}")
    complaint = Complaint.objects.get()
    reply = phone.send(f"{LANGS[lang]['status']} {complaint.reference.lower()}")
    assert reply == status_update_sms(complaint)
    assert complaint.reference in reply


@ALL
def test_status_of_someone_elses_case_is_refused(world: Any, lang: str) -> None:
    other = Phone("+12025550199")
    other.send("RF101 They hit a coworker")
    theirs = Complaint.objects.get()
    me = Phone("+12025550102")
    reply = me.send(f"{LANGS[lang]['status']} {theirs.reference}")
    assert reply == text(lang, texts.case_not_found, theirs.reference)
    assert theirs.messages.filter(kind=MessageKind.INBOUND).count() == 1  # my question stays out of it


@ALL
def test_help_in_every_language(world: Any, phone: Phone, lang: str) -> None:
    assert phone.send(LANGS[lang]["help"]) == text(lang, texts.help_text)


@ALL
def test_new_starts_a_complaint_even_with_an_open_case(world: Any, phone: Phone, lang: str) -> None:
    words = LANGS[lang]
    phone.send(f"RF101 {words['story']}")
    assert phone.send(words["new"]) == text(lang, texts.ask_worksite)
    assert phone.send("DK401") == text(lang, texts.ask_what_happened)
    phone.send("Another problem")
    phone.send(words["send"])
    assert Complaint.objects.count() == 2
    newest = Complaint.objects.order_by("-id").first()
    assert newest is not None and newest.worksite == world.worksite_b and newest.description == "Another problem"


@ALL
def test_send_with_nothing_written_asks_for_words(world: Any, phone: Phone, lang: str) -> None:
    phone.send(LANGS[lang]["digit"])
    phone.send("RF101")
    assert phone.send(LANGS[lang]["send"]) == text(lang, texts.nothing_written)
    assert not Complaint.objects.exists()


def test_the_story_before_the_code_is_kept_and_the_code_asked_again(world: Any, phone: Phone) -> None:
    phone.send("1")
    assert phone.send("They made us work in the rain without pay") == text("en", texts.ask_worksite)
    assert phone.send("RF101") == text("en", texts.more_or_send)
    phone.send("SEND")
    complaint = Complaint.objects.get()
    assert complaint.description == "They made us work in the rain without pay"
    assert complaint.worksite == world.worksite_a


def test_a_code_alone_first_then_the_language(world: Any, phone: Phone) -> None:
    assert phone.send("RF101") == texts.LANGUAGE_MENU
    assert phone.send("2") == text("es", texts.ask_what_happened)


def test_a_quiet_conversation_is_filed_after_the_pause(world: Any, phone: Phone, settings: Any) -> None:
    settings.SMS_CONVERSATION_IDLE_MINUTES = 10
    phone.send("3")
    phone.send("RF101")
    phone.send("Yo pa peye nou")
    assert conversations_file_idle() == 0  # not quiet long enough
    SmsConversation.objects.update(last_message_at=timezone.now() - timedelta(minutes=11))
    assert conversations_file_idle() == 1
    complaint = Complaint.objects.get()
    assert complaint.language == "ht" and complaint.description == "Yo pa peye nou"
    acknowledgement_of(complaint)
    assert conversations_file_idle() == 0


def test_an_abandoned_conversation_without_words_is_forgotten(world: Any, phone: Phone) -> None:
    phone.send("1")
    SmsConversation.objects.update(last_message_at=timezone.now() - timedelta(days=2))
    assert conversations_file_idle() == 0
    assert not SmsConversation.objects.exists() and not Complaint.objects.exists()


@pytest.mark.parametrize("word", ["STOP", "stop", "StopAll", "UNSUBSCRIBE", "cancel", "END", "quit"])
def test_opt_out_words_silence_the_number_until_it_opts_in(world: Any, phone: Phone, word: str) -> None:
    phone.send("RF101 They kept our pay")
    complaint = Complaint.objects.get()
    assert phone.send(word) == ""
    complainant = complainant_find_by_phone(phone=phone.number)
    assert complainant is not None and complainant.opted_out
    # Nothing, ever: not to keywords, not to the case, not from the monitor.
    assert phone.send("HELP") == ""
    assert phone.send(f"STATUS {complaint.reference}") == ""
    assert phone.send("Still happening") == ""
    assert complaint.messages.filter(body="Still happening", kind=MessageKind.INBOUND).exists()  # still stored
    monitor_reply = sms_send(complainant=complainant, complaint=complaint, body="Can we call you?")
    assert monitor_reply.delivery_status == DeliveryStatus.SUPPRESSED
    outbound_before = Message.objects.filter(kind=MessageKind.OUTBOUND).count()
    phone.send("hello")
    assert Message.objects.filter(kind=MessageKind.OUTBOUND).count() == outbound_before


def test_an_opted_out_worker_without_an_open_case_is_still_heard_but_never_texted(world: Any, phone: Phone) -> None:
    phone.send("STOP")
    assert phone.send("RF101 The crew leader hit my brother") == ""
    complaint = Complaint.objects.get()
    assert complaint.description == "The crew leader hit my brother"
    assert complaint.worksite == world.worksite_a
    assert phone.send("He did it again today") == ""  # goes to that case, silently
    assert complaint.messages.filter(body="He did it again today").exists()
    assert not Message.objects.filter(kind=MessageKind.OUTBOUND).exclude(delivery_status=DeliveryStatus.SUPPRESSED)


@pytest.mark.parametrize("word", ["START", "yes", "Unstop"])
def test_opt_in_words_bring_the_number_back(world: Any, phone: Phone, word: str) -> None:
    phone.send("RF101 They kept our pay")
    complaint = Complaint.objects.get()
    phone.send("STOP")
    assert phone.send(word) == text("en", texts.opted_in)
    complainant = complainant_find_by_phone(phone=phone.number)
    assert complainant is not None and not complainant.opted_out
    monitor_reply = sms_send(complainant=complainant, complaint=complaint, body="Can we call you?")
    assert monitor_reply.delivery_status == DeliveryStatus.RECORDED


def test_geographic_fields_and_the_phone_are_not_stored_or_logged(world: Any, phone: Phone, caplog: Any) -> None:
    caplog.set_level("DEBUG")
    phone.send("RF101 They kept our pay")
    phone.send("More")
    for message in Message.objects.all():
        assert CITY not in message.body and phone.number not in message.body
    for event in Event.objects.all():
        assert CITY not in str(event.data)
    assert CITY not in caplog.text
    assert phone.number not in caplog.text and phone.number[2:] not in caplog.text

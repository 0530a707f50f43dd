"""The hotline's inbound side: one SMS from a worker in, the reply to give out.

``inbound_receive`` is the single entry point for the webhook, the spool replay and the simulator. In
one database transaction it stores the message (deduplicated on Twilio's ``MessageSid`` by the unique
constraint on ``Message.twilio_sid``), moves the worker's conversation on, files any complaint and
writes the outbox rows for the acknowledgement and the media downloads. It never talks to the broker.

The order of precedence for a message:

1. Twilio's opt-out and opt-in words (``STOP``…, ``START``…); ``STOP`` files what a conversation in
   progress already told (nothing she wrote is dropped);
2. an opted-out number: the message is kept, nothing is answered;
3. keywords (``STATUS <ref>``, ``HELP``, ``NEW``) in any language, answered in the conversation's
   language; ``NEW`` files the conversation in progress before starting another;
4. a conversation in progress (language → worksite code → what happened → ``SEND``); a message
   clearly in another language (its script, or its words) switches the conversation to it;
5. an open case of this phone: the message joins it;
6. a first message that starts with a known worksite code and says something: filed at once;
7. otherwise a new conversation starts: a greeting alone gets the language menu.

The reply is stored as an outbound ``Message`` (``in_reply_to`` the inbound one) so that a retried
webhook gets the very same answer and the monitor sees the whole exchange in the case's thread.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from complaints.choices import OPEN_STATUSES, Channel, DeliveryStatus, Language, MessageKind
from complaints.models import Attachment, Complainant, Complaint, ConversationStep, Message, SmsConversation
from complaints.services import (
    complainant_for_phone,
    complaint_create,
    complaint_search_refresh,
    message_record_inbound,
    normalize_reference,
    phone_normalize,
)
from complaints.sms import texts
from complaints.sms.services import (
    complainant_opt_in,
    complainant_opt_out,
    complainant_same_number,
    complaint_acknowledge_by_sms,
    sms_send,
)
from complaints.worker_status import status_update_sms
from wsr.network.models import Worksite
from wsr.outbox.services import outbox_enqueue_many

logger = logging.getLogger(__name__)

MAX_BODY = 20_000  # Twilio's own limit is 1,600; anything longer is not an SMS but is kept anyway
MAX_MEDIA = 10
# Everything below U+0020 except tab and newline, and DEL: PostgreSQL refuses NUL in text, and the
# rest only garbles the case page.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
WORKSITE_AT_START = re.compile(r"^\s*([A-Za-z]{2})[\s\-.]?(\d{3})(?![0-9])[\s,.:;\-]*(.*)$", re.DOTALL)
BENGALI = re.compile(r"[\u0980-\u09ff]")
WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# A few very common words of each language: enough to pick the language of "Hola" or "Bonjou".
LANGUAGE_WORDS: dict[str, set[str]] = {
    Language.EN: {
        "hello", "hi", "hey", "english", "the", "my", "i", "we", "they", "boss", "work", "job", "pay", "paid",
        "please", "help", "is", "was", "and", "not", "of", "to", "want", "complaint", "good", "morning",
    },
    Language.ES: {
        "hola", "buenos", "buenas", "dias", "días", "español", "espanol", "queja", "trabajo", "patrón", "patron",
        "quiero", "tengo", "estoy", "por", "favor", "gracias", "ayuda", "pago", "pagan", "mi", "el", "los", "las",
        "que", "qué", "una", "con", "para", "porque", "nos", "señor", "jefe", "sí", "ayer", "hoy",
    },
    Language.HT: {
        "bonjou", "bonswa", "alo", "kreyol", "kreyòl", "ayisyen", "mwen", "nou", "yo", "pa", "ki", "sa", "travay",
        "plent", "mèsi", "mesi", "patwon", "li", "ak", "pou", "nan", "konnen", "vle", "gen", "peye", "fè", "tanpri",
        "kounye", "yè", "jodi", "bòs", "kijan", "m",
    },
}  # fmt: skip
ACCENTS = {Language.ES: set("ñ¿¡áíóú"), Language.HT: set("òè")}
LATIN_LETTER = re.compile(r"[A-Za-zÀ-ÿ]")
# Words of a greeting and nothing more ("Hello", "Buenos días", "Bonjou", "নমস্কার"): they say nothing
# of the language she reads (many greet in English), so the answer is the language menu.
GREETINGS = {
    "hello", "hi", "hey", "good", "morning", "afternoon", "evening", "hola", "buenos", "buenas", "dias", "días",
    "tardes", "noches", "bonjou", "bonswa", "alo", "allo", "salut", "sak", "pase", "নমস্কার", "নমস্তে", "হ্যালো",
    "সালাম", "আসসালামু", "আলাইকুম", "assalamu", "alaikum", "salam",
}  # fmt: skip
# A message of this many words or more that is not an answer to the question asked is part of her story.
STORY_MIN_WORDS = 4


@dataclass(frozen=True)
class Inbound:
    """The parts of Twilio's webhook the hotline uses. Geographic fields are never read."""

    sid: str
    phone: str  # E.164
    body: str
    media: tuple[tuple[str, str], ...] = ()  # (url, content type)

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> Inbound | None:
        """Parse posted fields (a ``QueryDict`` or ``{name: [values]}``); None if unusable."""

        def first(name: str) -> str:
            value = fields.get(name, "")
            if isinstance(value, list | tuple):
                value = value[0] if value else ""
            return str(value)

        sid = first("MessageSid").strip() or first("SmsSid").strip()
        phone = phone_normalize(first("From").strip()[:40])
        if not sid or len(sid) > 64 or phone is None:
            return None
        body = CONTROL_CHARS.sub("", first("Body"))[:MAX_BODY].strip()
        media: list[tuple[str, str]] = []
        try:
            count = min(int(first("NumMedia") or 0), MAX_MEDIA)
        except ValueError:
            count = 0
        for n in range(max(count, 0)):
            url = first(f"MediaUrl{n}").strip()
            if url.startswith("https://") and len(url) <= 500:
                media.append((url, first(f"MediaContentType{n}").strip()[:100]))
        return cls(sid=sid, phone=phone, body=body, media=tuple(media))


@dataclass
class Outcome:
    reply: str = ""
    language: str = ""
    complaint: Complaint | None = None


# --- Reading what the worker wrote ------------------------------------------------------------------


def normalized(body: str) -> str:
    """Upper-cased, single-spaced, without surrounding punctuation: how keywords are compared."""
    return " ".join(body.split()).strip(" .,!?¡¿;:\"'").upper()


def keyword_of(word: str) -> tuple[str, str] | None:
    """(kind, language) of a keyword such as ``AYUDA`` → ("help", "es"); language may be ""."""
    for kind, words in texts.KEYWORDS.items():
        if word in words:
            return kind, words[word]
    return None


def only_greeting(body: str) -> bool:
    words = [word.strip(".,!?¡¿;:।\"'") for word in body.lower().split()]
    return any(words) and all(word in GREETINGS for word in words if word)


def language_chosen(body: str) -> str | None:
    """The language a reply picks: a menu digit, or text written in that language."""
    text = body.strip().strip(".)")
    if text in texts.LANGUAGE_BY_DIGIT:
        return texts.LANGUAGE_BY_DIGIT[text]
    return language_guess(body)


def menu_choice(body: str) -> str | None:
    """The language a first message (or an answer to the menu) picks; a greeting alone picks none:
    "Hello" says little of the language she reads, so she gets the menu."""
    return None if only_greeting(body) else language_chosen(body)


def language_clear(body: str) -> str | None:
    """The language a message is clearly written in, strong enough to switch a conversation: mostly
    Bengali letters, or at least two signs (common words, accents) of one Latin-script language and
    at most half as many of any other. None when unsure (a code, a name, "OK")."""
    bengali = len(BENGALI.findall(body))
    if bengali:
        return Language.BN if bengali >= len(LATIN_LETTER.findall(body)) else None
    scores = language_scores(body)
    ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    (best, score), (_second, runner_up) = ranked[0], ranked[1]
    return best if score >= 2 and score >= 2 * runner_up else None


def language_scores(body: str) -> dict[str, int]:
    """Signs of each Latin-script language: one per common word, two for its accents."""
    lower = body.lower()
    scores = dict.fromkeys(LANGUAGE_WORDS, 0)
    for word in WORD.findall(lower):
        for language, words in LANGUAGE_WORDS.items():
            if word in words:
                scores[language] += 1
    for language, accents in ACCENTS.items():
        if any(ch in accents for ch in lower):
            scores[language] += 2
    return scores


def language_guess(body: str) -> str | None:
    """A simple guess: Bengali script, else the language with most common words or accents."""
    if BENGALI.search(body):
        return Language.BN
    scores = language_scores(body)
    best = max(scores.values())
    winners = [language for language, score in scores.items() if score == best]
    return winners[0] if best > 0 and len(winners) == 1 else None


def worksite_at_start(body: str) -> tuple[str, Worksite | None, str] | None:
    """(typed code, worksite if known, rest of the text) when the message starts with a code."""
    match = WORKSITE_AT_START.match(body)
    if match is None:
        return None
    code = (match.group(1) + match.group(2)).upper()
    worksite = Worksite.objects.filter(code=code, is_active=True).first()
    return code, worksite, match.group(3).strip()


def says_dont_know(body: str) -> bool:
    stripped = " ".join(body.split()).upper()
    return stripped in texts.DONT_KNOW or normalized(body) in texts.DONT_KNOW


def in_language(language: str, text: Any, *args: Any) -> str:
    with translation.override(language or Language.EN):
        return str(text(*args))


# --- The entry point ------------------------------------------------------------------------------


def inbound_receive(
    *, fields: Mapping[str, Any], reply_by_sms: bool = False, received_at: datetime | None = None
) -> str | None:
    """Handle one inbound SMS; returns the reply text ("" for none), or None if the fields are unusable.

    ``reply_by_sms`` (the spool replay: the webhook request is long gone) sends the reply as an
    outbound SMS through the outbox instead of returning it for TwiML. A ``MessageSid`` seen before
    changes nothing and returns the reply given the first time. Raises ``OperationalError`` /
    ``InterfaceError`` when the database is unreachable (the caller spools the request).
    """
    inbound = Inbound.from_fields(fields)
    if inbound is None:
        return None
    now = received_at or timezone.now()
    with transaction.atomic():
        complainant = complainant_for_phone(phone=inbound.phone)
        try:
            with transaction.atomic():
                message = message_record_inbound(
                    complaint=None, complainant=complainant, body=inbound.body, twilio_sid=inbound.sid
                )
        except IntegrityError:
            return "" if reply_by_sms else reply_given(sid=inbound.sid)
        # One message of a phone at a time: its conversation is read and moved on under this lock.
        complainant = Complainant.objects.select_for_update().get(pk=complainant.pk)
        outcome = converse(complainant=complainant, message=message, inbound=inbound, now=now)
        if outcome.reply and not complainant.opted_out:
            reply_record(complainant=complainant, message=message, outcome=outcome, by_sms=reply_by_sms, now=now)
        if outcome.complaint is not None:
            Message.objects.filter(pk=message.pk).update(
                complaint=outcome.complaint, language=outcome.language or outcome.complaint.language
            )
            complaint_search_refresh(complaint=outcome.complaint)
    logger.info("SMS %s received (%s)", message.uuid, "reply" if outcome.reply else "no reply")
    return "" if reply_by_sms or complainant.opted_out else outcome.reply


def reply_given(*, sid: str) -> str:
    """The reply stored for an inbound message already handled (a retried webhook)."""
    reply = (
        Message.objects.filter(in_reply_to__twilio_sid=sid, kind=MessageKind.OUTBOUND)
        .order_by("id")
        .values_list("body", flat=True)
        .first()
    )
    return reply or ""


def reply_record(*, complainant: Complainant, message: Message, outcome: Outcome, by_sms: bool, now: datetime) -> None:
    if by_sms:
        sent = sms_send(complainant=complainant, complaint=outcome.complaint, body=outcome.reply)
        Message.objects.filter(pk=sent.pk).update(in_reply_to=message, language=outcome.language or sent.language)
        return
    # Twilio sends a TwiML reply itself; the row keeps it for retries and for the case's thread.
    Message.objects.create(
        complaint=outcome.complaint, complainant=complainant, kind=MessageKind.OUTBOUND, channel=Channel.SMS,
        body=outcome.reply, language=outcome.language, in_reply_to=message, delivery_status=DeliveryStatus.SENT,
        sent_at=now,
    )  # fmt: skip


def converse(*, complainant: Complainant, message: Message, inbound: Inbound, now: datetime) -> Outcome:
    """Decide what the message means and act on it. Call with the complainant's row locked."""
    body = inbound.body
    norm = normalized(body)
    kw = keyword_of(norm)
    conversation = SmsConversation.objects.filter(complainant=complainant).first()
    if conversation is not None:
        conversation.complainant = complainant  # the locked row

    if kw and kw[0] == "stop":
        complainant_opt_out(complainant=complainant)
        # What she already told is filed, silently, as texts from opted-out workers are.
        conversation_end(conversation)
        return Outcome()
    if kw and kw[0] == "start":
        complainant_opt_in(complainant=complainant)
        language = keyword_language(kw[1], conversation=conversation, complainant=complainant)
        return Outcome(reply=in_language(language, texts.opted_in), language=language)
    if complainant.opted_out:
        # She asked for no SMS, and gets none; but what she writes still reaches the monitor: it goes
        # to her open case or, without one, is filed as a complaint (no questions can be asked).
        case = open_case(complainant)
        if case is not None:
            media_attach(complaint=case, message=message, media=inbound.media)
            return Outcome(complaint=case)
        if not (body.strip() or inbound.media) or (kw and not inbound.media):
            return Outcome()  # a bare keyword (HELP, NEW…) is no complaint; the message stays recorded
        _code, worksite, rest = worksite_at_start(body) or ("", None, "")
        language = language_guess(body) or complainant.preferred_language
        complaint = complaint_file(
            complainant=complainant, language=language, worksite=worksite,
            description=rest if worksite is not None and rest else body,
            media=[media_item(message, url, kind) for url, kind in inbound.media], received_at=now,
        )  # fmt: skip
        return Outcome(language=language, complaint=complaint)

    first_word = norm.split(" ", 1)[0] if norm else ""
    first_kw = keyword_of(first_word)
    rest = norm[len(first_word) :].strip()
    if first_kw and first_kw[0] == "status" and len(rest.split()) <= 2 and len(normalize_reference(rest)) <= 12:
        # "STATUS K7MXR4TE" (a story that merely starts with "Estado ..." is not a keyword).
        language = keyword_language(first_kw[1], conversation=conversation, complainant=complainant, default="")
        return status_reply(complainant=complainant, rest=rest, language=language)
    if kw and kw[0] == "help":
        language = keyword_language(kw[1], conversation=conversation, complainant=complainant)
        return Outcome(reply=in_language(language, texts.help_text), language=language)
    if kw and kw[0] == "new":
        return conversation_restart(complainant=complainant, conversation=conversation, keyword=kw[1], now=now)

    if conversation is not None:
        return conversation_continue(
            conversation=conversation, message=message, inbound=inbound, sends=bool(kw and kw[0] == "send"), now=now
        )

    case = open_case(complainant)
    if case is not None:
        media_attach(complaint=case, message=message, media=inbound.media)
        language = language_clear(body) or case.language
        reply = in_language(language, texts.added_to_case, case.reference)
        return Outcome(reply=reply, language=language, complaint=case)

    started = worksite_at_start(body)
    if started is not None and started[1] is not None and started[2]:
        # "RF101 the supervisor took our pay": everything needed is there; file it now.
        language = language_guess(started[2]) or complainant.preferred_language
        complaint = complaint_file(
            complainant=complainant, language=language, worksite=started[1], description=started[2],
            media=[media_item(message, url, kind) for url, kind in inbound.media], received_at=now,
        )  # fmt: skip
        return Outcome(language=language, complaint=complaint)

    conversation = conversation_start(complainant=complainant, now=now, language="")
    if inbound.media:
        conversation.media = [media_item(message, url, kind) for url, kind in inbound.media]
    if started is not None and started[1] is not None:
        conversation.worksite = started[1]  # only the code: still ask the language
    else:
        story_keep(conversation, body)
    chosen = menu_choice(body)
    if chosen is None:
        conversation.save()
        return Outcome(reply=texts.LANGUAGE_MENU)
    return language_set(conversation=conversation, language=chosen)


def keyword_language(
    of_keyword: str, *, conversation: SmsConversation | None, complainant: Complainant, default: str | None = None
) -> str:
    """The language a keyword is answered in: the conversation's; outside one, the keyword's own
    (``AYUDA``: Spanish), else ``default`` or hers (``HELP`` is everyone's word)."""
    if conversation is not None and conversation.language:
        return conversation.language
    if of_keyword and of_keyword != Language.EN:
        return of_keyword
    return complainant.preferred_language if default is None else default


# --- Conversation steps ---------------------------------------------------------------------------


def conversation_start(*, complainant: Complainant, now: datetime, language: str) -> SmsConversation:
    """A fresh conversation for this phone (an unfinished one is replaced: end it first)."""
    SmsConversation.objects.filter(complainant=complainant).delete()
    return SmsConversation(
        complainant=complainant, language=language, started_at=now, last_message_at=now,
        step=ConversationStep.WORKSITE if language else ConversationStep.LANGUAGE,
    )  # fmt: skip


def conversation_end(conversation: SmsConversation | None) -> Complaint | None:
    """Stop a conversation: what it told (words or photos) is filed as a complaint, never dropped;
    one that told nothing is forgotten. Call with the complainant's row locked."""
    if conversation is None:
        return None
    if conversation.description or conversation.media:
        return conversation_file(conversation=conversation)
    conversation.delete()
    return None


def conversation_restart(
    *, complainant: Complainant, conversation: SmsConversation | None, keyword: str, now: datetime
) -> Outcome:
    """``NEW``: file what the conversation in progress told, then ask again from the start, in the
    conversation's language; the menu first if her language is not known yet."""
    language = keyword_language(keyword, conversation=conversation, complainant=complainant)
    known = language != Language.EN or bool(conversation and conversation.language) or complainant.complaints.exists()
    conversation_end(conversation)
    started = conversation_start(complainant=complainant, now=now, language=language if known else "")
    started.save()
    if not known:
        return Outcome(reply=texts.LANGUAGE_MENU)
    return Outcome(reply=in_language(language, texts.ask_worksite), language=language)


def language_remember(conversation: SmsConversation, language: str) -> None:
    conversation.language = language
    Complainant.objects.filter(pk=conversation.complainant_id).update(preferred_language=language)


def language_set(*, conversation: SmsConversation, language: str) -> Outcome:
    language_remember(conversation, language)
    if conversation.worksite_id is not None:
        conversation.step = ConversationStep.DETAILS
        conversation.save()
        text = texts.more_or_send if conversation.description else texts.ask_what_happened
        return Outcome(reply=in_language(language, text), language=language)
    conversation.step = ConversationStep.WORKSITE
    conversation.save()
    return Outcome(reply=in_language(language, texts.ask_worksite), language=language)


def conversation_continue(
    *, conversation: SmsConversation, message: Message, inbound: Inbound, sends: bool, now: datetime
) -> Outcome:
    body = inbound.body
    conversation.last_message_at = now
    if inbound.media:
        conversation.media = [*conversation.media, *(media_item(message, url, kind) for url, kind in inbound.media)]

    if conversation.step == ConversationStep.LANGUAGE:
        if sends and (conversation.description or conversation.media):
            complaint = conversation_file(conversation=conversation)
            return Outcome(language=complaint.language, complaint=complaint)
        chosen = menu_choice(body)
        if not sends:
            story_keep(conversation, body)  # written instead of a menu choice: part of her story
        if chosen is None:
            conversation.save()
            return Outcome(reply=texts.LANGUAGE_MENU)
        return language_set(conversation=conversation, language=chosen)

    switched = language_clear(body) if not sends else None
    if switched and switched != conversation.language:
        language_remember(conversation, switched)
    language = conversation.language

    if conversation.step == ConversationStep.WORKSITE and not sends:
        started = worksite_at_start(body)
        if says_dont_know(body):
            conversation.worksite = None
        elif started is not None and started[1] is not None:
            conversation.worksite = started[1]
            if started[2]:
                description_add(conversation, started[2])
        elif started is not None:
            conversation.save()
            return Outcome(reply=in_language(language, texts.worksite_not_found, started[0]), language=language)
        elif story_keep(conversation, body):
            # The story before the code: keep it, and ask for the code once more.
            conversation.save()
            return Outcome(reply=in_language(language, texts.ask_worksite), language=language)
        else:
            conversation.save()
            typed = body.split()[0] if body.split() else ""
            text = texts.worksite_not_found if typed else texts.ask_worksite
            return Outcome(reply=in_language(language, text, *([typed] if typed else [])), language=language)
        conversation.step = ConversationStep.DETAILS
        conversation.save()
        text = texts.more_or_send if conversation.description else texts.ask_what_happened
        return Outcome(reply=in_language(language, text), language=language)

    # DETAILS (or SEND while still at the worksite question: file without a worksite).
    if sends:
        if not conversation.description and not conversation.media:
            conversation.save()
            return Outcome(reply=in_language(language, texts.nothing_written), language=language)
        complaint = conversation_file(conversation=conversation)
        return Outcome(language=complaint.language, complaint=complaint)
    if not body and not inbound.media:
        conversation.save()
        return Outcome(reply=in_language(language, texts.nothing_written), language=language)
    if body:
        description_add(conversation, body)
    conversation.save()
    return Outcome(reply=in_language(language, texts.more_or_send), language=language)


def story_keep(conversation: SmsConversation, body: str) -> bool:
    """Keep a message of ``STORY_MIN_WORDS`` words or more (not a mere greeting) as part of her story;
    tell whether it was."""
    if len(body.split()) < STORY_MIN_WORDS or only_greeting(body):
        return False
    description_add(conversation, body)
    return True


def description_add(conversation: SmsConversation, text: str) -> None:
    conversation.description = f"{conversation.description}\n{text}".strip() if conversation.description else text


def conversation_file(*, conversation: SmsConversation) -> Complaint:
    """File the conversation as a complaint, link its messages, acknowledge, forget the conversation.

    Call inside ``transaction.atomic()`` with the complainant's row locked.
    """
    complainant = conversation.complainant
    # Filed before a language was chosen (STOP, NEW or SEND at the menu): the story's, else hers.
    language = conversation.language or language_guess(conversation.description) or complainant.preferred_language
    complaint = complaint_file(
        complainant=complainant, language=language,
        worksite=conversation.worksite, description=conversation.description, media=conversation.media,
        received_at=conversation.started_at,
    )  # fmt: skip
    Message.objects.filter(
        complainant=complainant, complaint__isnull=True, created_at__gte=conversation.started_at
    ).update(complaint=complaint)
    complaint_search_refresh(complaint=complaint)
    conversation.delete()
    return complaint


def complaint_file(
    *, complainant: Complainant, language: str, worksite: Worksite | None, description: str,
    media: Sequence[dict[str, Any]], received_at: datetime,
) -> Complaint:  # fmt: skip
    """Create the SMS complaint, queue its media downloads and its acknowledgement (outbox); her
    language is the complaint's from now on (one UPDATE, only when it changes)."""
    if complainant.preferred_language != language:
        Complainant.objects.filter(pk=complainant.pk).update(preferred_language=language)
        complainant.preferred_language = language
    complaint = complaint_create(
        channel=Channel.SMS, language=language, description=description, complainant=complainant,
        worksite=worksite, received_at=received_at,
    )  # fmt: skip
    attachments_queue(complaint=complaint, media=media)
    complaint_acknowledge_by_sms(complaint=complaint)
    return complaint


# --- Cases, status, media -------------------------------------------------------------------------


def open_case(complainant: Complainant) -> Complaint | None:
    return complainant.complaints.filter(status__in=OPEN_STATUSES).order_by("-received_at").first()


def status_reply(*, complainant: Complainant, rest: str, language: str) -> Outcome:
    """``STATUS <ref>``: only for this phone's own cases; without a reference, its latest case. In
    ``language`` if given (the conversation's, or that of a keyword such as ``ESTADO``), else in the
    case's language."""
    reference = normalize_reference(rest)
    # Her own cases, and web cases filed with her number typed in (she only learns their status).
    same_number = Complainant.objects.filter(complainant_same_number(complainant))
    cases = Complaint.objects.filter(complainant__in=same_number).order_by("-received_at")
    complaint = cases.filter(reference=reference).first() if reference else cases.first()
    if complaint is None:
        language = language or complainant.preferred_language
        if not reference:
            return Outcome(reply=in_language(language, texts.help_text), language=language)
        return Outcome(reply=in_language(language, texts.case_not_found, reference), language=language)
    language = language or complaint.language
    return Outcome(reply=status_update_sms(complaint, language=language), language=language, complaint=complaint)


def media_item(message: Message, url: str, kind: str) -> dict[str, Any]:
    return {"message_id": message.pk, "url": url, "kind": kind}


def media_attach(*, complaint: Complaint, message: Message, media: Sequence[tuple[str, str]]) -> None:
    attachments_queue(complaint=complaint, media=[media_item(message, url, kind) for url, kind in media])


def attachments_queue(*, complaint: Complaint, media: Sequence[dict[str, Any]]) -> list[Attachment]:
    """Record MMS media (only their URLs so far) and queue their downloads, in one insert each. A URL
    is not evidence: the case holds the photo once ``sms_media_fetch`` has stored it."""
    from complaints.sms.tasks import sms_media_fetch

    attachments = Attachment.objects.bulk_create(
        [
            Attachment(
                complaint=complaint,
                message_id=item.get("message_id"),
                source_url=item["url"][:500],
                content_type=item["kind"][:100],
            )
            for item in media
        ]
    )
    outbox_enqueue_many(sms_media_fetch, [{"attachment_id": attachment.pk} for attachment in attachments])
    return attachments


# --- The idle sweep -------------------------------------------------------------------------------


def conversations_file_idle(*, now: datetime | None = None) -> int:
    """File conversations that told something and then went quiet for ``SMS_CONVERSATION_IDLE_MINUTES``;
    forget those that told nothing for a day. Returns how many complaints were filed.

    Each one is re-read under its complainant's row lock (as the webhook takes it), so a message
    arriving at the same moment either lands before the filing or starts afresh after it.
    """
    now = now or timezone.now()
    idle_since = now - timedelta(minutes=settings.SMS_CONVERSATION_IDLE_MINUTES)
    SmsConversation.objects.filter(last_message_at__lt=now - timedelta(days=1), description="", media=[]).delete()
    filed = 0
    candidates = SmsConversation.objects.filter(last_message_at__lt=idle_since).values_list("complainant_id", flat=True)
    for complainant_id in list(candidates[:500]):
        with transaction.atomic():
            complainant = Complainant.objects.select_for_update().filter(pk=complainant_id).first()
            conversation = SmsConversation.objects.filter(
                complainant_id=complainant_id, last_message_at__lt=idle_since
            ).first()
            if complainant is None or conversation is None or not (conversation.description or conversation.media):
                continue
            conversation.complainant = complainant
            conversation_file(conversation=conversation)
            filed += 1
    return filed

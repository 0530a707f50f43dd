"""Every text the hotline sends a worker, and the keywords it understands, in en/es/ht/bn.

Texts go through Django's i18n (catalogs in ``locale/``); call them inside
``translation.override(language)``. Plain words, short (shared/reference/i18n-glossary.md): a reply
should fit in two SMS segments, which in Bengali (UCS-2) means about 130 characters.

Keywords are recognised in every language whatever the worker chose, and each translated text names
the keyword in its own language (``SEND`` is ``ENVIAR``, ``VOYE``, ``পাঠান``).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from complaints.choices import Language

# The menu names each language in itself, so it is the same in every language.
LANGUAGE_MENU = "1 English · 2 Español · 3 Kreyòl · 4 বাংলা"
LANGUAGE_BY_DIGIT = {"1": Language.EN, "2": Language.ES, "3": Language.HT, "4": Language.BN}

# Keywords, upper-cased and without accents where a phone keyboard may drop them.
KEYWORDS: dict[str, dict[str, str]] = {
    "status": {"STATUS": "en", "ESTADO": "es", "ETA": "ht", "ESTATI": "ht", "অবস্থা": "bn"},
    "help": {"HELP": "en", "INFO": "en", "AYUDA": "es", "ÈD": "ht", "ED": "ht", "সাহায্য": "bn"},
    "new": {"NEW": "en", "NUEVO": "es", "NUEVA": "es", "NOUVO": "ht", "নতুন": "bn"},
    "send": {"SEND": "en", "ENVIAR": "es", "VOYE": "ht", "পাঠান": "bn"},
    # Twilio's own opt-out and opt-in words (it blocks the number too; we keep our own flag).
    "stop": {w: "" for w in ("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT")},
    "start": {w: "" for w in ("START", "YES", "UNSTOP")},
}


def keyword_for(kind: str, language: str) -> str:
    """The keyword as a worker of ``language`` writes it (``NUEVO``, ``NOUVO``, ``নতুন``); the first,
    English one when the language has none of its own (``STOP``)."""
    words = KEYWORDS[kind]
    return next((word for word, of in words.items() if of == language), next(iter(words)))


# "I don't know the worksite code".
DONT_KNOW = {"0", "?", "DONT KNOW", "DON'T KNOW", "IDK", "NO SE", "NO SÉ", "PA KONNEN", "M PA KONNEN", "জানি না"}


def ask_worksite() -> str:
    return _(
        "What is the code of your workplace? It has 2 letters and 3 numbers, like RF101. Reply 0 if you do not know."
    )


def worksite_not_found(code: str) -> str:
    text = _("We do not know the code %(code)s. Please check it and send it again, or reply 0 if you do not know it.")
    return text % {"code": code[:12]}


def ask_what_happened() -> str:
    return _("What happened? You can write several messages. When you are finished, reply SEND.")


def more_or_send() -> str:
    return _("Thank you. Write more if you want. When you are finished, reply SEND.")


def nothing_written() -> str:
    return _("Please tell us in words what happened.")


def acknowledgement(reference: str) -> str:
    text = _(
        "We received your complaint. Your case number is %(reference)s. It is confidential. "
        "To check it, text STATUS %(reference)s."
    )
    return text % {"reference": reference}


def added_to_case(reference: str) -> str:
    return _("Thank you. We added your message to case %(reference)s.") % {"reference": reference}


def case_not_found(reference: str) -> str:
    return _("We cannot find case %(reference)s for this phone. Please check the number.") % {
        "reference": reference[:12]
    }


def help_text() -> str:
    return _(
        "Confidential complaint line. Text NEW to make a complaint, STATUS and your case number to check it, "
        "STOP to stop messages."
    )


def opted_in() -> str:
    return _("You will get our messages again. Text HELP for help.")


def received_neutral() -> str:
    """The reply when the message could only be spooled (the database was unreachable)."""
    return _("Thank you, we received your message. We will answer soon.")


# GSM 03.38: the characters a single 160-character SMS can carry; the extension ones take two places.
GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿"
    "abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = set("^{}\\[~]|€")


def segments(text: str) -> int:
    """How many SMS a text costs: GSM-7 carries 160 characters (153 per part); anything else, e.g.
    Bengali or "á", switches the whole message to UCS-2: 70 (67 per part)."""
    if all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text):
        septets = sum(2 if c in GSM7_EXTENSION else 1 for c in text)
        return 1 if septets <= 160 else -(-septets // 153)
    units = len(text.encode("utf-16-le")) // 2
    return 1 if units <= 70 else -(-units // 67)

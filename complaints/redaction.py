"""What a summary shared with a supplier must never carry: anything that lets the supplier find the
worker who complained (SPEC 3; ``workflow.complaint_summary_share`` refuses such a text).

- the case reference, however written: ``9DVF-EEKM``, ``9 D V F E E K M``, ``9dvf.eekm`` or in
  full-width letters all read as the same letters and digits;
- the worker's phone number: its last seven digits, however grouped, in any script's digits;
- any part of her name as a whole word, accents and case ignored;
- her own words: a run of ``OVERLAP_WORDS`` words taken from her description or any message she
  sent, accents, case and punctuation ignored. A supplier who read or heard her words could
  recognise her; a shorter shared phrase ("the overtime pay for") is ordinary language.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from complaints.choices import MessageKind
from complaints.models import Complaint, Message
from complaints.services import normalize_reference

OVERLAP_WORDS = 6
PHONE_DIGITS = 7
_WORD = re.compile(r"\w+")


def _plain(text: str) -> str:
    """Case- and accent-folded, compatibility forms unified: "Hernández", "HERNANDEZ" and full-width
    letters compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _words(text: str) -> list[str]:
    return _WORD.findall(_plain(text))


def _runs(words: list[str]) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + OVERLAP_WORDS]) for i in range(len(words) - OVERLAP_WORDS + 1)}


def worker_words(*, complaint: Complaint) -> list[str]:
    """Everything the worker wrote on the case: the description and her inbound messages."""
    messages = Message.objects.filter(complaint=complaint, kind=MessageKind.INBOUND).values_list("body", flat=True)
    return [complaint.description or "", *messages]


def quoted_run(text: str, sources: Iterable[str]) -> str | None:
    """The first run of ``OVERLAP_WORDS`` words of ``text`` also found in one of ``sources``, or None."""
    words = _words(text)
    runs = [tuple(words[i : i + OVERLAP_WORDS]) for i in range(len(words) - OVERLAP_WORDS + 1)]
    if not runs:
        return None
    for source in sources:
        shared = set(runs) & _runs(_words(source))
        if shared:
            return " ".join(next(run for run in runs if run in shared))
    return None


def _digits(text: str) -> str:
    """The decimal digits of ``text`` in ASCII, whatever script or width they were written in."""
    return "".join(str(digit) for c in text if (digit := unicodedata.decimal(c, None)) is not None)


def identity_leak(*, complaint: Complaint, text: str) -> str | None:
    """What in ``text`` would identify the worker of ``complaint`` to a supplier, or None."""
    if normalize_reference(complaint.reference) in normalize_reference(unicodedata.normalize("NFKC", text)):
        return "the case reference"
    complainant = complaint.complainant
    if complainant is not None:
        phone_digits = _digits(complainant.phone or "")
        if phone_digits and phone_digits[-PHONE_DIGITS:] in _digits(text):
            return "the worker's phone number"
        words = set(_words(text))
        if any(part in words for part in _words(complainant.name or "") if len(part) > 1):
            return "the worker's name"
    quote = quoted_run(text, worker_words(complaint=complaint))
    if quote is not None:
        return f"the worker's own words ({quote})"
    return None

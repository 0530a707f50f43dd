"""Reviewed reply templates a monitor can start an SMS from; sent in the worker's language.

Keep each short (SMS) and free of anything that could identify the worker to someone reading over
her shoulder. Translations live in locale/ like every worker-facing text.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as N_

# (key, staff-facing label, worker-facing text)
REPLY_TEMPLATES: list[tuple[str, str, str]] = [
    ("received", "We are on it", N_("We received your message. A monitor is working on your case.")),
    (
        "call",
        "May we call you?",
        N_("Can a monitor call you? Reply with a good day and time. Your name stays confidential."),
    ),
    ("more", "Ask for details", N_("Please tell us more: when did it happen, and where? Reply to this message.")),
    (
        "safe",
        "Safety first",
        N_("If you are in danger now, call emergency services. We are here, and your case is confidential."),
    ),
    ("visit", "Visit planned", N_("A monitor will visit your workplace soon. No one will know you complained.")),
]


def reply_template_choices() -> list[tuple[str, str]]:
    return [(key, label) for key, label, _ in REPLY_TEMPLATES]


def reply_template_text(*, key: str, language: str) -> str:
    """The template ``key`` in ``language``; KeyError if there is no such template."""
    text = {k: t for k, _, t in REPLY_TEMPLATES}[key]
    with translation.override(language):
        return gettext(text)

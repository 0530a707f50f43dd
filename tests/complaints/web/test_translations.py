"""Every worker-facing text has a real translation in Spanish, Haitian Creole and Bengali."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_python
from babel.messages.pofile import read_po
from django.conf import settings
from django.test import Client
from django.utils.translation.template import templatize

ROOT = Path(settings.BASE_DIR)
WORKER_FACING = [
    "templates/public_base.html",
    "templates/base.html",
    *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "templates/complaints/web").glob("*.html")),
    "templates/errors/error.html",  # what a worker sees when something fails
    "complaints/web/forms.py",
    "complaints/web/views.py",
    "complaints/web/errors.py",
    "complaints/worker_status.py",
    "complaints/reply_templates.py",  # what monitors send workers from the case page
]
# The SMS hotline's texts are worker-facing too: required as soon as the hotline package exists.
if (ROOT / "complaints/sms").is_dir():
    WORKER_FACING.append("complaints/sms/texts.py")
KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "N_": None,  # gettext_noop, translated when sent
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdfr]|%[sdfr]|\{\w*\}")


def msgids_of(relative: str) -> set[str | tuple[str, ...]]:
    source = (ROOT / relative).read_text(encoding="utf-8")
    if relative.endswith(".html"):
        source = templatize(source, origin=relative)
    found: set[str | tuple[str, ...]] = set()
    for _lineno, _funcname, messages, _comments in extract_python(
        io.BytesIO(source.encode("utf-8")), KEYWORDS.keys(), [], {}
    ):
        if isinstance(messages, tuple):
            found.add(tuple(m for m in messages if m))
        else:
            found.add(messages)
    return found


def worker_msgids() -> set[str]:
    ids: set[str] = set()
    for relative in WORKER_FACING:
        for msgid in msgids_of(relative):
            ids.add(msgid[0] if isinstance(msgid, tuple) else msgid)
    return {m for m in ids if m and m.strip()}


def catalog(lang: str):
    with open(ROOT / "locale" / lang / "LC_MESSAGES" / "django.po", "rb") as po:
        return read_po(po, locale=lang)


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text) or [])


def test_the_extraction_finds_the_worker_facing_texts():
    ids = worker_msgids()
    assert "What happened?" in ids
    assert "We received your complaint. A monitor will read it soon." in ids
    assert len(ids) > 80


@pytest.mark.parametrize("lang", ["es", "ht", "bn"])
def test_every_worker_facing_text_is_translated_with_the_same_placeholders(lang):
    po = catalog(lang)
    missing, broken = [], []
    for msgid in sorted(worker_msgids()):
        message = po.get(msgid)
        if message is None:
            # Plural entries are keyed by their singular form.
            message = next((m for m in po if isinstance(m.id, tuple) and m.id[0] == msgid), None)
        strings = message.string if message is not None else ""
        strings = strings if isinstance(strings, tuple) else (strings,)
        if message is None or message.fuzzy or not all(s.strip() for s in strings):
            missing.append(msgid)
            continue
        source = message.id[0] if isinstance(message.id, tuple) else message.id
        for translation in strings:
            if set(placeholders(translation)) != set(placeholders(source)):
                broken.append((msgid, translation))
    assert not missing, f"{len(missing)} untranslated in {lang}: {missing[:10]}"
    assert not broken, f"placeholders differ in {lang}: {broken[:5]}"


@pytest.mark.parametrize("lang", ["es", "ht", "bn"])
def test_no_catalog_entry_is_fuzzy(lang):
    assert not [m.id for m in catalog(lang) if m.id and m.fuzzy]


@pytest.mark.parametrize("lang", ["en", "es", "ht", "bn"])
def test_every_public_page_renders_in_every_language(world, lang):
    client = Client()
    for url in ("/", "/report/", "/track/", "/report/worksites/?q=RF"):
        response = client.get(f"{url}{'&' if '?' in url else '?'}lang={lang}")
        assert response.status_code == 200
        assert f'lang="{lang}"' in response.content.decode()

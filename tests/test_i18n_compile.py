"""`make messages` refuses a translation whose placeholders would break a worker's SMS or page."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HEADER = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

"""
GOOD = """#, python-format
msgid "Thank you. We added your message to case %(reference)s."
msgstr "Gracias. Agregamos su mensaje al caso %(reference)s."
"""


def compile_locale(tmp_path: Path, body: str) -> subprocess.CompletedProcess[str]:
    folder = tmp_path / "locale" / "es" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "django.po").write_text(HEADER + body, encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "wsr.i18n_compile", str(tmp_path / "locale")],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_a_correct_catalog_compiles(tmp_path):
    result = compile_locale(tmp_path, GOOD)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "locale/es/LC_MESSAGES/django.mo").exists()


@pytest.mark.parametrize(
    ("translation", "why"),
    [
        ("Gracias. Agregamos su mensaje al caso %(referencia)s.", "unknown placeholder %(referencia)s"),
        ("Gracias. Agregamos su mensaje al caso %(reference).", "broken placeholder"),
        ("Gracias. Agregamos su mensaje al caso %(reference)d.", "broken placeholder"),
        ("Gracias. Agregamos su mensaje al caso.", "lacks %(reference)s"),
        ("Gracias. Agregamos su mensaje al caso %s.", "lacks %(reference)s"),
    ],
    ids=["renamed", "no-conversion", "wrong-type", "dropped", "positional"],
)
def test_a_broken_placeholder_fails_the_build_naming_the_line(tmp_path, translation, why):
    result = compile_locale(tmp_path, GOOD.replace("Gracias. Agregamos su mensaje al caso %(reference)s.", translation))
    assert result.returncode == 1
    assert "django.po:" in result.stderr and why in result.stderr
    assert not (tmp_path / "locale/es/LC_MESSAGES/django.mo").exists()


def test_the_project_catalogs_have_no_broken_placeholder():
    from babel.messages.pofile import read_po

    from wsr.i18n_compile import catalog_problems

    for po_path in sorted((ROOT / "locale").glob("*/LC_MESSAGES/django.po")):
        with po_path.open("rb") as po_file:
            assert catalog_problems(read_po(po_file), origin=str(po_path)) == []

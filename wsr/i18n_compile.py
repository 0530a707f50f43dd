"""Compile every ``.po`` catalog under a folder to ``.mo`` with Babel (no system gettext needed),
refusing catalogs whose translations would break at run time.

python -m wsr.i18n_compile locale

A translation of a ``python-format`` message (Django marks every text with ``%(name)s`` so) must use
exactly the placeholders of the original and be a valid format string: a worker's SMS built from
``"... %(referencia)s"`` or ``"... %(reference)"`` raises instead of reaching her, and one that
drops ``%(reference)s`` never tells her the case number. Like ``msgfmt --check-format``, any such
problem fails the build (exit status 1, one line per problem) and no ``.mo`` is written for that
catalog. Babel's own checkers (plural forms, placeholder kinds) run too. Fuzzy entries are not
compiled, so they are not checked.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import PYTHON_FORMAT, Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

# A value of the right kind for each conversion, to try a translation as Python will use it.
_SAMPLES: dict[str, object] = {**dict.fromkeys("diouxXc", 7), **dict.fromkeys("eEfFgG", 7.5)}


class CatalogError(Exception):
    """A catalog has translations that would fail at run time; ``problems`` has one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _placeholders(text: str) -> list[tuple[str | None, str]]:
    """(name or None, conversion) of each placeholder; ``%%`` is not one."""
    found = []
    for match in PYTHON_FORMAT.finditer(text):
        name, _flags, conversion = match.groups()
        if conversion != "%" or name is not None:
            found.append((name, conversion))
    return found


def _format_problem(source: str, translation: str, *, all_required: bool) -> str | None:
    """Why ``translation`` cannot stand in for ``source`` as a Python format string, or None."""
    expected = _placeholders(source)
    named = {name: conversion for name, conversion in expected if name is not None}
    try:
        if named:
            translation % {name: _SAMPLES.get(conversion, "x") for name, conversion in named.items()}
        elif expected:
            translation % tuple(_SAMPLES.get(conversion, "x") for _, conversion in expected)
    except KeyError as exc:
        return f"unknown placeholder %({exc.args[0]})s"
    except (ValueError, TypeError) as exc:
        return f"broken placeholder ({exc})"
    missing = sorted(set(named) - {name for name, _ in _placeholders(translation)})
    if all_required and missing:
        return "translation lacks " + ", ".join(f"%({name})s" for name in missing)
    return None


def _message_problems(message: Message) -> list[str]:
    if "python-format" not in message.flags or not message.string:
        return []
    ids = [str(i) for i in message.id] if isinstance(message.id, tuple | list) else [str(message.id)]
    strings = [str(s) for s in message.string] if isinstance(message.string, tuple | list) else [str(message.string)]
    problems = []
    for index, translation in enumerate(strings):
        if not translation:
            continue
        # A plural form may say "one" in words instead of %(count)s; a singular text drops nothing.
        source = ids[min(index, len(ids) - 1)]
        problem = _format_problem(source, translation, all_required=len(ids) == 1)
        if problem:
            problems.append(problem)
    return problems


def catalog_problems(catalog: Catalog, *, origin: str) -> list[str]:
    """One ``origin:line: msgid: problem`` line per translation that would fail at run time."""
    babel_errors = {id(message): errors for message, errors in catalog.check()}
    problems: list[str] = []
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        found = _message_problems(message) or [str(error) for error in babel_errors.get(id(message), [])]
        problems += [f"{origin}:{message.lineno}: {message.id!r}: {problem}" for problem in found]
    return problems


def compile_catalogs(root: Path) -> int:
    """Compile the catalogs changed since their ``.mo``; raises CatalogError naming every problem
    (the catalogs without problems are still compiled)."""
    count = 0
    problems: list[str] = []
    for po_path in sorted(root.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        found = catalog_problems(catalog, origin=str(po_path))
        if found:
            problems += found
            continue
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog, use_fuzzy=False)
        count += 1
    if problems:
        raise CatalogError(problems)
    return count


def main(argv: list[str]) -> int:
    try:
        compiled = compile_catalogs(Path(argv[1] if len(argv) > 1 else "locale"))
    except CatalogError as error:
        for line in error.problems:
            print(line, file=sys.stderr)
        print(f"[wsr] {len(error.problems)} broken translation(s): fix them and run `make messages`", file=sys.stderr)
        return 1
    if compiled:
        print(f"[wsr] compiled {compiled} translation catalog(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

"""Kinds of deadline, registered by the apps that own them (in their ``AppConfig.ready``).

A kind says three things the shared scan cannot know: its label, which objects still owe it (read
under the scan's lock, so a deadline met a moment ago never escalates), and what escalating means
(the app writes its own events and returns whom to tell, as ``Notice`` lines the scan gathers into
one digest per person).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.utils.functional import Promise


@dataclass(frozen=True)
class Passed:
    """A deadline that passed unmet and escalates now."""

    deadline_id: int
    object_id: int
    due_at: datetime


@dataclass(frozen=True)
class Notice:
    """One line of a digest for one person. ``subject`` and ``url`` are used when the line is the only
    one of the digest; several lines link to ``digest_url`` (a list where the person finds them all).
    Text safe for its recipient: a buyer's notice never names a worker or a case."""

    user_id: int
    subject: str
    line: str
    url: str
    digest_url: str


@dataclass(frozen=True)
class DeadlineKind:
    """A kind of deadline: see the module docstring."""

    name: str
    label: str | Promise
    still_owed: Callable[[Sequence[int]], set[int]]
    escalate: Callable[[Sequence[Passed], datetime], list[Notice]]


_KINDS: dict[str, DeadlineKind] = {}


def deadline_kind_register(kind: DeadlineKind) -> None:
    """Make ``kind`` known to the scan; registering the same name twice replaces it (reloads)."""
    _KINDS[kind.name] = kind


def deadline_kind(name: str) -> DeadlineKind | None:
    return _KINDS.get(name)

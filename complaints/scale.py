"""The complaints part of ``seed_scale``: cases, their messages and events, loaded with COPY.

Statuses follow a program a few years old: most cases closed, about a quarter open, some of those
overdue. The synthetic cases have no row history (see the trigger note in ``seed``). Complainants
are left anonymous (no identities to encrypt); a few scale investigators own the assigned cases.
The search vectors are computed by one set-based UPDATE at the end.
"""

from __future__ import annotations

import random
import secrets
import time
import uuid
from argparse import ArgumentParser
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from complaints.choices import DEADLINE_STAGES, Status
from complaints.escalation import deadline_kind_name
from complaints.models.case import REFERENCE_ALPHABET, REFERENCE_LENGTH
from wsr.network.choices import OrganizationKind, Role
from wsr.network.models import Membership, Organization, Standard, User, Worksite

STATUS_WEIGHTS = {
    Status.CLOSED: 60,
    Status.RESOLVED: 5,
    Status.NOT_SUBSTANTIATED: 5,
    Status.REFERRED: 3,
    Status.INVESTIGATING: 10,
    Status.TRIAGED: 8,
    Status.NEW: 9,
}
WORDS = [
    "wages",
    "pay",
    "stub",
    "overtime",
    "hours",
    "shade",
    "water",
    "heat",
    "break",
    "passports",
    "crew",
    "leader",
    "supervisor",
    "bus",
    "housing",
    "fire",
    "exit",
    "locked",
    "gate",
    "threat",
    "harassment",
    "bucket",
    "overfilled",
    "premium",
    "deduction",
    "injury",
    "gloves",
    "training",
    "contractor",
    "fee",
    "debt",
    "night",
    "shift",
    "boss",
    "shouted",
    "fired",
    "retaliation",
    "union",
    "meeting",
    "sick",
    "leave",
    "pesticide",
]
MESSAGES = [
    "Hello, I want to report a problem at my work.",
    "It happened again this week.",
    "Thank you. Yes you can call me after 6 pm.",
    "We received your message. A monitor is working on your case.",
    "The supervisor said we will lose the job if we talk.",
]
COMPLAINT_COLUMNS = (
    "reference", "channel", "language", "worksite_id", "standard_id", "severity", "description", "status", "scope",
    "referral_info", "assignee_id", "receipt_code_hash", "received_at", "updated_at", "acknowledge_due",
    "investigate_due", "resolve_due", "acknowledged_at", "investigation_started_at", "resolved_at", "closed_at",
)  # fmt: skip
MESSAGE_COLUMNS = (
    "uuid", "complaint_id", "kind", "channel", "body", "language", "delivery_status", "error_code", "error_message",
    "attempts", "created_at",
)  # fmt: skip


def _insert_history_trigger() -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'complaints_complaint'::regclass "
            "AND tgname LIKE 'pgtrigger_insert_insert_%%'"
        )
        return str(cursor.fetchone()[0])


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("--complaints", type=int, default=200_000)
    parser.add_argument("--messages-per-case", type=int, default=2)
    parser.add_argument("--investigators", type=int, default=20)


def _references(rng: random.Random, count: int) -> list[str]:
    taken: set[str] = set()
    with connection.cursor() as cursor:
        cursor.execute("SELECT reference FROM complaints_complaint")
        existing = {row[0] for row in cursor.fetchall()}
    while len(taken) < count:
        ref = "".join(rng.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
        if ref not in existing:
            taken.add(ref)
    return list(taken)


def _investigators(count: int, run: str) -> list[int]:
    monitor, _ = Organization.objects.get_or_create(name="Scale monitor", defaults={"kind": OrganizationKind.MONITOR})
    users = User.objects.bulk_create(
        [User(username=f"scale-investigator-{run}-{i}", email="", password="!") for i in range(count)]  # noqa: S106
    )
    Membership.objects.bulk_create([Membership(user=u, organization=monitor, role=Role.INVESTIGATOR) for u in users])
    return [u.pk for u in users]


def _case_row(
    rng: random.Random, now: datetime, reference: str, worksite_id: int, standard: Standard | None, assignee: int | None
) -> tuple[Any, ...]:
    status = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()))[0]
    is_open = status in (Status.NEW, Status.TRIAGED, Status.INVESTIGATING)
    received = now - (
        timedelta(minutes=rng.randint(5, 60 * 24 * 45)) if is_open else timedelta(days=rng.randint(20, 900))
    )
    if status == Status.NEW or standard is None:
        spans = (timedelta(hours=24), timedelta(days=3), timedelta(days=30))
    else:
        spans = (standard.acknowledge_within, standard.investigate_within, standard.resolve_within)
    triaged = status != Status.NEW
    investigated = status in (Status.INVESTIGATING, Status.RESOLVED, Status.NOT_SUBSTANTIATED, Status.CLOSED)
    concluded = not is_open
    step = timedelta(hours=rng.randint(1, 48))
    description = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 30)))
    return (
        reference, rng.choice(["sms", "sms", "sms", "web", "phone"]), rng.choice(["en", "es", "es", "ht", "bn"]),
        worksite_id, standard.pk if triaged and standard else None,
        standard.severity if triaged and standard else "", description, status, "in_scope", "",
        assignee if triaged else None, "", received, received, received + spans[0], received + spans[1],
        received + spans[2], received + step if triaged else None, received + 2 * step if investigated else None,
        received + 3 * step if concluded else None, received + 4 * step if status == Status.CLOSED else None,
    )  # fmt: skip


def seed(options: dict[str, Any], context: dict[str, Any]) -> Iterator[tuple[str, int, float]]:
    count = options["complaints"]
    if count <= 0:
        return
    rng = random.Random(options["seed"] + 4)
    run = secrets.token_hex(3)
    now = timezone.now()
    worksite_ids = [w.pk for w in context.get("scale_worksites") or Worksite.objects.only("pk")]
    standards: list[Standard | None] = [*Standard.objects.filter(is_active=True), None]
    if not worksite_ids:
        raise ValueError("no worksites: run seed_scale with --worksites > 0")

    started = time.monotonic()
    assignees: list[int | None] = [*_investigators(options["investigators"], run), None, None]
    references = _references(rng, count)
    history_trigger = _insert_history_trigger()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM complaints_complaint")
        first_id = cursor.fetchone()[0]
        # Synthetic rows get no "insert" history row: the trigger's PL/pgSQL exception blocks cost two
        # subtransactions per row. Disabled only inside this transaction (others wait on the table lock,
        # none writes past the trigger).
        cursor.execute(f'ALTER TABLE complaints_complaint DISABLE TRIGGER "{history_trigger}"')
        with cursor.cursor.copy(f"COPY complaints_complaint ({', '.join(COMPLAINT_COLUMNS)}) FROM STDIN") as copy:
            for reference in references:
                copy.write_row(
                    _case_row(
                        rng, now, reference, rng.choice(worksite_ids), rng.choice(standards), rng.choice(assignees)
                    )
                )
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # check the deferred foreign keys before re-enabling
        cursor.execute(f'ALTER TABLE complaints_complaint ENABLE TRIGGER "{history_trigger}"')
    yield "complaints", count, time.monotonic() - started

    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO complaints_event (complaint_id, kind, from_status, to_status, reason, data, created_at)
            SELECT id, 'created', '', 'new', '', jsonb_build_object('channel', channel, 'language', language),
                   received_at
            FROM complaints_complaint WHERE id > %s
            """,
            [first_id],
        )
        events = cursor.rowcount
        cursor.execute("SELECT id, received_at, language FROM complaints_complaint WHERE id > %s", [first_id])
        cases = cursor.fetchall()
    yield "case events", events, time.monotonic() - started

    started = time.monotonic()
    per_case = options["messages_per_case"]
    written = 0
    copy_sql = f"COPY complaints_message ({', '.join(MESSAGE_COLUMNS)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(copy_sql) as copy:
        for pk, received, language in cases:
            for i in range(per_case):
                kind = "inbound" if i % 2 == 0 else "outbound"
                copy.write_row(
                        (uuid.uuid4(), pk, kind, "sms", rng.choice(MESSAGES), language,
                         "delivered" if kind == "outbound" else "", "", "", 0, received + timedelta(minutes=i))
                    )  # fmt: skip
                written += 1
    yield "messages", written, time.monotonic() - started

    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE complaints_complaint c SET search_vector =
                setweight(to_tsvector('simple', c.reference), 'A') ||
                setweight(to_tsvector('simple', coalesce(c.description, '')), 'B') ||
                setweight(to_tsvector('simple', coalesce(agg.bodies, '')), 'C')
            FROM (
                SELECT c2.id, string_agg(m.body, ' ') AS bodies
                FROM complaints_complaint c2 LEFT JOIN complaints_message m ON m.complaint_id = c2.id
                WHERE c2.id > %s GROUP BY c2.id
            ) agg
            WHERE agg.id = c.id
            """,
            [first_id],
        )
        cursor.execute("ANALYZE complaints_complaint, complaints_message, complaints_event")
    yield "search vectors", len(cases), time.monotonic() - started

    started = time.monotonic()
    registered = 0
    with connection.cursor() as cursor:
        # The deadlines the open cases owe, as complaint_deadlines_sync registers them one case at a time.
        for stage in DEADLINE_STAGES:
            cursor.execute(
                f"""
                INSERT INTO deadlines_deadline (kind, object_id, due_at, created_at)
                SELECT %s, id, {stage.due}, now() FROM complaints_complaint
                WHERE id > %s AND status = ANY(%s) AND {stage.done} IS NULL AND {stage.due} IS NOT NULL
                """,  # noqa: S608 (column names from DEADLINE_STAGES, not input)
                [deadline_kind_name(stage), first_id, list(stage.owed_while)],
            )
            registered += cursor.rowcount
        cursor.execute("ANALYZE deadlines_deadline")
    yield "case deadlines", registered, time.monotonic() - started
    context.update(scale_complaints=count)

"""No IP address or user agent of a /report/ or /track/ visitor is stored anywhere."""

from __future__ import annotations

import logging

import redis
from django.conf import settings
from django.db import connection
from django.test import Client

from tests.complaints.web.conftest import file_complaint, png

ADDRESS = "203.0.113.197"
AGENT = "Mozilla/5.0 (Linux; Android 8.1; Itel A16) UniqueTestAgent/4242"


def all_rows_as_text() -> str:
    """Every row of every table of the database, as JSON text (a grep over the whole database)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        tables = [row[0] for row in cursor.fetchall()]
        dumps = []
        for table in tables:
            cursor.execute(f"SELECT coalesce(string_agg(row_to_json(t)::text, E'\\n'), '') FROM \"{table}\" t")  # noqa: S608
            dumps.append(cursor.fetchone()[0])
    return "\n".join(dumps)


def all_cache_as_text() -> str:
    client = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    parts = []
    for key in client.scan_iter():
        parts.append(repr(key))
        if client.type(key) == b"string":
            parts.append(repr(client.get(key)))
    return "\n".join(parts)


def test_no_address_or_user_agent_is_stored_in_the_database_the_cache_or_the_logs(world, caplog):
    caplog.set_level(logging.DEBUG)
    client = Client(REMOTE_ADDR=ADDRESS, HTTP_USER_AGENT=AGENT, HTTP_X_FORWARDED_FOR=ADDRESS)
    complaint, code = file_complaint(
        client, lang="bn", phone="+15551234567", name="Rina", photo=png(), description="Wages were cut."
    )
    client.get("/report/worksites/?q=Sun")
    client.post("/track/", {"reference": complaint.reference, "receipt_code": "WRONGWRONG"})
    client.post("/track/", {"reference": complaint.reference, "receipt_code": code})
    client.post("/track/case/", {"body": "More information", "photo": png()})

    database = all_rows_as_text()
    assert "Wages were cut." in database  # the dump really covers the complaint rows
    assert "More information" in database
    for secret in (ADDRESS, "UniqueTestAgent", "Itel A16"):
        assert secret not in database
        assert secret not in all_cache_as_text()
        assert secret not in caplog.text

"""The durable spool: signed webhook requests kept on disk while the database is unreachable.

Twilio does not redeliver a message after a 5xx or a timeout, so when the database cannot be reached
the webhook appends the raw signed request (path, every posted field, signature) to ``SPOOL_DIR``,
one JSON file per request written atomically and fsync'd, and answers. ``spool_replay`` (beat every
minute, and ``manage.py sms_spool_replay``) re-validates each request's signature, processes it as
the webhook would have (idempotent on ``MessageSid``) and deletes the file only once that committed.

A spooled request holds every field Twilio posted, the worker's number and Twilio's geographic fields
included (the signature covers them all); the files are readable by their owner only and deleted as
soon as they are replayed.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.urls import reverse
from django.utils import timezone

from complaints.sms.signatures import signature_valid

logger = logging.getLogger(__name__)

DATABASE_DOWN = (OperationalError, InterfaceError)


def spool_dir() -> Path:
    path = Path(settings.SPOOL_DIR)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def spool_append(*, path: str, fields: Mapping[str, Sequence[str]], signature: str) -> Path:
    """Write one request durably (temporary file, fsync, rename, fsync of the folder); raises OSError."""
    folder = spool_dir()
    record = {
        "path": path,
        "fields": {name: list(values) for name, values in fields.items()},
        "signature": signature,
        "spooled_at": timezone.now().isoformat(),
    }
    name = f"{time.time_ns():020d}-{uuid.uuid4().hex[:12]}.json"
    temporary = folder / f".{name}.tmp"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, json.dumps(record, ensure_ascii=False).encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    final = folder / name
    os.replace(temporary, final)
    _fsync_dir(folder)
    logger.warning("database unreachable: webhook request spooled as %s", name)
    return final


@dataclass
class ReplayResult:
    replayed: int = 0
    rejected: int = 0
    pending: int = 0  # still in the spool (the database is still unreachable)
    busy: bool = False  # another replay holds the lock


@contextmanager
def _replay_lock(folder: Path) -> Iterator[bool]:
    with open(folder / ".replay.lock", "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def spool_pending() -> list[Path]:
    return sorted(spool_dir().glob("*.json"))


def spool_replay() -> ReplayResult:
    """Process spooled requests in arrival order; one replay at a time (a lock file). Stops at the
    first database error, keeping that request and the rest for the next run."""
    from complaints.sms.conversation import inbound_receive
    from complaints.sms.services import sms_status_receive

    folder = spool_dir()
    result = ReplayResult()
    with _replay_lock(folder) as acquired:
        if not acquired:
            result.busy = True
            return result
        _purge_rejected(folder)
        files = spool_pending()
        inbound_path, status_path = reverse("complaints_sms:inbound"), reverse("complaints_sms:status")
        for index, file in enumerate(files):
            try:
                record = json.loads(file.read_text())
                path, fields, signature = record["path"], record["fields"], record["signature"]
                spooled_at = datetime.fromisoformat(record["spooled_at"])
                route = path.split("?", 1)[0]
                usable = route in (inbound_path, status_path) and isinstance(fields, dict)
            except (ValueError, KeyError, TypeError, OSError):
                usable = False
            if not usable or not signature_valid(path=path, fields=fields, signature=signature):
                _reject(folder, file)
                result.rejected += 1
                continue
            try:
                if route == inbound_path:
                    outcome = inbound_receive(fields=fields, reply_by_sms=True, received_at=spooled_at)
                    if outcome is None:
                        _reject(folder, file)
                        result.rejected += 1
                        continue
                else:
                    sms_status_receive(fields=fields)
            except DATABASE_DOWN:
                result.pending = len(files) - index
                logger.warning("spool replay: database still unreachable; %d request(s) kept", result.pending)
                return result
            file.unlink()
            _fsync_dir(folder)
            result.replayed += 1
    return result


# Rejected requests hold a worker's number and Twilio's location fields: a week to look, then gone.
REJECTED_KEEP_SECONDS = 7 * 24 * 3600


def _purge_rejected(folder: Path) -> None:
    cutoff = time.time() - REJECTED_KEEP_SECONDS
    for file in (folder / "rejected").glob("*.json"):
        with contextlib.suppress(FileNotFoundError):
            if file.stat().st_mtime < cutoff:
                file.unlink()


def _reject(folder: Path, file: Path) -> None:
    """Keep a request that fails its signature or cannot be read aside, for a human to look at."""
    rejected = folder / "rejected"
    rejected.mkdir(exist_ok=True, mode=0o700)
    os.replace(file, rejected / file.name)
    logger.warning("spool replay: %s rejected (bad signature or unreadable)", file.name)

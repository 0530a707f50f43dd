"""The outside world of the fault tests, served from threads of the test process on 127.0.0.1:
Twilio's REST API (send a message, list messages, download a medium) and an SMTP server.

Both can be told to answer slowly or to hold a request until the test lets it go, which is how a test
kills a worker at a chosen moment of a call.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import json
import re
import socketserver
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

HOLD_LIMIT = 60.0  # no request is ever held longer than this, whatever the test does
CREATE = re.compile(r"^/2010-04-01/Accounts/(AC\w+)/Messages\.json$")
MEDIA = re.compile(r"^/2010-04-01/Accounts/(AC\w+)/Messages/(MM\w+)/Media/(ME\w+)$")


@dataclass
class LocalServer:
    """A server on 127.0.0.1 in a thread of the test process; requests it holds wait for ``release()``."""

    released: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: socketserver.TCPServer | None = None

    def serve(self, server: socketserver.TCPServer, name: str) -> None:
        self.server = server
        server.daemon_threads = True  # type: ignore[attr-defined]
        threading.Thread(target=server.serve_forever, name=name, daemon=True).start()

    def stop(self) -> None:
        self.released.set()
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def release(self) -> None:
        self.released.set()


@dataclass
class TwilioMessage:
    sid: str
    account_sid: str
    to: str
    from_: str
    body: str
    created: datetime

    def resource(self) -> dict[str, Any]:
        """The message as Twilio's API returns it."""
        return {
            "sid": self.sid, "account_sid": self.account_sid, "to": self.to, "from": self.from_,
            "body": self.body, "status": "queued", "direction": "outbound-api", "num_segments": "1",
            "num_media": "0", "date_created": format_datetime(self.created),
            "date_updated": format_datetime(self.created), "date_sent": None, "error_code": None,
            "error_message": None, "price": None, "price_unit": "USD", "api_version": "2010-04-01",
            "messaging_service_sid": None,
            "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{self.sid}.json",
        }  # fmt: skip


@dataclass
class FakeTwilio(LocalServer):
    """Twilio's REST API for messages and media.

    A created message exists (and is listed) as soon as its request arrives: Twilio accepted it, even
    if the answer is then slow (``latency``) or held until ``release()`` (the first ``hold`` creates).
    """

    latency: float = 0.0
    hold: int = 0
    media: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    messages: list[TwilioMessage] = field(default_factory=list)
    media_requests: list[str] = field(default_factory=list)
    in_flight: dict[str, float] = field(default_factory=dict)  # sid -> when its request arrived

    @property
    def url(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeTwilio:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                found = CREATE.match(urlsplit(self.path).path)
                if not found or not self.headers.get("Authorization", "").startswith("Basic "):
                    self.answer(404, {"code": 20404, "message": "not found", "status": 404})
                    return
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode(), keep_blank_values=True).items()}
                message = fake.accept(account_sid=found.group(1), form=form)
                try:
                    fake.wait_before_answering(message)
                    self.answer(201, message.resource())
                finally:
                    with fake.lock:
                        fake.in_flight.pop(message.sid, None)

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                if found := CREATE.match(parts.path):
                    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                    self.answer(200, fake.page(account_sid=found.group(1), query=query, uri=self.path))
                elif MEDIA.match(parts.path) and parts.path in fake.media:
                    with fake.lock:
                        fake.media_requests.append(parts.path)
                    content, content_type = fake.media[parts.path]
                    self.send_response(200)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(content)))
                    self.end_headers()
                    self.wfile.write(content)
                else:
                    self.answer(404, {"code": 20404, "message": "not found", "status": 404})

            def answer(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the caller was killed while we took our time: that is the point

        self.serve(ThreadingHTTPServer(("127.0.0.1", 0), Handler), "fake-twilio")
        return self

    def accept(self, *, account_sid: str, form: dict[str, str]) -> TwilioMessage:
        message = TwilioMessage(
            sid="SM" + uuid.uuid4().hex, account_sid=account_sid, to=form.get("To", ""), from_=form.get("From", ""),
            body=form.get("Body", ""), created=datetime.now(UTC),
        )  # fmt: skip
        with self.lock:
            self.messages.append(message)
            self.in_flight[message.sid] = time.monotonic()
        return message

    def wait_before_answering(self, message: TwilioMessage) -> None:
        with self.lock:
            held = self.messages.index(message) < self.hold
        if held:
            self.released.wait(HOLD_LIMIT)
        else:
            time.sleep(self.latency)

    def page(self, *, account_sid: str, query: dict[str, str], uri: str) -> dict[str, Any]:
        """A page of Twilio's message list, newest first, filtered by ``To`` and ``From``."""
        with self.lock:
            found = [
                m for m in reversed(self.messages)
                if m.account_sid == account_sid
                and m.to == query.get("To", m.to) and m.from_ == query.get("From", m.from_)
            ]  # fmt: skip
        size = int(query.get("PageSize", "50"))
        return {
            "messages": [m.resource() for m in found[:size]], "page": 0, "page_size": size, "start": 0,
            "end": max(0, min(size, len(found)) - 1), "uri": uri, "first_page_uri": uri, "next_page_uri": None,
            "previous_page_uri": None,
        }  # fmt: skip

    def accepted(self) -> int:
        with self.lock:
            return len(self.messages)

    def bodies(self) -> Counter[str]:
        """How many times the provider accepted each text."""
        with self.lock:
            return Counter(m.body for m in self.messages)

    def mid_call(self, *, for_at_least: float) -> bool:
        """Whether a send request arrived that long ago and has not been answered yet."""
        now = time.monotonic()
        with self.lock:
            return any(now - arrived >= for_at_least for arrived in self.in_flight.values())

    def sid_of(self, body: str) -> str:
        with self.lock:
            return next(m.sid for m in self.messages if m.body == body)


@dataclass
class FakeSmtp(LocalServer):
    """An SMTP server that keeps what it receives. The first ``hold`` connections get no greeting
    until ``release()``: a worker killed then has handed nothing over."""

    hold: int = 0
    received: list[EmailMessage] = field(default_factory=list)
    connections: int = 0

    @property
    def port(self) -> int:
        assert self.server is not None
        return int(self.server.server_address[1])

    def start(self) -> FakeSmtp:
        fake = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                with fake.lock:
                    fake.connections += 1
                    held = fake.connections <= fake.hold
                if held:
                    fake.released.wait(HOLD_LIMIT)
                with contextlib.suppress(OSError):  # the client died
                    self.converse()

            def say(self, line: str) -> None:
                self.wfile.write(line.encode() + b"\r\n")

            def converse(self) -> None:
                self.say("220 fake-smtp ESMTP")
                while line := self.rfile.readline():
                    verb = line.decode(errors="replace").strip().split(" ")[0].upper()
                    if verb == "EHLO":
                        self.say("250-fake-smtp")
                        self.say("250 8BITMIME")
                    elif verb == "DATA":
                        self.say("354 go ahead")
                        self.receive()
                        self.say("250 2.0.0 queued")
                    elif verb == "QUIT":
                        self.say("221 bye")
                        return
                    elif verb in {"HELO", "MAIL", "RCPT", "RSET", "NOOP"}:
                        self.say("250 OK")
                    else:
                        self.say("502 not implemented")

            def receive(self) -> None:
                lines = []
                while (line := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
                    lines.append(line[1:] if line.startswith(b"..") else line)
                parsed = email.message_from_bytes(b"".join(lines), policy=email.policy.default)
                assert isinstance(parsed, EmailMessage)
                with fake.lock:
                    fake.received.append(parsed)

        self.serve(socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler), "fake-smtp")
        return self

    def waiting(self) -> int:
        """Connections held before their greeting."""
        with self.lock:
            return min(self.connections, self.hold) if not self.released.is_set() else 0

    def by_recipient(self) -> dict[str, list[EmailMessage]]:
        with self.lock:
            found: dict[str, list[EmailMessage]] = {}
            for message in self.received:
                found.setdefault(str(message["To"]), []).append(message)
            return found

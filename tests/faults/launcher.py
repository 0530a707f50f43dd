"""Run the ``celery`` command with Twilio's hosts pointed at the fault tests' fake Twilio server.

    python -m tests.faults.launcher -A wsr worker ...
    python -m tests.faults.launcher -A wsr beat ...

The process and its pool die with the test process that started it.

Only the outbound HTTP changes: every request the process makes to ``*.twilio.com`` (the ``twilio``
package's REST calls and the MMS media downloads, both through ``requests``) goes to
``FAKE_TWILIO_URL`` instead, with the same method, path, query, headers and body. Everything else
(Django, PostgreSQL, Redis, Celery) is the real thing.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests


def _reroute_twilio(fake_base: str) -> None:
    fake = urlsplit(fake_base)
    send = requests.Session.send

    def send_to_fake(self: requests.Session, request: requests.PreparedRequest, **kwargs: Any) -> Any:
        parts = urlsplit(request.url or "")
        host = (parts.hostname or "").lower()
        if host == "twilio.com" or host.endswith(".twilio.com"):
            request.url = urlunsplit((fake.scheme, fake.netloc, parts.path, parts.query, ""))
            kwargs["proxies"] = {}
        return send(self, request, **kwargs)

    requests.Session.send = send_to_fake  # type: ignore[method-assign]


def _die_with_the_test() -> None:
    """Kill this process group (the worker and its pool) if the test process goes away without doing
    it, e.g. when pytest itself is killed."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os.killpg(os.getpgrp(), signal.SIGKILL)

    threading.Thread(target=watch, name="die-with-the-test", daemon=True).start()


def main() -> None:
    _die_with_the_test()
    _reroute_twilio(os.environ["FAKE_TWILIO_URL"])
    from celery.__main__ import main as celery_main

    sys.argv[0] = "celery"
    celery_main()


if __name__ == "__main__":
    main()

"""The Chromium that the browser tests drive, and what happens when a machine has none.

Looked for in this order: ``WSR_CHROMIUM`` (a path; when set, nothing else is tried), Debian's
``/usr/bin/chromium``, then the Chromium that Playwright's own installer put in its cache (``make
browsers``). Without one, the browser tests are skipped with a one-line reason on a developer's
machine, and fail in CI (``CI=true``), which installs Debian's Chromium and must run them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings

DEBIAN_CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
HOW_TO_RUN = (
    "no Chromium for the browser tests: install Debian's (apt-get install chromium fonts-noto-core) "
    "or run `make browsers` (Playwright's installer, needs the Internet), or set WSR_CHROMIUM=/path/to/chromium"
)


def playwright_chromium() -> Path | None:
    """The Chromium of Playwright's installer if it is in its cache (this never downloads anything)."""
    from playwright.sync_api import Error, sync_playwright

    try:
        with sync_playwright() as playwright:
            path = Path(playwright.chromium.executable_path)
    except Error:
        return None
    return path if path.is_file() else None


def chromium_executable() -> Path | None:
    """The Chromium to drive, or None if this machine has none."""
    explicit = os.environ.get("WSR_CHROMIUM", "")
    if explicit:
        return Path(explicit) if Path(explicit).is_file() else None
    if DEBIAN_CHROMIUM.is_file():
        return DEBIAN_CHROMIUM
    return playwright_chromium()


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def chromium_or_skip() -> str:
    """The Chromium's path; otherwise skip the test (fail it in CI) saying how to get one."""
    path = chromium_executable()
    if path is not None:
        return str(path)
    if in_ci():
        pytest.fail(f"{HOW_TO_RUN} (CI must run the browser tests)", pytrace=False)
    pytest.skip(HOW_TO_RUN)

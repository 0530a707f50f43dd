"""A newcomer's `make test` passes without a browser: the browser tests are skipped with a reason that
says how to run them; CI, which must run them, fails instead. Checked by pointing the search at
executables that do not exist (nothing is ever downloaded)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import browser


@pytest.fixture
def no_chromium_anywhere(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A machine with neither Debian's Chromium nor one from Playwright's installer."""
    monkeypatch.delenv("WSR_CHROMIUM", raising=False)
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setattr(browser, "DEBIAN_CHROMIUM", tmp_path / "usr-bin-chromium-missing")
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "ms-playwright-empty"))


def test_without_any_chromium_the_browser_tests_are_skipped_with_how_to_run_them(no_chromium_anywhere):
    with pytest.raises(pytest.skip.Exception) as skipped:
        browser.chromium_or_skip()
    reason = str(skipped.value)
    assert "\n" not in reason
    assert "apt-get install chromium" in reason and "make browsers" in reason


def test_in_ci_a_missing_chromium_fails_instead_of_skipping(no_chromium_anywhere, monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception) as failed:
        browser.chromium_or_skip()
    assert "CI must run the browser tests" in str(failed.value)


def test_a_chromium_named_in_wsr_chromium_that_does_not_exist_is_not_replaced_by_another(monkeypatch, tmp_path):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("WSR_CHROMIUM", str(tmp_path / "no-such-chromium"))
    with pytest.raises(pytest.skip.Exception):
        browser.chromium_or_skip()


def test_debian_chromium_is_used_when_installed(no_chromium_anywhere, monkeypatch, tmp_path):
    debian = tmp_path / "chromium"
    debian.write_text("#!/bin/sh\n")
    monkeypatch.setattr(browser, "DEBIAN_CHROMIUM", debian)
    assert browser.chromium_or_skip() == str(debian)


def test_a_chromium_from_playwrights_installer_is_used_when_it_is_in_its_cache(no_chromium_anywhere):
    expected = browser_path_playwright_would_use()
    assert browser.chromium_executable() is None  # its cache is empty
    expected.parent.mkdir(parents=True)
    expected.write_text("#!/bin/sh\n")  # what `make browsers` would have downloaded there
    assert browser.chromium_or_skip() == str(expected)


def browser_path_playwright_would_use() -> Path:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        return Path(playwright.chromium.executable_path)

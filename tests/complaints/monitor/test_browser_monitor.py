"""An investigator signs in with password and TOTP, finds a case by search on /monitor/, replies to the
worker from a template, triages, starts the investigation, records a finding and resolves the case.
Drives Chromium through Playwright with JavaScript on (htmx); tests/browser.py says which."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from complaints.choices import MessageKind, Status
from complaints.models import Complaint
from complaints.reply_templates import reply_template_text
from tests.browser import SCREENSHOTS
from tests.conftest import PASSWORD


def current_token(device: TOTPDevice) -> str:
    # Not too close to the end of a 30 s step, so the code is still valid when posted.
    if time.time() % 30 > 25:
        time.sleep(30 - time.time() % 30 + 0.5)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_investigator_finds_replies_triages_and_resolves_a_case(browser, world, make_case, worker, live_server):
    complaint = make_case(
        status=Status.NEW, complainant=worker, description="El capataz se quedó con nuestros pasaportes."
    )
    make_case(status=Status.NEW, description="Nos pagan tarde cada mes.")
    make_case(status=Status.TRIAGED, standard="ZT-4", description="Un supervisor golpeó a un trabajador.")
    late = make_case(status=Status.TRIAGED, standard="W-2", description="No nos dan agua en el campo.")
    Complaint.objects.filter(pk=late.pk).update(investigate_due=timezone.now() - timedelta(hours=5))
    device = TOTPDevice.objects.create(user=world.investigator, name="phone", confirmed=True)

    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(f"{page.url}: {m.text}") if m.type == "error" else None)

    page.goto(f"{live_server.url}/monitor/")
    page.wait_for_url("**/accounts/login/**")
    page.fill("#id_username", "investigator")
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")  # not the navigation's log-out button
    page.wait_for_url("**/accounts/2fa/**")
    page.fill("#id_token", current_token(device))
    page.click("main form button[type=submit]")  # not the navigation's log-out button
    page.wait_for_url(f"{live_server.url}/monitor/")
    expect(page.locator("#queue-table tbody tr")).to_have_count(4)
    expect(page.locator("#queue-counts")).to_contain_text("Open")  # loaded lazily by htmx
    expect(page.locator(".queue-row-overdue .time-overdue")).to_contain_text("overdue 5")
    page.screenshot(path=SCREENSHOTS / "monitor-queue.png", full_page=True)

    # Search narrows the list in place (htmx) and puts the filter in the address bar.
    page.fill("#id_q", "pasaportes")
    page.press("#id_q", "Enter")
    expect(page.locator("#queue-table tbody tr")).to_have_count(1)
    assert "q=pasaportes" in page.url
    page.wait_for_load_state("networkidle")
    expect(page.locator("#queue-counts")).to_contain_text("Open")
    page.screenshot(path=SCREENSHOTS / "monitor-queue-search.png", full_page=True)
    page.click(f"a.case-link:text('{complaint.reference}')")
    page.wait_for_url(f"**/monitor/cases/{complaint.reference}/")
    expect(page.locator("#case-status")).to_have_text("New")
    assert worker.name not in page.content()
    page.screenshot(path=SCREENSHOTS / "monitor-case-new.png", full_page=True)

    # A reviewed template fills the box in the worker's language (htmx), then goes out by SMS.
    page.select_option("#id_reply_template", "more")
    expect(page.locator("#id_reply_body")).to_have_value(reply_template_text(key="more", language="es"))
    page.click("#reply-form button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("Reply recorded")

    page.select_option("#id_triage_standard", "W-1")
    page.select_option("#id_triage_assignee", "investigator")
    page.click("#triage-form button[type=submit]")
    expect(page.locator("#case-status")).to_have_text("Triaged")

    page.click("#start_investigation-form button[type=submit]")
    expect(page.locator("#case-status")).to_have_text("Investigating")

    page.click("#findings summary:text('Record a finding')")
    page.select_option("#id_finding_standard", "W-1")
    page.select_option("#id_finding_substantiated", "yes")
    page.fill("#id_finding_notes", "Payroll shows two unpaid hours a day.")
    page.click("#finding-form button[type=submit]")
    expect(page.locator("#findings")).to_contain_text("Substantiated")

    page.fill("#id_resolve_reason", "Back pay agreed with the supplier.")
    page.click("#resolve-form button[type=submit]")
    expect(page.locator("#case-status")).to_have_text("Resolved")
    page.screenshot(path=SCREENSHOTS / "monitor-case-resolved.png", full_page=True)
    assert not errors, errors  # no CSP violation or script error

    complaint.refresh_from_db()
    assert complaint.status == Status.RESOLVED
    assert complaint.assignee == world.investigator
    replies = complaint.messages.filter(kind=MessageKind.OUTBOUND, author=world.investigator)
    assert list(replies.values_list("body", flat=True)) == [reply_template_text(key="more", language="es")]
    assert Complaint.objects.get(pk=complaint.pk).findings.get().substantiated
    assert (SCREENSHOTS / "monitor-case-resolved.png").stat().st_size > 0

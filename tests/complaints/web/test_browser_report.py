"""A worker files a complaint in Bengali on a phone-sized Chromium with JavaScript off, then follows
it on /track/. Drives Chromium through Playwright (tests/browser.py says which, and what happens without one)."""

from __future__ import annotations

import pytest

from complaints.choices import Channel
from complaints.models import Complaint
from tests.browser import SCREENSHOTS

DESCRIPTION = "সুপারভাইজার দুই সপ্তাহের ওভারটাইমের টাকা দেয়নি।"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_worker_files_and_tracks_a_complaint_in_bengali_with_javascript_off(browser, world, live_server):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844}, locale="bn-BD")
    page = context.new_page()
    page.goto(f"{live_server.url}/report/?lang=bn")
    assert page.locator("h1").inner_text() == "অভিযোগ করুন"
    page.fill("#id_worksite_code", "rf101")
    page.fill("#id_description", DESCRIPTION)
    page.screenshot(path=SCREENSHOTS / "report-bn-form.png", full_page=True)
    page.click("form[enctype] button[type=submit]")
    page.wait_for_url("**/report/done/**")
    reference = page.locator("#reference").inner_text().strip()
    code = page.locator("#receipt-code").inner_text().strip()
    assert "দুটি কোডই এখনই লিখে নিন" in page.content()
    page.screenshot(path=SCREENSHOTS / "report-bn-done.png", full_page=True)

    page.reload()  # the codes are shown once only
    assert reference not in page.content() and code not in page.content()

    page.goto(f"{live_server.url}/track/?lang=bn")
    page.fill("#id_reference", reference)
    page.fill("#id_receipt_code", code)
    page.click("form button[type=submit]")
    page.wait_for_url("**/track/case/**")
    assert page.locator(".status-label").inner_text() == "গ্রহণ করা হয়েছে"
    page.fill("#id_body", "আজ আবার একই ঘটনা ঘটেছে।")
    page.click("section form button[type=submit]")
    page.wait_for_url("**/track/case/**")
    assert "আজ আবার একই ঘটনা ঘটেছে।" in page.content()
    page.screenshot(path=SCREENSHOTS / "track-bn.png", full_page=True)

    complaint = Complaint.objects.get(reference=reference)
    assert complaint.channel == Channel.WEB
    assert complaint.language == "bn"
    assert complaint.worksite == world.worksite_a
    assert complaint.description == DESCRIPTION
    assert complaint.messages.filter(body="আজ আবার একই ঘটনা ঘটেছে।").exists()
    assert (SCREENSHOTS / "report-bn-done.png").stat().st_size > 0

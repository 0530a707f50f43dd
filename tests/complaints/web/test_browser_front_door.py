"""What a worker sees on a cheap phone with JavaScript off (Chromium through Playwright, screenshots in
var/screenshots/): the front door in her language, the referral help on /track/, and the error pages;
plus a staff member's error page in the staff layout."""

from __future__ import annotations

import pytest
from django.test import Client
from playwright.sync_api import Browser, Page

from complaints import workflow
from complaints.choices import Scope
from tests.browser import SCREENSHOTS
from tests.complaints.web.conftest import file_complaint
from tests.conftest import World, pass_second_factor

PHONE = {"java_script_enabled": False, "viewport": {"width": 360, "height": 740}}
HOTLINE = "+18135550100"
HELP_BN = "শ্রম পরিদর্শন অফিস, ঢাকা: ১৬৩৫৭ নম্বরে ফোন করুন (রবি থেকে বৃহস্পতি, সকাল ৯টা থেকে বিকাল ৫টা)।"


@pytest.fixture(autouse=True)
def _hotline(settings) -> None:
    settings.PUBLIC_HOTLINE_NUMBER = HOTLINE


def phone_page(browser: Browser, locale: str) -> Page:
    return browser.new_context(**PHONE, locale=locale, extra_http_headers={"Accept-Language": locale}).new_page()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_worker_finds_the_front_door_in_her_language_and_switches_it(browser, world, live_server):
    page = phone_page(browser, "bn-BD")
    page.goto(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == "কাজে কোনো সমস্যা? আমাদের জানান।"
    assert page.locator(f'a[href="sms:{HOTLINE}"]').inner_text() == "+1 813-555-0100"
    assert page.locator(".keywords .code").all_inner_texts() == ["নতুন", "অবস্থা", "সাহায্য", "STOP"]
    page.screenshot(path=SCREENSHOTS / "front-door-bn.png", full_page=True)

    page.click("nav.languages a[hreflang=es]")
    page.wait_for_url("**/?lang=es")
    assert page.locator("h1").inner_text() == "¿Tiene un problema en el trabajo? Díganoslo."
    page.screenshot(path=SCREENSHOTS / "front-door-es.png", full_page=True)

    page.click("#report-link")
    page.wait_for_url("**/report/?lang=es")
    assert page.locator("h1").inner_text() == "Presentar una queja"
    page.click("p.brand a")  # back to the front door, still in Spanish
    page.click("#track-link")
    page.wait_for_url("**/track/?lang=es")
    page.goto(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == "¿Tiene un problema en el trabajo? Díganoslo."  # remembered
    page.click(".staff-link a")
    page.wait_for_url("**/accounts/login/")
    assert (SCREENSHOTS / "front-door-bn.png").stat().st_size > 0


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_referred_web_worker_reads_the_help_on_track_in_bengali(browser, world: World, standards, live_server):
    complaint, code = file_complaint(Client(), lang="bn", description="বাড়িওয়ালা আমাদের ঘর থেকে বের করে দিচ্ছে।")
    workflow.complaint_triage(
        complaint=complaint, actor=world.lead, standard=standards["W-1"], scope=Scope.NOT_COVERED,
        referral_info=HELP_BN,
    )  # fmt: skip
    workflow.complaint_refer(complaint=complaint, actor=world.lead)
    page = phone_page(browser, "bn-BD")
    page.goto(f"{live_server.url}/track/")
    page.fill("#id_reference", complaint.reference)
    page.fill("#id_receipt_code", code)
    page.click("form button[type=submit]")
    page.wait_for_url("**/track/case/**")
    assert page.locator("#referral h3").inner_text() == "কোথায় সাহায্য পাবেন"
    assert page.locator("#referral p").inner_text() == HELP_BN
    page.screenshot(path=SCREENSHOTS / "track-referred-bn.png", full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_error_pages_in_the_workers_language_and_in_the_staff_layout(browser, world: World, live_server, settings):
    settings.ROOT_URLCONF = "tests.complaints.web.error_urls"  # adds /broken/, a page whose database is down
    staff = Client()
    staff.force_login(world.investigator)
    pass_second_factor(staff, world.investigator)
    page = phone_page(browser, "bn-BD")
    response = page.goto(f"{live_server.url}/report/no-such-page/")
    assert response is not None and response.status == 404
    assert page.locator("h1").inner_text() == "এই পাতাটি খুঁজে পাওয়া যায়নি"
    page.screenshot(path=SCREENSHOTS / "error-404-bn.png", full_page=True)
    page.click(".choices a >> nth=1")  # "check your complaint"
    page.wait_for_url("**/track/?lang=bn")

    page = phone_page(browser, "ht")
    response = page.goto(f"{live_server.url}/broken/")
    assert response is not None and response.status == 500
    assert page.locator("h1").inner_text() == "Gen yon bagay ki pa mache"
    page.screenshot(path=SCREENSHOTS / "error-500-ht.png", full_page=True)

    desk = browser.new_context(viewport={"width": 1280, "height": 720})
    desk.add_cookies([{"name": "sessionid", "value": staff.cookies["sessionid"].value, "url": live_server.url}])
    page = desk.new_page()
    response = page.goto(f"{live_server.url}/monitor/cases/NOSUCHCASE/")
    assert response is not None and response.status == 404
    assert page.locator("nav.navbar").is_visible()
    assert page.locator("h1").inner_text() == "We cannot find this page"
    page.screenshot(path=SCREENSHOTS / "error-404-staff.png", full_page=True)

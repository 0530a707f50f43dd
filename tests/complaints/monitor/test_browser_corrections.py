"""The monitor lead spots a forced-labor case by the worker's first line in the queue, then corrects a
zero-tolerance finding recorded in error (its pending suspension is rejected with the reason) and a
verified remedy with a mistyped amount. Drives Chromium through Playwright; tests/browser.py says which."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from complaints import workflow
from complaints.choices import Status
from complaints.models import CaseFinding, Remedy
from tests.browser import SCREENSHOTS
from tests.complaints.monitor.test_browser_monitor import staff_sign_in
from wsr.network.choices import ProposalStatus, Standing
from wsr.network.models import StandingProposal


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_lead_triages_from_the_queue_and_corrects_a_finding_and_a_remedy(
    browser, world, standards, make_case, worker, live_server
):
    for text in (
        "Nos pagan tarde cada mes y sin recibo.",
        "No hay agua potable en el campo norte desde el lunes.",
        "El supervisor grita a las mujeres del empaque.",
    ):
        make_case(status=Status.NEW, description=text)
    complaint = make_case(
        status=Status.INVESTIGATING, standard="ZT-1", complainant=worker, assignee=world.investigator,
        description="El capataz se quedó con nuestros pasaportes y dice que le debemos el viaje, la renta y la "
        "comida.\nMi nombre y dónde duermo.",
    )  # fmt: skip
    wrong = workflow.finding_record(
        complaint=complaint, actor=world.investigator, standard=standards["ZT-1"], substantiated=True,
        notes="Passports seen in the crew leader's office",
    )  # fmt: skip
    paid = workflow.remedy_record(
        complaint=complaint, actor=world.investigator, kind="back_pay", amount=120, currency="USD", finding=wrong
    )
    workflow.remedy_verify(remedy=paid, actor=world.investigator)
    device = TOTPDevice.objects.create(user=world.lead, name="phone", confirmed=True)

    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(f"{page.url}: {m.text}") if m.type == "error" else None)
    staff_sign_in(page, live_server.url, "lead", device)

    # Item 8: the first line of what each worker reported, shortened; never the second line.
    expect(page.locator("#queue-table tbody tr")).to_have_count(4)
    row = page.locator("#queue-table tbody tr", has_text=complaint.reference)
    expect(row.locator(".queue-first-line")).to_contain_text("El capataz se quedó con nuestros pasaportes")
    expect(row.locator(".queue-first-line")).to_contain_text("…")
    expect(page.locator("#queue-table")).not_to_contain_text("dónde duermo")
    page.screenshot(path=SCREENSHOTS / "monitor-queue-first-lines.png", full_page=True)

    row.locator("a.case-link").click()
    page.wait_for_url(f"**/monitor/cases/{complaint.reference}/")
    expect(page.locator("#proposals")).to_contain_text("Pending")
    finding_row = page.locator(f"#finding-{wrong.uuid}")
    finding_row.locator("summary", has_text="Correct or withdraw").click()
    correct = finding_row.locator("form.finding-correct-form")
    expect(correct.locator("select[name=standard]")).to_have_value("ZT-1")  # filled from the finding
    correct.locator("select[name=standard]").select_option("W-1")
    correct.locator("select[name=substantiated]").select_option("yes")
    correct.locator("textarea[name=notes]").fill("The worker owes a transport fee deducted from wages.")
    correct.locator("textarea[name=reason]").fill("Passports were in a locker the workers open: it is a wage case")
    page.locator("#findings").screenshot(path=SCREENSHOTS / "monitor-finding-correct-form.png")
    correct.locator("button[type=submit]").click()

    expect(page.locator(".alert-success")).to_contain_text("Finding corrected. The suspension it proposed is rejected.")
    expect(page.locator("#active-findings > li > strong")).to_have_text(["W-1"])  # ZT-1 no longer counts
    withdrawn = page.locator("#withdrawn-findings")
    expect(withdrawn.locator("del")).to_contain_text("ZT-1")
    expect(withdrawn).to_contain_text("Replaced by W-1 (substantiated)")
    expect(withdrawn).to_contain_text("Passports were in a locker the workers open")
    expect(page.locator("#proposals")).to_contain_text("Rejected")
    expect(page.locator("#timeline")).to_contain_text("ZT-1: substantiated → W-1: substantiated")
    page.screenshot(path=SCREENSHOTS / "monitor-finding-corrected.png", full_page=True)

    # The verified remedy: a correction replaces it with one that needs verifying again.
    fix = page.locator(f"#remedy-{paid.uuid} + tr.remedy-fix")
    fix.locator("summary", has_text="Correct or withdraw").click()
    expect(fix).to_contain_text("Verified: a correction replaces it with a remedy that needs verifying again.")
    form = fix.locator("form.remedy-correct-form")
    expect(form.locator("input[name=amount]")).to_have_value("120.00")
    form.locator("input[name=amount]").fill("1200")
    form.locator("textarea[name=reason]").fill("A zero was missing from the amount")
    form.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("verify the corrected remedy again")
    remedies = page.locator("#remedies")
    expect(remedies.locator("tr.withdrawn del").first).to_contain_text("Back pay")
    expect(remedies).to_contain_text("1200.00 USD")
    expect(remedies.get_by_role("button", name="Verify")).to_have_count(1)
    draft = page.locator("#id_share_summary").input_value()
    assert "Finding — No forced labor" not in draft and "Remedy required — Back pay: 120.00 USD" not in draft
    assert "Remedy required — Back pay: 1200.00 USD" in draft
    page.locator("#findings").screenshot(path=SCREENSHOTS / "monitor-remedy-corrected.png")
    assert not errors, errors

    assert CaseFinding.objects.get(pk=wrong.pk).is_withdrawn
    assert StandingProposal.objects.get(origin_id=wrong.pk).status == ProposalStatus.REJECTED
    world.supplier_a.refresh_from_db()
    assert world.supplier_a.standing == Standing.GOOD_STANDING
    old = Remedy.objects.get(pk=paid.pk)
    assert (old.amount, old.verified, old.is_withdrawn) == (120, True, True)
    assert Remedy.objects.get(complaint=complaint, withdrawn_at__isnull=True).amount == 1200

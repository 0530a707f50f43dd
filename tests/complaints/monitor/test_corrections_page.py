"""Correcting and withdrawing findings and remedies from the case page: the forms on each row, the
struck-through history, who may do it, and what a mistake costs in queries (nothing more per row)."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints import workflow
from complaints.choices import EventKind, Status
from complaints.models import CaseFinding, Event, Remedy
from tests.complaints.monitor.conftest import client_as
from wsr.network.choices import ProposalStatus
from wsr.network.models import StandingProposal

pytestmark = pytest.mark.django_db


def case_url(complaint, action: str = "") -> str:
    return f"/monitor/cases/{complaint.reference}/" + (f"{action}/" if action else "")


def section(html: str, element_id: str) -> str:
    """The HTML of the element with ``element_id`` up to the next section."""
    start = html.index(f'id="{element_id}"')
    end = html.find("<section", start)
    return html[start : end if end != -1 else None]


def test_a_finding_corrected_on_the_page_is_struck_through_with_who_and_why(world, standards, make_case):
    complaint = make_case(status=Status.INVESTIGATING)
    wrong = workflow.finding_record(
        complaint=complaint, actor=world.lead, standard=standards["W-1"], substantiated=True
    )
    client = client_as(world, "lead")
    page = client.get(case_url(complaint)).content.decode()
    assert page.count('class="mt-2 finding-correct-form"') == 1
    assert f'name="finding" value="{wrong.uuid}"' in page  # the row's own correction and withdrawal forms

    response = client.post(
        case_url(complaint, "finding_correct"),
        {"finding": str(wrong.uuid), "standard": "W-2", "substantiated": "yes", "notes": "Overtime unpaid",
         "reason": "It was overtime, not the hourly wage"},
    )  # fmt: skip
    assert response.status_code == 302 and response["Location"].endswith("#findings")
    page = html_lib.unescape(client.get(case_url(complaint)).content.decode())
    assert "Finding corrected." in page
    findings = section(page, "findings")
    active = findings[: findings.index('id="withdrawn-findings"')]
    assert "<strong>W-2</strong>" in active and "Overtime unpaid" in active and "<strong>W-1</strong>" not in active
    withdrawn = findings[findings.index('id="withdrawn-findings"') :]
    assert re.search(r"<del>W-1 [^<]*: substantiated</del>", withdrawn)
    assert "Replaced by W-2 (substantiated)" in withdrawn and "by lead" in withdrawn.lower()
    assert "“It was overtime, not the hourly wage”" in withdrawn
    timeline = section(page, "timeline")
    assert "Finding corrected" in timeline and "W-1: substantiated → W-2: substantiated" in timeline


def test_the_supplier_summary_draft_on_the_page_leaves_out_a_withdrawn_finding(world, standards, make_case):
    complaint = make_case(status=Status.INVESTIGATING)
    wrong = workflow.finding_record(
        complaint=complaint, actor=world.lead, standard=standards["W-1"], substantiated=True
    )
    workflow.finding_record(complaint=complaint, actor=world.lead, standard=standards["W-1"], substantiated=False)
    client = client_as(world, "lead")
    response = client.post(
        case_url(complaint, "finding_withdraw"), {"finding": str(wrong.uuid), "reason": "Recorded before the payroll"}
    )
    assert response.status_code == 302
    draft = re.search(
        r'<textarea name="summary"[^>]*>(.*?)</textarea>', client.get(case_url(complaint)).content.decode(), re.S
    )
    assert draft is not None
    text = html_lib.unescape(draft.group(1))
    assert ": not substantiated." in text and ": substantiated." not in text


def test_an_investigator_is_not_offered_the_correction_of_a_zero_tolerance_finding_and_is_refused(
    world, standards, make_case
):
    complaint = make_case(status=Status.INVESTIGATING, standard="ZT-1", assignee=world.investigator)
    zero = workflow.finding_record(
        complaint=complaint, actor=world.investigator, standard=standards["ZT-1"], substantiated=True
    )
    client = client_as(world, "investigator")
    page = client.get(case_url(complaint)).content.decode()
    assert "finding-correct-form" not in page and "finding-withdraw-form" not in page
    assert "Only the monitor lead corrects or withdraws a substantiated zero-tolerance finding." in page
    response = client.post(case_url(complaint, "finding_withdraw"), {"finding": str(zero.uuid), "reason": "Wrong one"})
    assert response.status_code == 403 and "Only the monitor lead" in response.content.decode()
    assert not CaseFinding.objects.get(pk=zero.pk).is_withdrawn
    assert StandingProposal.objects.get(origin_id=zero.pk).status == ProposalStatus.PENDING


def test_the_lead_withdrawing_a_zero_tolerance_finding_is_told_its_suspension_is_rejected(world, standards, make_case):
    complaint = make_case(status=Status.INVESTIGATING, standard="ZT-1")
    zero = workflow.finding_record(
        complaint=complaint, actor=world.lead, standard=standards["ZT-1"], substantiated=True
    )
    client = client_as(world, "lead")
    response = client.post(
        case_url(complaint, "finding_withdraw"),
        {"finding": str(zero.uuid), "reason": "The passports were in a locker she opens"},
        follow=True,
    )
    page = html_lib.unescape(response.content.decode())
    assert "Finding withdrawn. The suspension it proposed is rejected." in page
    proposals = section(page, "proposals")
    assert "Rejected" in proposals and "Finding withdrawn: The passports were in a locker she opens" in proposals


@pytest.mark.parametrize(
    ("action", "data", "code", "message"),
    [
        ("finding_withdraw", {"finding": "FINDING", "reason": ""}, 400, "This field is required"),
        ("finding_withdraw", {"finding": "FINDING", "reason": "oops"}, 400, "at least 5 characters"),
        ("finding_withdraw", {"finding": "not-a-uuid", "reason": "Recorded in error"}, 400, "Enter a valid UUID"),
        ("finding_withdraw", {"finding": "OTHER", "reason": "Recorded in error"}, 400, "No such finding on this case"),
        ("finding_correct", {"finding": "FINDING", "standard": "NOPE", "substantiated": "yes", "reason": "Wrong one"},
         400, "Select a valid choice"),
        ("remedy_withdraw", {"remedy": "REMEDY", "reason": ""}, 400, "This field is required"),
        ("remedy_withdraw", {"remedy": "00000000-0000-0000-0000-000000000000", "reason": "Entered twice"}, 400,
         "No such remedy on this case"),
        ("remedy_correct", {"remedy": "REMEDY", "kind": "back_pay", "reason": "Amount was wrong"}, 400,
         "Back pay needs an amount"),
    ],
)  # fmt: skip
def test_bad_corrections_give_a_4xx_with_a_message_never_a_500(
    world, standards, make_case, action, data, code, message
):
    complaint = make_case(status=Status.INVESTIGATING)
    recorded = workflow.finding_record(
        complaint=complaint, actor=world.lead, standard=standards["W-1"], substantiated=True
    )
    remedy = workflow.remedy_record(complaint=complaint, actor=world.lead, kind="training")
    other = make_case(status=Status.INVESTIGATING)
    elsewhere = workflow.finding_record(
        complaint=other, actor=world.lead, standard=standards["W-1"], substantiated=True
    )
    ids = {"FINDING": str(recorded.uuid), "REMEDY": str(remedy.uuid), "OTHER": str(elsewhere.uuid)}
    data = {key: ids.get(value, value) for key, value in data.items()}
    response = client_as(world, "lead").post(case_url(complaint, action), data)
    assert response.status_code == code
    body = response.content.decode()
    assert message in body and "Not saved" in body
    assert not CaseFinding.objects.filter(withdrawn_at__isnull=False).exists()
    assert not Remedy.objects.filter(withdrawn_at__isnull=False).exists()


def test_a_withdrawal_posted_twice_from_a_stale_page_says_it_was_already_withdrawn(world, standards, make_case):
    complaint = make_case(status=Status.INVESTIGATING)
    recorded = workflow.finding_record(
        complaint=complaint, actor=world.lead, standard=standards["W-1"], substantiated=True
    )
    client = client_as(world, "lead")
    data = {"finding": str(recorded.uuid), "reason": "Recorded in error"}
    assert client.post(case_url(complaint, "finding_withdraw"), data).status_code == 302
    again = client.post(case_url(complaint, "finding_withdraw"), data)
    assert again.status_code == 400 and "This finding was already withdrawn." in again.content.decode()
    assert Event.objects.filter(complaint=complaint, kind=EventKind.FINDING_WITHDRAWN).count() == 1


def test_a_verified_remedy_corrected_on_the_page_is_replaced_by_one_to_verify_again(world, make_case):
    complaint = make_case(status=Status.RESOLVED)
    paid = workflow.remedy_record(complaint=complaint, actor=world.lead, kind="back_pay", amount=120, currency="USD")
    workflow.remedy_verify(remedy=paid, actor=world.lead)
    client = client_as(world, "lead")
    page = client.get(case_url(complaint)).content.decode()
    assert "Verified: a correction replaces it with a remedy that needs verifying again." in page
    response = client.post(
        case_url(complaint, "remedy_correct"),
        {"remedy": str(paid.uuid), "kind": "back_pay", "amount": "1200", "currency": "USD",
         "reason": "A zero was missing"},
        follow=True,
    )  # fmt: skip
    page = html_lib.unescape(response.content.decode())
    assert "Remedy corrected. It was verified: verify the corrected remedy again." in page
    remedies = page[page.index('id="remedies"') :]
    assert (
        "<del>120.00 USD</del>" in remedies and "<del>Verified</del>" in remedies and "“A zero was missing”" in remedies
    )
    replacement = Remedy.objects.get(complaint=complaint, withdrawn_at__isnull=True)
    assert replacement.amount == 1200 and not replacement.verified
    assert f'name="remedy" value="{replacement.uuid}"' in page  # its Verify button
    assert Remedy.objects.get(pk=paid.pk).amount == 120


def test_a_remedy_can_only_be_recorded_for_a_finding_that_still_counts(world, standards, make_case):
    complaint = make_case(status=Status.INVESTIGATING)
    wrong = workflow.finding_record(
        complaint=complaint, actor=world.lead, standard=standards["W-1"], substantiated=True
    )
    workflow.finding_withdraw(finding=wrong, actor=world.lead, reason="Recorded in error")
    client = client_as(world, "lead")
    page = client.get(case_url(complaint)).content.decode()
    form = page[page.index('id="remedy-form"') :]
    assert f'value="{wrong.uuid}"' not in form[: form.index("</form>")]
    response = client.post(case_url(complaint, "remedy"), {"kind": "training", "finding": str(wrong.uuid)})
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()


def test_findings_of_a_closed_case_are_corrected_after_reopening_it(world, standards, make_case):
    complaint = make_case(status=Status.INVESTIGATING)
    workflow.finding_record(complaint=complaint, actor=world.lead, standard=standards["W-1"], substantiated=True)
    workflow.complaint_resolve(complaint=complaint, actor=world.lead)
    page = client_as(world, "lead").get(case_url(complaint)).content.decode()
    assert "finding-correct-form" not in page
    assert "Findings are corrected while the case is under investigation: reopen it first." in page


def test_case_page_queries_do_not_grow_with_corrected_findings_and_remedies(world, standards, make_case):
    complaint = make_case(status=Status.INVESTIGATING)
    client = client_as(world, "lead")
    counts = []
    for rounds in (1, 6):
        for _ in range(rounds):
            finding = workflow.finding_record(
                complaint=complaint, actor=world.lead, standard=standards["W-1"], substantiated=True
            )
            remedy = workflow.remedy_record(
                complaint=complaint, actor=world.lead, kind="back_pay", amount=10, currency="USD", finding=finding
            )
            workflow.remedy_verify(remedy=remedy, actor=world.lead)
            workflow.finding_correct(
                finding=finding, actor=world.lead, standard=standards["W-2"],
                substantiated=True, reason="Overtime rather than wages",
            )  # fmt: skip
            workflow.remedy_correct(
                remedy=remedy, actor=world.lead, kind="back_pay", amount=20, currency="USD", reason="Twice as much"
            )
        client.get(case_url(complaint))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(case_url(complaint))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts

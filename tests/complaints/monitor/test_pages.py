"""The monitor's queue and case pages: filters, search, the workflow through the forms, identity
protection, bad input, and query counts that do not grow with the number of cases."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from complaints import workflow
from complaints.choices import EventKind, Language, MessageKind, Status
from complaints.models import Complaint, Event, IdentityAccess, Message, Remedy
from complaints.reply_templates import reply_template_text
from tests.complaints.monitor.conftest import client_as
from tests.complaints.workflow.conftest import WORKER_NAME, WORKER_PHONE
from tests.complaints.workflow.test_queue import bulk_cases
from tests.conftest import make_user
from wsr.network.choices import Role, Standing
from wsr.network.models import StandingProposal

pytestmark = pytest.mark.django_db


def references(html: str) -> set[str]:
    return set(re.findall(r'class="font-monospace fw-semibold case-link" href="/monitor/cases/(\w+)/"', html))


def case_url(complaint: Complaint, action: str = "") -> str:
    return f"/monitor/cases/{complaint.reference}/" + (f"{action}/" if action else "")


# --- Queue ----------------------------------------------------------------------------------------


def test_the_queue_lists_open_cases_most_urgent_first(world, make_case):
    serious = make_case(status=Status.TRIAGED, standard="W-1")
    zero = make_case(status=Status.TRIAGED, standard="ZT-1")
    closed = make_case(status=Status.CLOSED, standard="W-1")
    html = client_as(world, "lead").get("/monitor/").content.decode()
    assert html.index(zero.reference) < html.index(serious.reference)
    assert closed.reference not in html
    assert "Zero tolerance" in html


def test_overdue_cases_are_marked_in_red(world, make_case):
    late = make_case(status=Status.TRIAGED, standard="W-1")
    Complaint.objects.filter(pk=late.pk).update(investigate_due=timezone.now() - timedelta(hours=3))
    html = client_as(world, "lead").get("/monitor/").content.decode()
    assert "queue-row-overdue" in html and "text-danger fw-semibold time-overdue" in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"severity": "zero_tolerance"}, {"zt"}),
        ({"standard": "W-1"}, {"wages"}),
        ({"worksite": "DK401"}, {"delta"}),
        ({"language": "en"}, {"english"}),
        ({"assignee": "mine"}, {"mine"}),
        ({"assignee": "unassigned"}, {"zt", "wages", "delta", "english"}),
        ({"status": "investigating"}, {"mine"}),
        ({"status": "all", "severity": "minor"}, {"mine", "closed"}),
        ({"overdue": "1"}, {"wages"}),
        ({"q": "passports"}, {"zt"}),
    ],
)
def test_queue_filters_and_search_narrow_the_list(world, make_case, params, expected):
    cases = {
        "zt": make_case(status=Status.TRIAGED, standard="ZT-1", description="They took our passports."),
        "wages": make_case(status=Status.TRIAGED, standard="W-1"),
        "delta": make_case(status=Status.NEW, worksite=world.worksite_b),
        "english": make_case(status=Status.NEW, language=Language.EN),
        "mine": make_case(status=Status.INVESTIGATING, standard="D-2", assignee=world.investigator),
        "closed": make_case(status=Status.CLOSED, standard="D-2"),
    }
    Complaint.objects.filter(pk=cases["wages"].pk).update(investigate_due=timezone.now() - timedelta(hours=1))
    html = client_as(world, "investigator").get("/monitor/", params).content.decode()
    assert references(html) == {cases[name].reference for name in expected}


def test_a_search_by_reference_finds_the_case(world, make_case):
    wanted = make_case()
    make_case()
    html = client_as(world, "lead").get("/monitor/", {"q": wanted.reference.lower()}).content.decode()
    assert references(html) == {wanted.reference}


def test_htmx_gets_only_the_list_and_the_counts_come_lazily(world, make_case):
    make_case()
    client = client_as(world, "lead")
    partial = client.get("/monitor/", {"severity": "serious"}, headers={"HX-Request": "true"})
    assert partial.status_code == 200
    body = partial.content.decode()
    assert "<html" not in body and 'id="queue-table"' in body
    assert "HX-Request" in partial["Vary"]
    page = client.get("/monitor/").content.decode()
    assert "<html" in page and 'hx-push-url="true"' in page and 'hx-target="#queue-results"' in page
    assert 'hx-get="/monitor/counts/" hx-include="#queue-filters"' in page
    counts = client.get("/monitor/counts/").content.decode()
    assert re.search(r"New <span[^>]*>1</span>", counts)


def test_the_next_page_link_walks_the_queue_without_repeats(world, standards):
    bulk_cases(world, standards, 12)
    client = client_as(world, "lead")
    seen: list[str] = []
    url = "/monitor/?limit=5"
    while url:
        html = client.get(url).content.decode()
        seen += sorted(references(html))
        found = re.search(r'id="next-page" href="([^"]+)"', html)
        url = found.group(1).replace("&amp;", "&") if found else ""
    assert len(seen) == len(set(seen)) == 12


def test_bad_filter_values_are_ignored_not_an_error(world, make_case):
    make_case()
    response = client_as(world, "lead").get(
        "/monitor/", {"severity": "nope", "supplier": "not-a-uuid", "limit": "x", "cursor": "garbage", "status": "??"}
    )
    assert response.status_code == 200


@pytest.mark.parametrize("page", ["queue", "case"])
def test_page_query_counts_do_not_grow_with_the_number_of_cases(world, standards, make_case, worker, page):
    target = make_case(status=Status.INVESTIGATING, complainant=worker)
    workflow.note_add(complaint=target, author=world.lead, body="Internal remark")
    workflow.complaint_assign(complaint=target, actor=world.lead, assignee=world.investigator)
    client = client_as(world, "lead")
    url = "/monitor/" if page == "queue" else case_url(target)
    counts = []
    for total in (5, 500):
        bulk_cases(world, standards, total - Complaint.objects.count(), seed=total)
        assert Complaint.objects.count() == total
        client.get(url)  # warm caches (content types, sessions)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_case_page_queries_do_not_grow_with_the_thread(world, make_case, worker):
    target = make_case(status=Status.INVESTIGATING, complainant=worker)
    client = client_as(world, "lead")
    counts = []
    for messages in (2, 40):
        existing = Message.objects.filter(complaint=target).count()
        Message.objects.bulk_create(
            [Message(complaint=target, kind=["inbound", "outbound", "note"][i % 3], body=f"m{i}", author=world.lead)
             for i in range(messages - existing)]
        )  # fmt: skip
        Event.objects.bulk_create(
            [Event(complaint=target, kind=EventKind.ASSIGNED, data={"assignee": world.investigator.pk})] * 3
        )
        client.get(case_url(target))
        with CaptureQueriesContext(connection) as queries:
            client.get(case_url(target))
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


# --- Case page ------------------------------------------------------------------------------------


def test_the_case_page_shows_the_timeline_with_internal_notes_marked(world, make_case, worker):
    complaint = make_case(status=Status.TRIAGED, complainant=worker, assignee=world.investigator)
    Message.objects.create(complaint=complaint, kind=MessageKind.INBOUND, body="They still owe me.")
    workflow.complaint_reply(complaint=complaint, author=world.investigator, body="We are on it.")
    workflow.note_add(complaint=complaint, author=world.investigator, body="Supervisor named Ruiz.")
    html = client_as(world, "investigator").get(case_url(complaint)).content.decode()
    assert "They still owe me." in html and "From the worker" in html
    assert "We are on it." in html and "To the worker" in html and "delivery-recorded" in html
    note = html.index("Supervisor named Ruiz.")
    assert "Internal" in html[note - 600 : note]
    assert "Start investigation" in html  # deadlines and the next action


def test_the_identity_never_appears_on_the_pages_before_a_reveal(world, make_case, worker):
    complaint = make_case(status=Status.INVESTIGATING, complainant=worker)
    client = client_as(world, "lead")
    digits = WORKER_PHONE.lstrip("+")
    for url in (case_url(complaint), "/monitor/", f"/monitor/?q={complaint.reference}"):
        html = client.get(url).content.decode()
        assert WORKER_NAME not in html and digits not in html and digits[-7:] not in html
        assert "Hernandez" not in html


def test_reveal_needs_a_reason_then_shows_the_identity_once_and_logs_it(world, make_case, worker):
    complaint = make_case(status=Status.INVESTIGATING, complainant=worker)
    client = client_as(world, "investigator")
    refused = client.post(case_url(complaint, "identity"), {"reason": ""})
    assert refused.status_code == 400
    assert "This field is required" in refused.content.decode()
    too_short = client.post(case_url(complaint, "identity"), {"reason": "x"})
    assert too_short.status_code == 400 and "at least 5 characters" in too_short.content.decode()
    assert not IdentityAccess.objects.exists()

    shown = client.post(case_url(complaint, "identity"), {"reason": "Calling her back about the visit"})
    assert shown.status_code == 200
    html = shown.content.decode()
    assert WORKER_PHONE in html and WORKER_NAME in html
    assert "no-store" in shown["Cache-Control"]
    access = IdentityAccess.objects.get()
    assert (access.user, access.complaint, access.reason) == (
        world.investigator,
        complaint,
        "Calling her back about the visit",
    )
    # The case page stays without it, and the lead sees the reveal in the access log.
    assert WORKER_NAME not in client.get(case_url(complaint)).content.decode()
    log = client_as(world, "lead").get("/monitor/access-log/").content.decode()
    assert "Calling her back about the visit" in log and complaint.reference in log


def test_an_anonymous_complaint_has_no_identity_to_reveal(world, make_case):
    complaint = make_case(status=Status.NEW)
    response = client_as(world, "lead").post(case_url(complaint, "identity"), {"reason": "Need to call her"})
    assert response.status_code == 400 and "anonymous" in response.content.decode()


def test_a_reply_records_an_outbound_sms_in_the_worker_language(world, make_case, worker):
    complaint = make_case(status=Status.TRIAGED, complainant=worker)
    client = client_as(world, "investigator")
    response = client.post(case_url(complaint, "reply"), {"body": "Estamos trabajando en su caso."})
    assert response.status_code == 302 and response["Location"] == case_url(complaint) + "#reply"
    message = Message.objects.get(complaint=complaint, kind=MessageKind.OUTBOUND)
    assert (message.body, message.author, message.language) == (
        "Estamos trabajando en su caso.",
        world.investigator,
        "es",
    )
    assert "Reply recorded" in client.get(response["Location"]).content.decode()


def test_a_reply_template_fills_the_box_or_is_sent_as_is_without_javascript(world, make_case, worker):
    complaint = make_case(status=Status.TRIAGED, complainant=worker)  # Spanish-speaking worker
    client = client_as(world, "investigator")
    spanish = reply_template_text(key="more", language="es")
    box = client.get(case_url(complaint, "reply-template"), {"template": "more"}).content.decode()
    assert "<textarea" in box and 'id="id_reply_body"' in box and spanish.split()[0] in box
    assert client.post(case_url(complaint, "reply"), {"template": "more", "body": ""}).status_code == 302
    assert Message.objects.get(complaint=complaint, kind=MessageKind.OUTBOUND).body == spanish


def test_triage_start_resolve_through_the_page(world, standards, make_case, worker):
    complaint = make_case(status=Status.NEW, complainant=worker)
    client = client_as(world, "investigator")
    triage = client.post(
        case_url(complaint, "triage"), {"standard": "W-1", "scope": "in_scope", "assignee": "investigator"}
    )
    assert triage.status_code == 302
    complaint.refresh_from_db()
    assert (complaint.status, complaint.standard.code, complaint.assignee) == (
        Status.TRIAGED, "W-1", world.investigator,
    )  # fmt: skip
    assert client.post(case_url(complaint, "start_investigation"), {"reason": ""}).status_code == 302
    refused = client.post(case_url(complaint, "resolve"), {"reason": ""})
    assert refused.status_code == 400 and "substantiated finding" in refused.content.decode()
    assert client.post(case_url(complaint, "finding"), {"standard": "W-1", "substantiated": "yes"}).status_code == 302
    remedy = client.post(
        case_url(complaint, "remedy"),
        {"kind": "back_pay", "amount": "120.50", "currency": "usd", "due_on": "2030-01-31"},
    )
    assert remedy.status_code == 302
    assert client.post(case_url(complaint, "resolve"), {"reason": "Paid back"}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Status.RESOLVED
    back_pay = Remedy.objects.get(complaint=complaint)
    assert (back_pay.amount, back_pay.currency, str(back_pay.due_on)) == (120.5, "USD", "2030-01-31")
    assert client.post(case_url(complaint, "remedy_verify"), {"remedy": str(back_pay.uuid)}).status_code == 302
    assert Remedy.objects.get(pk=back_pay.pk).verified
    assert client.post(case_url(complaint, "close"), {"reason": ""}).status_code == 302
    assert client.post(case_url(complaint, "reopen"), {"reason": ""}).status_code == 400
    assert client.post(case_url(complaint, "reopen"), {"reason": "The worker wrote again"}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Status.INVESTIGATING
    kinds = list(Event.objects.filter(complaint=complaint).values_list("to_status", flat=True))
    assert [k for k in kinds if k] == ["new", "triaged", "investigating", "resolved", "closed", "investigating"]


@pytest.mark.parametrize(
    ("status", "action", "data", "code", "message"),
    [
        (Status.NEW, "triage", {"scope": "in_scope"}, 400, "This field is required"),
        (Status.NEW, "triage", {"standard": "NOPE", "scope": "in_scope"}, 400, "Select a valid choice"),
        (Status.NEW, "triage", {"standard": "W-1", "scope": "in_scope", "worksite": "ZZZZZ"}, 400, "No worksite has"),
        (Status.NEW, "triage", {"standard": "W-1", "scope": "not_covered"}, 400, "where to get help"),
        (Status.NEW, "close", {}, 409, "Cannot close a case that is New"),
        (Status.TRIAGED, "triage", {"standard": "W-1", "scope": "in_scope"}, 409, "Cannot triage"),
        (Status.NEW, "reply", {"body": "  "}, 400, "Write the message"),
        (Status.NEW, "note", {"body": ""}, 400, "This field is required"),
        (Status.INVESTIGATING, "remedy", {"kind": "back_pay"}, 400, "Back pay needs an amount"),
        (Status.INVESTIGATING, "remedy", {"kind": "back_pay", "amount": "-4", "currency": "USD"}, 400, "greater than"),
        (Status.INVESTIGATING, "remedy", {"kind": "training", "due_on": "31/31/2030"}, 400, "Enter a valid date"),
        (Status.INVESTIGATING, "finding", {"standard": "W-1", "substantiated": "maybe"}, 400, "Select a valid choice"),
        (Status.INVESTIGATING, "link", {"other": "AAAAAAAA"}, 400, "No case with this reference"),
        (Status.INVESTIGATING, "share", {"summary": "{reference} has a wage issue"}, 400, "Remove the worker"),
        (Status.RESOLVED, "reopen", {"reason": ""}, 400, "This field is required"),
        (Status.INVESTIGATING, "assign", {"assignee": "outsider"}, 400, "Select a valid choice"),
    ],
)
def test_bad_input_gives_a_4xx_with_a_message_never_a_500(
    world, make_case, worker, status, action, data, code, message
):
    complaint = make_case(status=status, complainant=worker)
    if "worksite" in data:  # the triage form asks for the worksite only when it is unknown
        Complaint.objects.filter(pk=complaint.pk).update(worksite=None)
    data = {key: value.format(reference=complaint.reference) for key, value in data.items()}
    response = client_as(world, "lead").post(case_url(complaint, action), data)
    assert response.status_code == code
    assert message in response.content.decode()
    assert "Not saved" in response.content.decode()


def test_an_investigator_may_not_close_a_zero_tolerance_case(world, make_case):
    complaint = make_case(status=Status.RESOLVED, standard="ZT-1", assignee=world.investigator)
    client = client_as(world, "investigator")
    assert 'id="close-form"' not in client.get(case_url(complaint)).content.decode()
    response = client.post(case_url(complaint, "close"), {"reason": ""})
    assert response.status_code == 403 and "Only the monitor lead" in response.content.decode()
    assert Complaint.objects.get(pk=complaint.pk).status == Status.RESOLVED


def test_linking_a_retaliation_case_to_the_earlier_one(world, make_case):
    earlier = make_case(status=Status.INVESTIGATING)
    retaliation = make_case(status=Status.TRIAGED, standard="ZT-5")
    client = client_as(world, "lead")
    assert client.post(case_url(retaliation, "link"), {"other": earlier.reference.lower()}).status_code == 302
    assert earlier in retaliation.linked.all()
    assert earlier.reference in client.get(case_url(retaliation)).content.decode()


def test_the_lead_sees_a_suspension_proposal_from_the_queue_and_decides_it_on_its_page(world, standards, make_case):
    complaint = make_case(status=Status.INVESTIGATING, standard="ZT-1")
    workflow.finding_record(complaint=complaint, actor=world.lead, standard=standards["ZT-1"], substantiated=True)
    proposal = StandingProposal.objects.get()
    client = client_as(world, "lead")
    assert "your decision" in client.get("/monitor/").content.decode()
    page = client.get(case_url(complaint)).content.decode()
    assert f"/monitor/proposals/{proposal.uuid}/" in page
    response = client.post(f"/monitor/proposals/{proposal.uuid}/", {"decision": "confirm"})
    assert response.status_code == 302 and response["Location"] == "/monitor/proposals/"
    world.supplier_a.refresh_from_db()
    assert world.supplier_a.standing == Standing.SUSPENDED
    again = client.post(f"/monitor/proposals/{proposal.uuid}/", {"decision": "confirm"})
    assert again.status_code == 409 and "already decided" in again.content.decode()


def test_an_investigator_may_not_decide_a_suspension(world, standards, make_case):
    complaint = make_case(status=Status.INVESTIGATING, standard="ZT-1")
    workflow.finding_record(complaint=complaint, actor=world.lead, standard=standards["ZT-1"], substantiated=True)
    proposal = StandingProposal.objects.get()
    response = client_as(world, "investigator").post(f"/monitor/proposals/{proposal.uuid}/", {"decision": "confirm"})
    assert response.status_code == 404
    world.supplier_a.refresh_from_db()
    assert world.supplier_a.standing == Standing.GOOD_STANDING


def test_the_summary_is_drafted_and_shared_with_the_supplier(world, make_case):
    complaint = make_case(status=Status.INVESTIGATING)
    client = client_as(world, "lead")
    html = client.get(case_url(complaint)).content.decode()
    assert "The monitor received a worker complaint concerning Sunrise North" in html
    assert "Buyer A" in html and "Buyer B" not in html  # buyers concerned
    response = client.post(case_url(complaint, "share"), {"summary": "Wages were withheld at Sunrise North."})
    assert response.status_code == 302
    assert complaint.supplier_shares.get().summary == "Wages were withheld at Sunrise North."


def test_attachments_are_served_only_through_the_checked_view(world, make_case):
    from django.core.files.base import ContentFile

    from complaints.models import Attachment

    complaint = make_case(status=Status.TRIAGED, assignee=world.lead)
    attachment = Attachment(complaint=complaint, content_type="image/png", size=4)
    attachment.file.save("payslip.png", ContentFile(b"\x89PNG"), save=True)
    url = case_url(complaint) + f"attachments/{attachment.uuid}/"
    lead = client_as(world, "lead")
    assert url in lead.get(case_url(complaint)).content.decode()
    served = lead.get(url)
    assert served.status_code == 200 and b"".join(served.streaming_content) == b"\x89PNG"
    assert served["Content-Type"] == "image/png" and "no-store" in served["Cache-Control"]
    assert client_as(world, "investigator").get(url).status_code == 404  # assigned to the lead
    assert "/media/" not in lead.get(case_url(complaint)).content.decode()


def test_an_attachment_that_is_not_a_picture_is_downloaded_never_rendered(world, make_case):
    from django.core.files.base import ContentFile

    from complaints.models import Attachment

    complaint = make_case(status=Status.TRIAGED, assignee=world.lead)
    attachment = Attachment(complaint=complaint, content_type="text/html", size=27)
    attachment.file.save("page.html", ContentFile(b"<script>alert(1)</script>"), save=True)
    served = client_as(world, "lead").get(case_url(complaint) + f"attachments/{attachment.uuid}/")
    assert served["Content-Type"] == "application/octet-stream"
    assert served["Content-Disposition"].startswith("attachment;")


def test_a_case_still_opens_after_the_staff_member_who_wrote_in_it_was_deleted(world, make_case):
    complaint = make_case(status=Status.TRIAGED, assignee=world.investigator)
    colleague = make_user("leaver", world.monitor, Role.MONITOR_LEAD)
    workflow.note_add(complaint=complaint, author=colleague, body="Spoke to the crew leader.")
    colleague.delete()  # notes keep their text; the author becomes unknown
    response = client_as(world, "lead").get(f"/monitor/cases/{complaint.reference}/")
    assert response.status_code == 200
    assert "note by staff" in response.content.decode()

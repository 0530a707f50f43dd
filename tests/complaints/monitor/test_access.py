"""Who may open each monitor page and post each form: role by page, role by action."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from complaints.choices import Status
from complaints.models import Attachment, Complaint, Event, IdentityAccess, Message
from tests.complaints.monitor.conftest import ROLES, client_as

pytestmark = pytest.mark.django_db

CASE_WORKERS = {"investigator", "lead", "admin"}
LEADS = {"lead", "admin"}


@pytest.fixture
def case_with_everything(world, make_case, worker):
    """An unassigned case with a worker behind it and a stored attachment."""
    complaint = make_case(status=Status.NEW, complainant=worker)
    attachment = Attachment(complaint=complaint, content_type="image/png", size=4)
    attachment.file.save("photo.png", ContentFile(b"\x89PNG"), save=True)
    return complaint, attachment


def page_urls(complaint, attachment) -> dict[str, str]:
    case = f"/monitor/cases/{complaint.reference}/"
    return {
        "queue": "/monitor/",
        "queue htmx counts": "/monitor/counts/",
        "case": case,
        "reply template": f"{case}reply-template/?template=received",
        "attachment": f"{case}attachments/{attachment.uuid}/",
        "access log": "/monitor/access-log/",
        "proposals": "/monitor/proposals/",
    }


LEAD_ONLY_PAGES = {"access log", "proposals"}


@pytest.mark.parametrize("role", ROLES)
def test_each_monitor_page_opens_for_its_roles_only(world, case_with_everything, role):
    complaint, attachment = case_with_everything
    client = client_as(world, role)
    for name, url in page_urls(complaint, attachment).items():
        response = client.get(url)
        if role == "anonymous":
            expected = 302
        elif role in LEADS or (role == "investigator" and name not in LEAD_ONLY_PAGES):
            expected = 200
        else:
            expected = 404  # a page one may not see looks like a missing one
        assert response.status_code == expected, (role, name, response.status_code)
        if role == "anonymous":
            assert response["Location"].startswith("/accounts/login/")


def test_staff_without_the_second_factor_are_sent_to_it(world, case_with_everything):
    complaint, _ = case_with_everything
    client = world.client_for(world.lead, second_factor=False)  # password only, no TOTP step
    response = client.get(f"/monitor/cases/{complaint.reference}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/")


def test_an_investigator_cannot_open_a_case_assigned_to_someone_else(world, make_case):
    complaint = make_case(status=Status.TRIAGED, assignee=world.lead)
    client = client_as(world, "investigator")
    assert client.get(f"/monitor/cases/{complaint.reference}/").status_code == 404
    assert client.post(f"/monitor/cases/{complaint.reference}/note/", {"body": "hello"}).status_code == 404
    assert complaint.reference not in client.get("/monitor/?status=all").content.decode()
    assert not Message.objects.filter(complaint=complaint).exists()


def test_an_unknown_case_or_action_is_404(world, make_case):
    complaint = make_case()
    client = client_as(world, "lead")
    assert client.get("/monitor/cases/AAAAAAAA/").status_code == 404
    assert client.post(f"/monitor/cases/{complaint.reference}/explode/", {}).status_code == 404


# Each POST endpoint with a payload that works on a new case (or is at least well-formed).
POSTS = {
    "reply": {"body": "We are looking into it."},
    "note": {"body": "Called the union rep."},
    "triage": {"standard": "W-1", "scope": "in_scope"},
    "assign": {"assignee": ""},
    "start_investigation": {"reason": ""},
    "resolve": {"reason": ""},
    "mark_not_substantiated": {"reason": ""},
    "refer": {"referral_info": "Labor inspectorate, 555-0100"},
    "close": {"reason": ""},
    "reopen": {"reason": "New evidence arrived"},
    "finding": {"standard": "W-1", "substantiated": "yes"},
    "remedy": {"kind": "training"},
    "remedy_verify": {"remedy": "00000000-0000-0000-0000-000000000000"},
    "link": {"other": "AAAAAAAA"},
    "share": {"summary": "A wage complaint at your worksite."},
    "identity": {"reason": "Need to call her back about the visit"},
}


@pytest.mark.parametrize("action", POSTS)
@pytest.mark.parametrize("role", ROLES)
def test_each_case_form_posts_for_case_workers_only(world, case_with_everything, role, action):
    complaint, _ = case_with_everything
    events_before = Event.objects.filter(complaint=complaint).count()
    response = client_as(world, role).post(f"/monitor/cases/{complaint.reference}/{action}/", POSTS[action])
    if role == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    elif role in CASE_WORKERS:
        # Done (302 back to the case, or 200 for the identity page) or refused with a reason (4xx).
        assert response.status_code in (200, 302, 400, 403, 404, 409), response.status_code
        assert response.status_code != 500
    else:
        assert response.status_code == 404
    if role not in CASE_WORKERS:
        assert Event.objects.filter(complaint=complaint).count() == events_before
        assert not IdentityAccess.objects.exists()
        assert Complaint.objects.get(pk=complaint.pk).status == Status.NEW


def test_navigation_shows_the_monitor_pages_to_their_roles(world):
    investigator = client_as(world, "investigator").get("/monitor/").content.decode()
    assert 'href="/monitor/"' in investigator and 'href="/monitor/intake/"' in investigator
    assert 'href="/monitor/access-log/"' not in investigator
    lead = client_as(world, "lead").get("/monitor/").content.decode()
    assert 'href="/monitor/access-log/"' in lead
    auditor = client_as(world, "auditor").get("/").content.decode()
    assert 'href="/monitor/"' not in auditor
    buyer = client_as(world, "buyer_a_user").get("/").content.decode()
    assert 'href="/monitor/"' not in buyer

"""A supplier reads the redacted summaries the monitor shared with it, and nothing else."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints import workflow
from complaints.choices import Status
from tests.complaints.workflow.conftest import WORKER_NAME, WORKER_PHONE
from wsr.network.models import Notification

pytestmark = pytest.mark.django_db

PAGE = "/supplier/summaries/"
SUMMARY = "Workers at Sunrise North were not paid for overtime in March. Pay the difference by June."


def share(world, case, summary: str = SUMMARY):
    return workflow.complaint_summary_share(complaint=case, actor=world.lead, summary=summary)


def test_supplier_a_reads_its_summary_without_anything_that_names_the_worker(world, make_case, worker):
    case = make_case(status=Status.INVESTIGATING, complainant=worker, worksite=world.worksite_a)
    share(world, case)
    html = world.client_for(world.supplier_a_user).get(PAGE).content.decode()
    assert SUMMARY in html
    for secret in (case.reference, WORKER_NAME, WORKER_PHONE, case.description):
        assert secret not in html


def test_supplier_b_does_not_see_supplier_a_summaries(world, make_case):
    share(world, make_case(status=Status.INVESTIGATING, worksite=world.worksite_a))
    response = world.client_for(world.supplier_b_user).get(PAGE)
    assert response.status_code == 200
    assert SUMMARY not in response.content.decode()
    assert "Nothing has been shared with you." in response.content.decode()


@pytest.mark.parametrize("role", ["buyer_a_user", "investigator", "lead", "auditor", "outsider"])
def test_only_supplier_users_have_the_page(world, role):
    assert world.client_for(getattr(world, role)).get(PAGE).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(world):
    from django.test import Client

    response = Client().get(PAGE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_sharing_tells_the_suppliers_users_without_any_case_detail(world, make_case, worker):
    case = make_case(status=Status.INVESTIGATING, complainant=worker, worksite=world.worksite_a)
    share(world, case)
    [notice] = Notification.objects.filter(user=world.supplier_a_user)
    assert notice.url == PAGE
    for secret in (case.reference, WORKER_NAME, WORKER_PHONE, SUMMARY):
        assert secret not in notice.subject + notice.body
    assert not Notification.objects.filter(user=world.supplier_b_user).exists()


def test_the_page_costs_the_same_queries_with_one_summary_or_twenty(world, make_case):
    case = make_case(status=Status.INVESTIGATING, worksite=world.worksite_a)
    share(world, case)
    client = world.client_for(world.supplier_a_user)
    client.get(PAGE)
    with CaptureQueriesContext(connection) as one:
        client.get(PAGE)
    for n in range(19):
        share(world, case, f"{SUMMARY} ({n})")
    with CaptureQueriesContext(connection) as twenty:
        html = client.get(PAGE).content.decode()
    assert html.count('class="card mb-3"') == 20
    assert len(twenty) == len(one)


def test_the_demo_supplier_has_a_summary_to_read(world):
    from django.core.management import call_command

    from wsr.network.models import User

    call_command("seed_demo", force=True, verbosity=0)
    client = world.client_for(User.objects.get(username="demo-supplier-a"))
    html = client.get(PAGE).content.decode()
    assert "Please confirm the back pay has reached every worker on the crew." in html

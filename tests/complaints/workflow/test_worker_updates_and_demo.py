"""The worker is texted on triage, outcome and closure; the demo program has cases in every state."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone

from complaints import workflow
from complaints.choices import MessageKind, Status
from complaints.models import CaseFinding, Complaint, Message
from complaints.worker_status import status_update_sms
from wsr.network.models import StandingProposal

pytestmark = pytest.mark.django_db


def outbound(complaint: Complaint) -> list[Message]:
    return list(complaint.messages.filter(kind=MessageKind.OUTBOUND).order_by("id"))


def test_the_worker_is_told_on_triage_resolution_and_closure_in_her_language(world, standards, make_case, worker):
    complaint = make_case(status=Status.NEW, complainant=worker)
    workflow.complaint_triage(complaint=complaint, actor=world.lead, standard=standards["W-1"])
    workflow.complaint_start_investigation(complaint=complaint, actor=world.lead)
    CaseFinding.objects.create(complaint=complaint, standard=standards["W-1"], substantiated=True)
    workflow.complaint_resolve(complaint=complaint, actor=world.lead)
    workflow.complaint_close(complaint=complaint, actor=world.lead)
    sent = outbound(complaint)
    assert len(sent) == 3  # triage, resolution, closure — not the start of the investigation
    assert all(complaint.reference in m.body for m in sent)
    assert sent[-1].body == status_update_sms(complaint)  # in the case's language (Spanish here)
    assert all(m.complainant == worker for m in sent)


def test_a_referred_worker_gets_the_referral_information(world, standards, make_case, worker):
    complaint = make_case(status=Status.TRIAGED, complainant=worker)
    workflow.complaint_refer(complaint=complaint, actor=world.lead, referral_info="Inspección del trabajo: 800-123")
    assert "Inspección del trabajo: 800-123" in outbound(complaint)[-1].body


def test_an_opted_out_or_anonymous_worker_is_never_texted(world, standards, make_case, worker):
    worker.opted_out = True
    worker.save(update_fields=["opted_out"])
    opted_out = make_case(status=Status.NEW, complainant=worker)
    anonymous = make_case(status=Status.NEW)
    for complaint in (opted_out, anonymous):
        workflow.complaint_triage(complaint=complaint, actor=world.lead, standard=standards["W-1"])
    assert not Message.objects.filter(kind=MessageKind.OUTBOUND).exclude(delivery_status="suppressed").exists()


def test_the_demo_program_has_cases_in_every_state_and_loads_twice_without_duplicates():
    call_command("seed_demo", force=True, verbosity=0)
    demo = Complaint.objects.exclude(idempotency_key=None)
    first = demo.count()
    call_command("seed_demo", force=True, verbosity=0)
    assert demo.count() == first
    assert set(demo.values_list("status", flat=True)) == {
        Status.NEW, Status.TRIAGED, Status.INVESTIGATING, Status.RESOLVED, Status.NOT_SUBSTANTIATED,
        Status.REFERRED, Status.CLOSED,
    }  # fmt: skip
    assert StandingProposal.objects.filter(status="pending", origin="complaints.finding").exists()
    overdue_zero_tolerance = demo.filter(severity="zero_tolerance", next_due__lt=timezone.now())
    assert overdue_zero_tolerance.exists()

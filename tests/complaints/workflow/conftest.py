"""Cases in any state for the workflow tests, built through the real intake service."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from django.utils import timezone

from complaints.choices import Channel, Language, Status
from complaints.escalation import complaint_deadlines_sync
from complaints.models import Complainant, Complaint
from complaints.services import complainant_for_phone, complaint_create, deadlines_for
from wsr.network.code_of_conduct import code_of_conduct_seed
from wsr.network.models import Standard, Worksite

WORKER_PHONE = "+15555550123"
WORKER_NAME = "Maria Hernandez"

# The fields each status implies once reached through the workflow.
STAGE_FIELDS: dict[str, tuple[str, ...]] = {
    Status.NEW: (),
    Status.TRIAGED: ("acknowledged_at",),
    Status.INVESTIGATING: ("acknowledged_at", "investigation_started_at"),
    Status.RESOLVED: ("acknowledged_at", "investigation_started_at", "resolved_at"),
    Status.NOT_SUBSTANTIATED: ("acknowledged_at", "investigation_started_at", "resolved_at"),
    Status.REFERRED: ("acknowledged_at", "resolved_at"),
    Status.CLOSED: ("acknowledged_at", "investigation_started_at", "resolved_at", "closed_at"),
}


@pytest.fixture
def standards(db: None) -> dict[str, Standard]:
    code_of_conduct_seed(standard_model=Standard)
    return {s.code: s for s in Standard.objects.all()}


@pytest.fixture
def worker(db: None) -> Complainant:
    complainant = complainant_for_phone(phone=WORKER_PHONE, language=Language.ES)
    complainant.name = WORKER_NAME
    complainant.save(update_fields=["name"])
    return complainant


MakeCase = Callable[..., Complaint]


@pytest.fixture
def make_case(world: Any, standards: dict[str, Standard]) -> MakeCase:
    """``make_case(status=..., standard="W-1", worksite=..., assignee=..., complainant=...)``."""

    def make(
        *,
        status: str = Status.NEW,
        standard: str | None = "W-1",
        worksite: Worksite | None = None,
        assignee: Any = None,
        complainant: Complainant | None = None,
        description: str = "The supervisor kept two hours of our pay.",
        received_at: datetime | None = None,
        language: str = Language.ES,
    ) -> Complaint:
        complaint = complaint_create(
            channel=Channel.SMS, language=language, description=description, complainant=complainant,
            worksite=worksite or world.worksite_a, received_at=received_at,
        )  # fmt: skip
        fields: dict[str, Any] = {"status": status, "assignee": assignee}
        if status != Status.NEW and standard:
            chosen = standards[standard]
            fields.update(standard=chosen, severity=chosen.severity)
            fields.update(deadlines_for(received_at=complaint.received_at, standard=chosen))
        now = timezone.now()
        fields.update({name: now for name in STAGE_FIELDS[status]})
        Complaint.objects.filter(pk=complaint.pk).update(**fields)
        complaint.refresh_from_db()
        complaint_deadlines_sync(complaints=[complaint])  # as every workflow service does
        return complaint

    return make

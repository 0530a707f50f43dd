"""The SMS simulator shows only what the signed-in user may see: a fictional number's messages and
case references of cases outside the user's access (assigned to someone else) stay hidden, exactly
as on the case pages (complaints/permissions.py)."""

from __future__ import annotations

from typing import Any

import pytest

from complaints.models import Complaint
from tests.complaints.web.conftest import staff_client
from tests.conftest import make_user
from wsr.network.choices import Role

SIMULATOR = "/monitor/simulator/"
FAKE = "+12025550142"
STORY = "RF101 The crew boss kept our overtime pay"


@pytest.fixture
def assigned_case(world: Any) -> Complaint:
    """A case filed from the fictional number through the simulator, then assigned to the investigator."""
    staff_client(world.lead).post(SIMULATOR, {"phone": FAKE, "body": STORY})
    complaint = Complaint.objects.get()
    Complaint.objects.filter(pk=complaint.pk).update(assignee=world.investigator)
    return complaint


def simulator_page(user: Any) -> str:
    response = staff_client(user).get(SIMULATOR, {"phone": FAKE})
    assert response.status_code == 200
    return response.content.decode()


def test_another_investigator_does_not_read_a_case_assigned_to_someone_else(
    world: Any, assigned_case: Complaint
) -> None:
    other = make_user("investigator-2", world.monitor, Role.INVESTIGATOR)
    page = simulator_page(other)
    assert assigned_case.reference not in page
    assert "overtime pay" not in page


@pytest.mark.parametrize("who", ["investigator", "lead"])
def test_the_assignee_and_the_lead_still_see_the_case(world: Any, assigned_case: Complaint, who: str) -> None:
    page = simulator_page(getattr(world, who))
    assert assigned_case.reference in page
    assert "overtime pay" in page


def test_a_conversation_not_yet_filed_is_shown_to_case_staff(world: Any) -> None:
    staff_client(world.lead).post(SIMULATOR, {"phone": FAKE, "body": "Hola"})
    assert "Hola" in simulator_page(world.investigator)

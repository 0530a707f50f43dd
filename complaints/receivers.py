"""What the complaints app does when the registry announces something (see ``wsr.network.signals``)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from wsr.network.models import StandingProposal
from wsr.network.signals import standing_proposal_decided


@receiver(standing_proposal_decided)
def _proposal_decided(sender: type, proposal: StandingProposal, **kwargs: Any) -> None:
    from complaints.workflow import standing_decision_record

    standing_decision_record(proposal=proposal)

"""Who may see and act on complaints — the one door for every case lookup.

- monitor lead and admin: every case;
- investigator: cases assigned to them and unassigned cases (the triage queue);
- everyone else (auditor, buyer, supplier, anonymous): no case through this door. Buyers and suppliers
  get aggregates and redacted summaries through their own selectors, never a Complaint row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.http import Http404

from wsr.network.roles import can_work_cases, is_lead

if TYPE_CHECKING:
    from complaints.models import Complaint
    from complaints.models.case import ComplaintQuerySet


def restrict_complaints(queryset: ComplaintQuerySet, *, user: Any, action: str = "view") -> ComplaintQuerySet:
    """The part of ``queryset`` that ``user`` may ``action`` (view or change); one SQL filter."""
    if not can_work_cases(user):
        return queryset.none()
    if is_lead(user):
        return queryset
    return queryset.filter(Q(assignee=user) | Q(assignee__isnull=True))


def access_complaint(*, user: Any, reference: str, action: str = "view", for_update: bool = False) -> Complaint:
    """Return the complaint with ``reference`` if ``user`` may ``action`` it, else raise Http404.

    A denied case looks exactly like a missing one. With ``for_update`` the row is locked
    (call inside ``transaction.atomic()``).
    """
    from complaints.models import Complaint

    queryset = Complaint.objects.restrict(user, action).select_related(
        "worksite__supplier__organization", "standard", "assignee"
    )
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    complaint = queryset.filter(reference=reference.strip().upper()).first()
    if complaint is None:
        raise Http404("No such case.")
    return complaint

"""Pages of the shared shell: home, health check."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from wsr.health import health
from wsr.network import selectors, services
from wsr.network.auth import second_factor_required, staff_required
from wsr.network.forms import ProposalRejectForm
from wsr.network.models import User
from wsr.network.roles import LEAD_ROLES


@second_factor_required
def home(request: HttpRequest) -> HttpResponse:
    """A signed-in user's start page: their organizations and the worksites they may see."""
    return render(request, "network/home.html", selectors.home_summary(user=request.user))  # type: ignore[arg-type]


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 with ``{"database": "ok", "redis": "ok", "celery": "ok"}`` when all answer, else 503 naming
    what failed. Public and cheap: see ``wsr/health.py``."""
    result = health()
    return JsonResponse(
        {"status": "ok" if result.healthy else "fail", **result.components}, status=200 if result.healthy else 503
    )


@second_factor_required
def notifications(request: HttpRequest) -> HttpResponse:
    """The user's in-app notifications, newest first; POST marks them all read."""
    from django.utils import timezone

    from wsr.network.models import Notification

    user = cast(User, request.user)  # second_factor_required: never anonymous here
    if request.method == "POST":
        Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
        return redirect("notifications")
    items = Notification.objects.filter(user=user).order_by("-created_at", "-id")[:100]
    return render(request, "network/notifications.html", {"notifications": items})


# --- Standing proposals (the monitor lead) ---------------------------------------------------------


@never_cache
@staff_required(LEAD_ROLES)
@require_GET
def standing_proposals(request: HttpRequest) -> HttpResponse:
    """``/monitor/proposals/``: every standing change awaiting the lead, oldest first."""
    pending = list(selectors.pending_standing_proposals(user=request.user)[:200])
    return render(request, "network/standing_proposals.html", {"proposals": pending})


@never_cache
@staff_required(LEAD_ROLES)
def standing_proposal(request: HttpRequest, uuid: str) -> HttpResponse:
    """``/monitor/proposals/<uuid>/``: what confirming will do (the standing, the reason buyers read,
    who is told) and the two decisions; POST ``decision=confirm|reject``."""
    proposal = selectors.access_standing_proposal(user=request.user, uuid=uuid)
    user = cast(User, request.user)
    reject_form = ProposalRejectForm()
    status = 200
    if request.method == "POST":
        decision = request.POST.get("decision")
        try:
            if decision == "confirm":
                services.standing_proposal_confirm(proposal=proposal, actor=user)
                messages.success(request, f"{proposal.supplier.name} is now {proposal.get_to_standing_display()}.")
                return redirect("standing_proposals")
            if decision == "reject":
                reject_form = ProposalRejectForm(request.POST)
                if reject_form.is_valid():
                    services.standing_proposal_reject(
                        proposal=proposal, actor=user, reason=reject_form.cleaned_data["reason"]
                    )
                    messages.success(request, "Proposal rejected; the standing stays as it is.")
                    return redirect("standing_proposals")
            status = 400
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            status = 409
        proposal = selectors.access_standing_proposal(user=request.user, uuid=uuid)
    context = {
        "proposal": proposal,
        "label": services.PROPOSAL_LABELS[proposal.to_standing],
        "buyers": selectors.buyers_told_of(supplier=proposal.supplier),
        "supplier_users": selectors.supplier_users(supplier=proposal.supplier).count(),
        "reject_form": reject_form,
    }
    return render(request, "network/standing_proposal.html", context, status=status)

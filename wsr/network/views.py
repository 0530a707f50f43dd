"""Pages of the shared shell: home, health check."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from wsr.health import health
from wsr.network import selectors
from wsr.network.auth import second_factor_required


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
    from django.shortcuts import redirect
    from django.utils import timezone

    from wsr.network.models import Notification, User

    user = cast(User, request.user)  # second_factor_required: never anonymous here
    if request.method == "POST":
        Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
        return redirect("notifications")
    items = Notification.objects.filter(user=user).order_by("-created_at", "-id")[:100]
    return render(request, "network/notifications.html", {"notifications": items})

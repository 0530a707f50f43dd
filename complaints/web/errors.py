"""Error pages (400, 403, 404, 429, CSRF failure, 500) in the site's layout and the visitor's language.

A worker (anyone not signed in, outside the staff areas) gets the public layout with the way back to
``/report/`` and ``/track/`` and the hotline's number; signed-in users and the staff areas get the staff
layout. The 500 page reads no database: it may be the database that failed, so it decides by the
address alone and renders without the context processors (they read the session and the user).
"""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_ratelimit.exceptions import Ratelimited

from complaints.web.front import public_hotline
from complaints.web.views import public_language, public_layout_context, render_public

logger = logging.getLogger(__name__)

# Pages of signed-in users (and their sign-in): an error there gets the staff layout.
STAFF_AREAS = ("/monitor/", "/admin/", "/accounts/", "/notifications/", "/api/", "/buyer/", "/supplier/")
TEMPLATE = "errors/error.html"

ERRORS: dict[int, tuple[Promise, Promise]] = {
    400: (_("We could not read this request"), _("Please go back and try again.")),
    403: (_("You cannot open this page"), _("This page is not open to you.")),
    404: (_("We cannot find this page"), _("The address may be wrong, or the page no longer exists.")),
    429: (_("Too many tries"), _("Please wait a while and try again.")),
    500: (_("Something went wrong"), _("The mistake is ours. Please try again in a few minutes.")),
}
CSRF_EXPIRED = (
    _("This page has expired"),
    _("The form was open for a long time, or this browser does not keep cookies. Please open it again and send it."),
)


def staff_layout(request: HttpRequest, *, may_query: bool = True) -> bool:
    if request.path.startswith(STAFF_AREAS):
        return True
    user = getattr(request, "user", None) if may_query else None
    return bool(user is not None and user.is_authenticated)


def error_page(
    request: HttpRequest, status: int, *, text: tuple[Promise, Promise] | None = None, may_query: bool = True
) -> HttpResponse:
    """The error page for ``status``; ``may_query=False`` renders it without touching the database."""
    title, message = text or ERRORS[status]
    for_workers = not staff_layout(request, may_query=may_query)
    context: dict[str, Any] = {
        "layout": "public_base.html" if for_workers else "base.html",
        "for_workers": for_workers,
        "status": status,
        "title": title,
        "message": message,
        "hotline": public_hotline() if for_workers else None,
    }
    if not may_query:
        if for_workers:
            context.update(public_layout_context(request))
        return HttpResponse(loader.render_to_string(TEMPLATE, context), status=status)
    if for_workers:
        return render_public(request, TEMPLATE, context, status=status)
    return render(request, TEMPLATE, context, status=status)


@public_language
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 400)


@public_language
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # django-ratelimit raises Ratelimited (a PermissionDenied) when a client goes over its rate.
    return error_page(request, 429 if isinstance(exception, Ratelimited) else 403)


@public_language
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 404)


@public_language
def server_error(request: HttpRequest) -> HttpResponse:
    return error_page(request, 500, may_query=False)


@public_language
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """``CSRF_FAILURE_VIEW``: a form sent without a valid token (expired page, cookies blocked)."""
    logger.info("CSRF failure on %s: %s", request.path, reason)
    return error_page(request, 403, text=CSRF_EXPIRED)


def sign_in_locked_out(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    """``AXES_LOCKOUT_CALLABLE``: too many failed sign-ins from this address for this username."""
    return error_page(request, 429)

"""Public pages of the web intake: ``/report/`` to file a complaint and ``/track/`` to follow it.

They work without JavaScript on a cheap phone, in every program language (``?lang=`` links, kept in
a cookie), and store nothing about the visitor: no IP address, no user agent (throttling keys live
in the cache only, see ``throttle.py``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.conf.locale import LANG_INFO
from django.contrib import messages
from django.contrib.auth.hashers import check_password, make_password
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from complaints.choices import Channel, Language, MessageKind
from complaints.models import Complaint, Message
from complaints.services import normalize_reference, receipt_code_check, receipt_code_generate
from complaints.web.forms import ComplaintForm, FollowUpForm, TrackForm, WorksiteSearchForm, photo_max_bytes
from complaints.web.services import (
    complaint_create_from_web,
    complaint_follow_up_from_web,
    done_token_make,
    done_token_read,
    receipt_code_reserve,
    receipt_code_take,
)
from complaints.web.throttle import client_key, throttle_used_up, throttled
from complaints.worker_status import (
    REFERRED_ON_TRACK,
    worker_referral,
    worker_status_explanation,
    worker_status_label,
)
from wsr.network.models import Worksite

View = Callable[..., HttpResponse]
TRACK_SESSION_KEY = "web_track_complaint"
TRACK_SESSION_SECONDS = 30 * 60
WORKSITE_SEARCH_LIMIT = 20
_dummy_hash: str | None = None


# --- Language and rendering -----------------------------------------------------------------------


def public_language(view: View) -> View:
    """Honour ``?lang=xx`` on any public page (plain links, no JavaScript) and remember it in the
    language cookie; otherwise LocaleMiddleware's choice (cookie, then the phone's language) stands."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        chosen = request.GET.get("lang", "")
        if chosen not in dict(settings.LANGUAGES):
            return view(request, *args, **kwargs)
        translation.activate(chosen)
        request.LANGUAGE_CODE = chosen
        response = view(request, *args, **kwargs)
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, chosen, max_age=365 * 24 * 60 * 60, samesite="Lax", path="/")
        return response

    return wrapped


def current_language() -> str:
    """The active language as a program language code (the complaint's and the message's language)."""
    code = (translation.get_language() or "").split("-")[0]
    return code if code in Language.values else Language.EN


def url_in_language(name: str, **params: str) -> str:
    """URL of a public page that keeps the current language even without cookies."""
    return f"{reverse(name)}?{urlencode({**params, 'lang': translation.get_language()})}"


def language_links(request: HttpRequest) -> list[dict[str, Any]]:
    current = translation.get_language()
    links = []
    for code, _name in settings.LANGUAGES:
        params = request.GET.copy()
        params["lang"] = code
        links.append(
            {
                "code": code,
                "name": capfirst(LANG_INFO.get(code, {}).get("name_local", code)),
                "url": f"{request.path}?{params.urlencode()}",
                "current": code == current,
            }
        )
    return links


def public_layout_context(request: HttpRequest) -> dict[str, Any]:
    """What ``public_base.html`` needs. Reads no database, so the 500 page can use it too."""
    return {
        "language_links": language_links(request),
        "current_language": translation.get_language(),
        "home_url": url_in_language("home"),
        "report_url": url_in_language("complaints_web:report"),
        "track_url": url_in_language("complaints_web:track"),
    }


def render_public(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, template, {**context, **public_layout_context(request)}, status=status)


# --- /report/ -------------------------------------------------------------------------------------


@never_cache
@public_language
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    """The complaint form. A valid POST creates the complaint once and redirects to the one-time
    confirmation; an invalid one re-renders with everything the worker typed."""
    if request.method != "POST":
        worksite_code = request.GET.get("worksite", "")[:20]
        form = ComplaintForm(initial={"worksite_code": worksite_code})
        return _report_page(request, form)
    form = ComplaintForm(request.POST, request.FILES)
    if not form.is_valid():
        return _report_page(request, form, status=400)
    if throttled(request, "report"):
        return _report_page(request, form, status=429, throttled_now=True)
    data = form.cleaned_data
    key: uuid.UUID = data["idempotency_key"]
    code, remembered = receipt_code_reserve(idempotency_key=key)
    result = complaint_create_from_web(
        channel=Channel.WEB,
        language=current_language(),
        description=data["description"],
        idempotency_key=key,
        receipt_code=code,
        worksite=data["worksite_code"],
        phone=data["phone"],
        name=data["name"],
        photo=data["photo"],
    )
    if remembered or not result.created:
        # The same form again finds the first complaint: same confirmation (never another code).
        if not result.created and remembered and not receipt_code_check(complaint=result.complaint, code=code):
            # Its confirmation was shown and taken already, so the code just reserved is not the
            # case's: drop it, and the confirmation page says "already sent".
            receipt_code_take(idempotency_key=key)
        return HttpResponseRedirect(_done_url(key))
    # No cache (Redis down): show the confirmation in this answer; it cannot be shown again later.
    return render_public(request, "complaints/web/report_done.html", _done_context(result.complaint, code))


def _report_page(
    request: HttpRequest, form: ComplaintForm, *, status: int = 200, throttled_now: bool = False
) -> HttpResponse:
    return render_public(
        request,
        "complaints/web/report.html",
        {
            "form": form,
            "form_action": url_in_language("complaints_web:report"),
            "search_url": url_in_language("complaints_web:worksite_search"),
            "photo_dropped": bool(request.FILES) and status != 200,
            "photo_limit_mb": photo_max_bytes() // (1024 * 1024),
            "throttled": throttled_now,
        },
        status=status,
    )


def _done_url(key: uuid.UUID) -> str:
    return url_in_language("complaints_web:report_done", t=done_token_make(idempotency_key=key))


def _done_context(complaint: Complaint | None, code: str | None) -> dict[str, Any]:
    if complaint is None or not code:
        return {"shown_before": True}
    return {
        "reference": complaint.reference,
        "receipt_code": code,
        "sms": bool(complaint.complainant_id and complaint.complainant and complaint.complainant.phone),
    }


@never_cache
@public_language
@require_http_methods(["GET"])
def report_done(request: HttpRequest) -> HttpResponse:
    """The reference and receipt code, shown once: a reload finds them gone."""
    key = done_token_read(request.GET.get("t", ""))
    complaint = code = None
    if key is not None:
        complaint = Complaint.objects.filter(idempotency_key=key).select_related("complainant").first()
        code = receipt_code_take(idempotency_key=key) if complaint is not None else None
    return render_public(request, "complaints/web/report_done.html", _done_context(complaint, code))


@never_cache
@public_language
@require_http_methods(["GET"])
def worksite_search(request: HttpRequest) -> HttpResponse:
    """Find a workplace by name or code without JavaScript: active worksites only, code and name only."""
    form = WorksiteSearchForm(request.GET if "q" in request.GET else None)
    results: list[dict[str, Any]] | None = None
    status = 200
    if form.is_bound and form.is_valid():
        if throttled(request, "search"):
            status = 429
        else:
            q = form.cleaned_data["q"].strip()
            results = [
                dict(row)
                for row in Worksite.objects.filter(is_active=True)
                .filter(Q(code__icontains=normalize_reference(q)) | Q(name__icontains=q))
                .order_by("code")
                .values("code", "name")[:WORKSITE_SEARCH_LIMIT]
            ]
            for row in results:
                row["choose_url"] = url_in_language("complaints_web:report", worksite=row["code"])
    return render_public(
        request,
        "complaints/web/worksite_search.html",
        {"form": form, "results": results, "throttled": status == 429},
        status=status,
    )


# --- /track/ --------------------------------------------------------------------------------------


def _dummy_receipt_hash() -> str:
    """A hash to check against when the reference is unknown, so both wrong answers cost the same."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = make_password(receipt_code_generate())
    return _dummy_hash


def complaint_for_receipt(*, reference: str, code: str) -> Complaint | None:
    """The complaint if the reference and receipt code match, else None: the same effort either way."""
    complaint = Complaint.objects.filter(reference=reference).only("pk", "receipt_code_hash").first()
    if complaint is None or not complaint.receipt_code_hash:
        check_password(code, _dummy_receipt_hash())
        return None
    return complaint if receipt_code_check(complaint=complaint, code=code) else None


@never_cache
@public_language
@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    """Reference + receipt code -> the case page. A wrong reference and a wrong code get the very same
    answer. Every lookup counts per client; wrong codes count per client and reference with a short
    back-off, so a stranger who knows the reference never locks the worker out (``throttle.py``)."""
    if request.method != "POST":
        return _track_page(request, TrackForm())
    form = TrackForm(request.POST)
    if throttled(request, "track"):
        return _track_page(request, form, status=429, throttled_now=True)
    if not form.is_valid():
        return _track_page(request, form, status=400)
    reference, code = form.cleaned_data["reference"], form.cleaned_data["receipt_code"]
    guesser = f"reference:{reference}:{client_key('track-guess', request)}"
    if throttle_used_up(request, "track-guess", value=guesser):
        return _track_page(request, form, status=429, throttled_now=True)
    complaint = complaint_for_receipt(reference=reference, code=code)
    if complaint is None:
        throttled(request, "track-guess", value=guesser)  # counts the wrong code
        form.add_error(
            None,
            _("We could not find a complaint with this case number and secret code. Please check both and try again."),
        )
        return _track_page(request, form, status=400)
    request.session.cycle_key()
    request.session[TRACK_SESSION_KEY] = complaint.pk
    if not request.user.is_authenticated:
        request.session.set_expiry(TRACK_SESSION_SECONDS)
    return HttpResponseRedirect(url_in_language("complaints_web:track_case"))


def _track_page(
    request: HttpRequest, form: TrackForm, *, status: int = 200, throttled_now: bool = False
) -> HttpResponse:
    return render_public(
        request,
        "complaints/web/track.html",
        {"form": form, "form_action": url_in_language("complaints_web:track"), "throttled": throttled_now},
        status=status,
    )


@never_cache
@public_language
@require_http_methods(["GET", "POST"])
def track_case(request: HttpRequest) -> HttpResponse:
    """The worker's case: status in plain words, what happens next, the monitor's messages to her and
    her own; a form to add a message or a photo."""
    complaint_id = request.session.get(TRACK_SESSION_KEY)
    complaint = (
        Complaint.objects.filter(pk=complaint_id).select_related("complainant").first() if complaint_id else None
    )
    if complaint is None:
        return HttpResponseRedirect(url_in_language("complaints_web:track"))
    form = FollowUpForm()
    status = 200
    throttled_now = False
    if request.method == "POST":
        form = FollowUpForm(request.POST, request.FILES)
        if form.is_valid():
            if throttled(request, "follow-up"):
                status, throttled_now = 429, True
            else:
                complaint_follow_up_from_web(
                    complaint=complaint,
                    body=form.cleaned_data["body"],
                    photo=form.cleaned_data["photo"],
                    language=current_language(),
                    idempotency_key=form.cleaned_data["idempotency_key"],
                )
                messages.success(request, _("Thank you. We added this to your complaint."))
                return HttpResponseRedirect(url_in_language("complaints_web:track_case"))
        else:
            status = 400
    thread = (
        Message.objects.filter(complaint=complaint, kind__in=[MessageKind.INBOUND, MessageKind.OUTBOUND])
        .annotate(photo_count=Count("attachments"))
        .only("kind", "body", "created_at")
        .order_by("created_at", "id")
    )
    referral = worker_referral(complaint)
    return render_public(
        request,
        "complaints/web/track_case.html",
        {
            "complaint": complaint,
            "status_label": worker_status_label(complaint.status),
            "status_explanation": REFERRED_ON_TRACK if referral else worker_status_explanation(complaint.status),
            "referral": referral,
            "thread": thread,
            "form": form,
            "form_action": url_in_language("complaints_web:track_case"),
            "leave_action": url_in_language("complaints_web:track_leave"),
            "photo_dropped": bool(request.FILES) and status != 200,
            "photo_limit_mb": photo_max_bytes() // (1024 * 1024),
            "throttled": throttled_now,
        },
        status=status,
    )


@never_cache
@public_language
@require_POST
def track_leave(request: HttpRequest) -> HttpResponse:
    """Forget the case in this browser (a shared phone must not show it to the next person)."""
    request.session.pop(TRACK_SESSION_KEY, None)
    request.session.cycle_key()
    return HttpResponseRedirect(url_in_language("complaints_web:track"))

"""The monitor's workspace in the browser: triage queue, case page, identity reveal, access log.

Staff pages only (``staff_required``: signed in, second factor verified, a case role; anyone else
gets 404). Reads go through ``complaints.selectors``, writes through ``complaints.workflow``; the
views only parse forms and turn the services' errors into messages:

- success: a message and a redirect back to the case (POST/redirect/GET);
- ``ValidationError`` 400, ``PermissionDenied`` 403, ``IllegalTransition`` 409: the case page again
  with the error beside the form that failed (never a 500);
- ``Http404``: the case is not one the user may see or change — exactly like a missing one.

The complainant's phone and name appear in one response only: the one answering a reveal with a
stated reason (logged by ``complainant_identity_reveal``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from complaints import workflow
from complaints.actions import CASE_ACTIONS
from complaints.choices import (
    DEADLINE_STAGES,
    OPEN_STATUSES,
    Channel,
    EventKind,
    Language,
    RemedyKind,
    Status,
)
from complaints.models import Complaint, Event
from complaints.monitor import forms as f
from complaints.permissions import access_complaint
from complaints.reply_templates import reply_template_text
from complaints.selectors import (
    CaseView,
    QueueFilters,
    complaint_case,
    complaint_queue,
    complaint_queue_counts,
    complaint_timeline,
    identity_access_log,
)
from wsr.network.auth import staff_required
from wsr.network.models import Standard, User
from wsr.network.roles import CASE_ROLES, LEAD_ROLES, is_lead
from wsr.network.selectors import pending_standing_proposals

ACCESS_LOG_PAGE_SIZE = 100


def _active_standards() -> list[Standard]:
    return list(Standard.objects.filter(is_active=True).order_by("position", "code"))


# --- Queue ----------------------------------------------------------------------------------------


def _filter_initial(filters: QueueFilters) -> dict[str, Any]:
    initial: dict[str, Any] = filters.as_params()
    if filters.all_statuses:
        initial["status"] = "all"
    elif len(filters.status) == 1:
        initial["status"] = filters.status[0]
    else:
        initial["status"] = "open"
    initial["overdue"] = filters.overdue
    return initial


def _query(params: dict[str, Any], **extra: Any) -> str:
    return urlencode({**params, **extra}, doseq=True)


@never_cache
@staff_required(CASE_ROLES)
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """``/monitor/``: open cases by urgency, filtered and searched; the list alone for htmx."""
    user: Any = request.user
    filters = QueueFilters.from_params(request.GET)
    page = complaint_queue(user=user, filters=filters)
    params = filters.as_params()
    context: dict[str, Any] = {
        "rows": page.rows,
        "now": page.now,
        "filters": filters,
        "query": _query(params),
        "next_query": _query(params, cursor=page.next_cursor) if page.next_cursor else "",
        "is_first_page": not filters.cursor,
    }
    if request.htmx:  # type: ignore[attr-defined]  # django-htmx middleware
        response = render(request, "complaints/monitor/_queue_results.html", context)
    else:
        context["form"] = f.QueueFilterForm(initial=_filter_initial(filters), standards=_active_standards())
        context["pending_proposals"] = pending_standing_proposals(user=user).count()
        response = render(request, "complaints/monitor/queue.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@never_cache
@staff_required(CASE_ROLES)
@require_GET
def queue_counts(request: HttpRequest) -> HttpResponse:
    """Counts beside the filters (one aggregate query), loaded lazily by htmx."""
    filters = QueueFilters.from_params(request.GET)
    counts = complaint_queue_counts(user=request.user, filters=filters)
    base = {k: v for k, v in filters.as_params().items() if k not in ("status", "assignee", "overdue")}
    facets = [
        (
            "Open",
            counts["open"],
            _query(base),
            set(filters.status or OPEN_STATUSES) == set(OPEN_STATUSES) and not filters.all_statuses,
        ),
        *[
            (Status(s).label, counts[s], _query(base, status=s), filters.status == (s,) and not filters.all_statuses)
            for s in Status.values
        ],
        ("All", counts["all"], _query(base, status="all"), filters.all_statuses),
    ]
    focus = [
        ("Overdue", counts["overdue"], _query(base, overdue="1"), filters.overdue),
        ("Mine", counts["mine"], _query(base, assignee="mine"), filters.assignee == "mine"),
        ("Unassigned", counts["unassigned"], _query(base, assignee="unassigned"), filters.assignee == "unassigned"),
    ]
    return render(request, "complaints/monitor/_queue_counts.html", {"facets": facets, "focus": focus})


# --- Case page ------------------------------------------------------------------------------------


def _deadlines(complaint: Complaint, now: datetime) -> list[dict[str, Any]]:
    rows = []
    for stage in DEADLINE_STAGES:
        due = getattr(complaint, stage.due)
        done = getattr(complaint, stage.done)
        rows.append(
            {
                "label": stage.kind.label,
                "due": due,
                "done_at": done,
                "current": complaint.status == stage.current_in,
                "late": bool(due and done and done > due),
            }
        )
    return rows


def _describe_events(events: list[Event]) -> None:
    """Set ``event.detail``: a short, identity-free line from its data (one query for assignees' names)."""
    assignee_ids = {e.data.get("assignee") for e in events if e.kind == EventKind.ASSIGNED} - {None}
    names = {}
    if assignee_ids:
        names = {u.pk: u.display_name for u in User.objects.filter(pk__in=assignee_ids)}
    remedy_labels = dict(RemedyKind.choices)
    channels, languages = dict(Channel.choices), dict(Language.choices)
    for event in events:
        data = event.data or {}
        text = ""
        if event.kind == EventKind.TRIAGED:
            parts = [f"standard {data.get('standard')}", str(data.get("scope", "")).replace("_", " ")]
            if data.get("worksite"):
                parts.append(f"worksite {data['worksite']}")
            text = " · ".join(p for p in parts if p)
        elif event.kind == EventKind.ASSIGNED:
            assignee = data.get("assignee")
            text = f"to {names.get(assignee, 'someone')}" if assignee else "back to the queue"
        elif event.kind == EventKind.LINKED:
            text = f"with {data.get('reference', '')}"
        elif event.kind == EventKind.FINDING:
            verdict = "substantiated" if data.get("substantiated") else "not substantiated"
            text = f"{data.get('standard', '')}: {verdict}"
        elif event.kind in (EventKind.REMEDY, EventKind.REMEDY_VERIFIED):
            text = str(remedy_labels.get(data.get("kind", ""), ""))
            if data.get("amount"):
                text += f": {data['amount']} {data.get('currency', '')}"
            if data.get("due_on"):
                text += f", due {data['due_on']}"
        elif event.kind == EventKind.CREATED:
            channel = channels.get(data.get("channel", ""), data.get("channel", ""))
            text = f"by {channel}, in {languages.get(data.get('language', ''), data.get('language', ''))}"
        event.detail = text  # type: ignore[attr-defined]


@dataclass
class CaseForms:
    """Everything the case page needs to build its forms without more queries."""

    view: CaseView
    standards: list[Standard]
    workers: list[User]


FormFactory = Callable[[CaseForms, Any], f.BootstrapForm]


def _reply_form(ctx: CaseForms, data: Any) -> f.BootstrapForm:
    return f.ReplyForm(data, language=ctx.view.complaint.language)


def _triage_form(ctx: CaseForms, data: Any) -> f.BootstrapForm:
    complaint = ctx.view.complaint
    initial = {"assignee": complaint.assignee.username if complaint.assignee else None}
    form = f.TriageForm(data, standards=ctx.standards, workers=ctx.workers, initial=initial)
    if complaint.worksite_id:
        del form.fields["worksite"]  # only asked for when the worker did not know it
    return form


def _assign_form(ctx: CaseForms, data: Any) -> f.BootstrapForm:
    complaint = ctx.view.complaint
    initial = {"assignee": complaint.assignee.username if complaint.assignee else None}
    return f.AssignForm(data, workers=ctx.workers, initial=initial)


def _finding_form(ctx: CaseForms, data: Any) -> f.BootstrapForm:
    complaint = ctx.view.complaint
    initial = {"standard": complaint.standard.code if complaint.standard else None}
    return f.FindingForm(data, standards=ctx.standards, initial=initial)


def _remedy_form(ctx: CaseForms, data: Any) -> f.BootstrapForm:
    return f.RemedyForm(data, findings=ctx.view.findings)


def _share_form(ctx: CaseForms, data: Any) -> f.BootstrapForm:
    initial = {}
    if data is None:
        view = ctx.view
        initial["summary"] = workflow.complaint_summary_draft(
            complaint=view.complaint, findings=view.findings, remedies=view.remedies
        )
    return f.ShareForm(data, initial=initial)


def _plain(form_class: type[f.BootstrapForm]) -> FormFactory:
    return lambda ctx, data: form_class(data)


def _actor(request: HttpRequest) -> User:
    user: Any = request.user
    return user  # type: ignore[no-any-return]


def _build(name: str, ctx: CaseForms, data: Any) -> f.BootstrapForm:
    form = PAGE_FORMS[name].form(ctx, data)
    form.auto_id = f"id_{name}_%s"  # several forms on one page have a "reason": keep the ids apart
    return form


@dataclass(frozen=True)
class PageForm:
    """The case page's form for one of ``CASE_ACTIONS``, and the section it sits in."""

    form: FormFactory
    anchor: str


# One form per action of ``complaints.actions.CASE_ACTIONS`` (and no other: a test holds them equal).
PAGE_FORMS: dict[str, PageForm] = {
    "reply": PageForm(_reply_form, "reply"),
    "note": PageForm(_plain(f.NoteForm), "reply"),
    "triage": PageForm(_triage_form, "actions"),
    "assign": PageForm(_assign_form, "actions"),
    "start_investigation": PageForm(_plain(f.ReasonForm), "actions"),
    "resolve": PageForm(_plain(f.ReasonForm), "actions"),
    "mark_not_substantiated": PageForm(_plain(f.ReasonForm), "actions"),
    "refer": PageForm(_plain(f.ReferForm), "actions"),
    "close": PageForm(_plain(f.ReasonForm), "actions"),
    "reopen": PageForm(_plain(f.RequiredReasonForm), "actions"),
    "finding": PageForm(_finding_form, "findings"),
    "remedy": PageForm(_remedy_form, "findings"),
    "remedy_verify": PageForm(_plain(f.RemedyVerifyForm), "findings"),
    "link": PageForm(_plain(f.LinkForm), "linked"),
    "share": PageForm(_share_form, "share"),
}


def _case_context(
    request: HttpRequest, view: CaseView, *, failed: tuple[str, f.BootstrapForm] | None = None
) -> dict[str, Any]:
    user: Any = request.user
    complaint = view.complaint
    now = timezone.now()
    timeline = complaint_timeline(complaint=complaint)
    _describe_events([e.event for e in timeline if e.event is not None])
    ctx = CaseForms(view=view, standards=_active_standards(), workers=f.case_workers(user))
    forms: dict[str, Any] = {
        name: _build(name, ctx, None) for name in PAGE_FORMS if name != "share" or complaint.worksite_id
    }
    if failed is not None:
        forms[failed[0]] = failed[1]
    actions = workflow.available_actions(complaint=complaint, user=user)
    return {
        "view": view,
        "complaint": complaint,
        "now": now,
        "lead": is_lead(user),
        "timeline": timeline,
        "deadlines": _deadlines(complaint, now),
        "forms": forms,
        "failed": failed[0] if failed else "",
        "triage_available": "triage" in actions,
        "workflow_actions": [(name, workflow.ACTION_LABELS[name], forms[name]) for name in actions if name != "triage"],
        # Triage sets the assignee itself; afterwards a separate form changes it.
        "can_assign": complaint.status not in (Status.NEW, Status.CLOSED) and bool(ctx.workers),
        "can_record_finding": complaint.status in workflow.FINDING_STATUSES,
        "can_record_remedy": complaint.status in workflow.REMEDY_STATUSES,
        "reveal_form": f.RevealForm(auto_id="id_reveal_%s"),
    }


@never_cache
@staff_required(CASE_ROLES)
@require_GET
def case(request: HttpRequest, reference: str) -> HttpResponse:
    """``/monitor/cases/<reference>/``: header, timeline and every form of the case."""
    view = complaint_case(user=request.user, reference=reference)
    return render(request, "complaints/monitor/case.html", _case_context(request, view))


def _case_url(complaint: Complaint, anchor: str = "") -> str:
    url = workflow.case_path(complaint.reference)
    return f"{url}#{anchor}" if anchor else url


def _errors_into(form: f.BootstrapForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@never_cache
@staff_required(CASE_ROLES)
@require_POST
def case_action(request: HttpRequest, reference: str, action: str) -> HttpResponse:
    """One form of the case page, posted: run the service, then redirect, or show what went wrong."""
    spec = PAGE_FORMS.get(action)
    if spec is None:
        raise Http404("No such action.")
    view = complaint_case(user=request.user, reference=reference)
    ctx = CaseForms(view=view, standards=_active_standards(), workers=f.case_workers(request.user))
    form = _build(action, ctx, request.POST)
    status = 400
    if form.is_valid():
        try:
            done = CASE_ACTIONS[action].run(view.complaint, _actor(request), form.cleaned_data)
        except workflow.IllegalTransition as exc:
            form.add_error(None, str(exc))
            status = 409
        except ValidationError as exc:
            _errors_into(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or "You may not do this.")
            status = 403
        else:
            messages.success(request, done)
            return HttpResponseRedirect(_case_url(view.complaint, spec.anchor))
    messages.error(request, "Not saved: " + " ".join(form.non_field_and_field_errors()))
    view = complaint_case(user=request.user, reference=reference)  # fresh: someone may have moved it
    context = _case_context(request, view, failed=(action, form))
    return render(request, "complaints/monitor/case.html", context, status=status)


@never_cache
@staff_required(CASE_ROLES)
@require_GET
def reply_template(request: HttpRequest, reference: str) -> HttpResponse:
    """The reply box filled with a reviewed template in the worker's language (htmx swaps it in)."""
    complaint = access_complaint(user=request.user, reference=reference)
    key = request.GET.get("template", "")
    try:
        body = reply_template_text(key=key, language=complaint.language) if key else ""
    except KeyError:
        body = ""
    form = f.ReplyForm(initial={"body": body, "template": key}, language=complaint.language, auto_id="id_reply_%s")
    return render(request, "complaints/monitor/_reply_body.html", {"form": form})


@never_cache
@staff_required(CASE_ROLES)
@require_POST
def identity_reveal(request: HttpRequest, reference: str) -> HttpResponse:
    """Show the complainant's phone and name, once, to someone who states why (logged)."""
    view = complaint_case(user=request.user, reference=reference)
    form = f.RevealForm(request.POST, auto_id="id_reveal_%s")
    if form.is_valid():
        try:
            phone, name = workflow.complainant_identity_reveal(
                complaint=view.complaint, user=_actor(request), reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            _errors_into(form, exc)
        else:
            response = render(
                request, "complaints/monitor/identity.html", {"complaint": view.complaint, "phone": phone, "name": name}
            )
            response["Cache-Control"] = "no-store, private"
            return response
    messages.error(request, "Identity not revealed: " + " ".join(form.non_field_and_field_errors()))
    context = _case_context(request, view)
    context["reveal_form"] = form
    context["failed"] = "reveal"
    return render(request, "complaints/monitor/case.html", context, status=400)


INLINE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})


@never_cache
@staff_required(CASE_ROLES)
@require_GET
def attachment(request: HttpRequest, reference: str, uuid: str) -> HttpResponse:
    """Stream an attachment of a case the user may see; never a public media URL."""
    complaint = access_complaint(user=request.user, reference=reference)
    item = complaint.attachments.filter(uuid=uuid).first()
    if item is None or not item.file:
        raise Http404("No such attachment.")
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing.") from None
    # Only pictures open in the browser; anything else a worker's phone sent (its type is whatever
    # the sender declared) is downloaded as opaque bytes.
    inline = (item.content_type or "") in INLINE_TYPES
    response = FileResponse(
        handle,
        as_attachment=not inline,
        content_type=item.content_type if inline else "application/octet-stream",
        filename=(item.file.name or "").rsplit("/", 1)[-1],
    )
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    return cast(HttpResponse, response)  # streamed; staff_required only passes the response through


# --- The lead's pages -----------------------------------------------------------------------------


@never_cache
@staff_required(LEAD_ROLES)
@require_GET
def access_log(request: HttpRequest) -> HttpResponse:
    """``/monitor/access-log/``: every identity reveal, newest first (monitor lead and admin)."""
    paginator = Paginator(identity_access_log(user=request.user), ACCESS_LOG_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "complaints/monitor/access_log.html", {"page": page})

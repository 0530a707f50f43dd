"""Staff intake: a monitor lead, investigator or admin logs a complaint received by phone or in person.

Staff-only pages, in English. The worker's reference and receipt code are shown once, for staff to
read out to the worker; with a phone number the worker also gets the acknowledgement by SMS.
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from complaints.choices import Channel, Language
from complaints.models import Complaint
from complaints.web.forms import ComplaintForm
from complaints.web.services import (
    complaint_create_from_web,
    done_token_make,
    done_token_read,
    receipt_code_reserve,
    receipt_code_take,
)
from wsr.network.auth import staff_required
from wsr.network.roles import CASE_ROLES


class StaffIntakeForm(ComplaintForm):
    """A complaint taken by phone or in person on the worker's behalf."""

    channel = forms.ChoiceField(
        label="Received by", choices=[(Channel.PHONE, "Phone call"), (Channel.IN_PERSON, "In person")]
    )
    language = forms.ChoiceField(label="Worker's language", choices=Language.choices, initial=Language.EN)

    field_order = ["channel", "language", "worksite_code", "description", "name", "phone", "photo"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = {
            "worksite_code": ("Worksite code (optional)", "Leave empty if the worker does not know it."),
            "description": ("What happened, in the worker's words", ""),
            "name": ("Worker's name (optional)", "Stored encrypted; revealing it later is logged."),
            "phone": ("Worker's phone (optional)", "With a phone the worker gets the acknowledgement by SMS."),
            "photo": ("Photo or document picture (optional)", ""),
        }
        for name, (label, help_text) in labels.items():
            self.fields[name].label = label
            self.fields[name].help_text = help_text
        for field in self.fields.values():
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs.setdefault("class", css)


@never_cache
@staff_required(CASE_ROLES)
@require_http_methods(["GET", "POST"])
def intake(request: HttpRequest) -> HttpResponse:
    """Log a complaint for a worker. Sending the form twice creates one complaint (idempotency key)."""
    form = StaffIntakeForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        key: uuid.UUID = data["idempotency_key"]
        code, remembered = receipt_code_reserve(idempotency_key=key)
        result = complaint_create_from_web(
            channel=data["channel"],
            language=data["language"],
            description=data["description"],
            idempotency_key=key,
            receipt_code=code,
            worksite=data["worksite_code"],
            phone=data["phone"],
            name=data["name"],
            photo=data["photo"],
            created_by=request.user,
        )
        if result.created and not remembered:  # no cache: show the codes in this answer
            return render(
                request, "complaints/staff/intake_done.html", {"complaint": result.complaint, "receipt_code": code}
            )
        done = reverse("complaints_web:staff_intake_done")
        return HttpResponseRedirect(f"{done}?{urlencode({'t': done_token_make(idempotency_key=key)})}")
    status = 400 if request.method == "POST" else 200
    return render(request, "complaints/staff/intake.html", {"form": form}, status=status)


@never_cache
@staff_required(CASE_ROLES)
@require_http_methods(["GET"])
def intake_done(request: HttpRequest) -> HttpResponse:
    """The new case's reference and receipt code, shown once to read out to the worker."""
    key = done_token_read(request.GET.get("t", ""))
    user: Any = request.user  # staff_required: signed in
    complaint = Complaint.objects.filter(idempotency_key=key, created_by=user).first() if key else None
    code = receipt_code_take(idempotency_key=key) if complaint is not None and key is not None else None
    return render(request, "complaints/staff/intake_done.html", {"complaint": complaint, "receipt_code": code})

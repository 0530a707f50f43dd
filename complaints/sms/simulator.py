"""The SMS simulator (staff only): be a worker's phone in the browser, for training and demos.

The thread shown for a number holds only what the signed-in user may see (the case access rule of
``complaints/permissions.py``): a case assigned to someone else stays hidden, as on the case pages.

Each message is signed with the real ``TWILIO_AUTH_TOKEN`` exactly as Twilio signs it and handed to
the real webhook view as a form-encoded request, so what the page shows (the TwiML reply, then any
SMS sent to the number) is what a phone would get. Only fictional numbers (+1 NPA 555-01xx) can be
used: the hotline may send real SMS to the number it talks to.
"""

from __future__ import annotations

import io
import re
import uuid
from typing import Any
from urllib.parse import urlencode
from xml.etree import ElementTree

from django import forms
from django.conf import settings
from django.core.handlers.wsgi import WSGIRequest
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from complaints.models import Complaint, Message, SmsConversation
from complaints.services import phone_hash
from complaints.sms import views
from complaints.sms.signatures import signature_compute
from wsr.network.auth import staff_required
from wsr.network.roles import CASE_ROLES

FICTIONAL_PHONE = re.compile(r"^\+1[2-9]\d{2}55501\d{2}$")
DEFAULT_PHONE = "+12025550142"
SESSION_KEY = "sms_simulator_last"


class SimulatorForm(forms.Form):
    phone = forms.RegexField(
        regex=FICTIONAL_PHONE,
        label="Worker's phone (fictional)",
        initial=DEFAULT_PHONE,
        error_messages={"invalid": "Use a fictional number: +1, an area code, then 55501 and two digits."},
        widget=forms.TextInput(attrs={"class": "form-control", "inputmode": "tel"}),
    )
    body = forms.CharField(
        label="Message",
        required=False,
        max_length=1600,
        strip=False,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2, "autofocus": True}),
    )


def simulate(*, phone: str, body: str) -> tuple[int, list[str]]:
    """Post one SMS through the real webhook with a real signature; returns (HTTP status, replies)."""
    path = reverse("complaints_sms:inbound")
    fields = {
        "ToCountry": "US", "SmsMessageSid": "", "NumMedia": "0", "SmsSid": "", "SmsStatus": "received",
        "Body": body, "To": settings.TWILIO_FROM_NUMBER or "+12025550100", "NumSegments": "1",
        "MessageSid": "SM" + uuid.uuid4().hex, "AccountSid": settings.TWILIO_ACCOUNT_SID or "AC" + "0" * 32,
        "From": phone, "ApiVersion": "2010-04-01",
    }  # fmt: skip
    fields["SmsMessageSid"] = fields["SmsSid"] = fields["MessageSid"]
    payload = urlencode(fields).encode()
    signature = signature_compute(path=path, fields=fields) if settings.TWILIO_AUTH_TOKEN else ""
    request = WSGIRequest(
        {
            "REQUEST_METHOD": "POST", "PATH_INFO": path, "SCRIPT_NAME": "", "QUERY_STRING": "",
            "CONTENT_TYPE": "application/x-www-form-urlencoded", "CONTENT_LENGTH": str(len(payload)),
            "HTTP_X_TWILIO_SIGNATURE": signature,
            "SERVER_NAME": "simulator", "SERVER_PORT": "443", "wsgi.url_scheme": "https",
            "wsgi.input": io.BytesIO(payload),
        }
    )  # fmt: skip
    response = views.inbound(request)
    replies: list[str] = []
    if response.status_code == 200:
        # Our own view's TwiML, not outside input.
        root = ElementTree.fromstring(response.content)  # noqa: S314
        replies = [element.text or "" for element in root.iter("Message")]
    return response.status_code, replies


@never_cache
@staff_required(CASE_ROLES)
@require_http_methods(["GET", "POST"])
def simulator(request: HttpRequest) -> HttpResponse:
    """A chat with the hotline as the phone in the form. Works without JavaScript (post, redirect, get)."""
    if request.method == "POST":
        form = SimulatorForm(request.POST)
        if form.is_valid():
            phone = form.cleaned_data["phone"]
            status, replies = simulate(phone=phone, body=form.cleaned_data["body"])
            request.session[SESSION_KEY] = {"phone": phone, "status": status, "replies": replies}
            return HttpResponseRedirect(f"{reverse('complaints_sms:simulator')}?{urlencode({'phone': phone})}")
        phone = request.POST.get("phone", "")
    else:
        phone = request.GET.get("phone", "")
        form = SimulatorForm(initial={"phone": phone if FICTIONAL_PHONE.match(phone) else DEFAULT_PHONE})
    last: dict[str, Any] | None = request.session.pop(SESSION_KEY, None) if request.method == "GET" else None
    context: dict[str, Any] = {
        "form": form,
        "phone": phone if FICTIONAL_PHONE.match(phone) else "",
        "last": last if last and last.get("phone") == phone else None,
        "thread": [],
        "step": None,
        "token_missing": not settings.TWILIO_AUTH_TOKEN,
        "backend": settings.SMS_BACKEND,
    }
    if context["phone"]:
        digest = phone_hash(phone)
        # Only what the user may see: the number's messages outside any case (a conversation not
        # filed yet) and those of cases the case access rule lets the user view, never the others.
        visible_cases = Complaint.objects.restrict(request.user, "view").values("pk")
        thread = (
            Message.objects.filter(complainant__phone_hash=digest)
            .filter(Q(complaint__isnull=True) | Q(complaint__in=visible_cases))
            .select_related("complaint", "in_reply_to")
        )
        # Newest first; the CSS lays it out bottom-up (column-reverse) so the newest shows without JS.
        context["thread"] = list(thread.order_by("-created_at", "-id")[:60])
        conversation = SmsConversation.objects.filter(complainant__phone_hash=digest).first()
        context["step"] = conversation.get_step_display() if conversation else None
    return render(request, "complaints/sms/simulator.html", context, status=400 if request.method == "POST" else 200)

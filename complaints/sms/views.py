"""Twilio's webhooks: ``POST /sms/twilio/inbound/`` (a worker's SMS) and ``/sms/twilio/status/``.

Both check ``X-Twilio-Signature`` against ``PUBLIC_BASE_URL`` + the path (never the Host header) over
every posted field, refuse everything when no auth token is configured, and never answer with a 500:
unusable requests get a 4xx, and a database outage spools the signed request (``spool.py``) and
answers. Nothing here waits for the Celery broker: background work goes through the outbox.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotAllowed,
)
from django.http.multipartparser import MultiPartParserError
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from twilio.twiml.messaging_response import MessagingResponse

from complaints.sms import texts
from complaints.sms.conversation import in_language, inbound_receive, language_chosen
from complaints.sms.services import sms_status_receive
from complaints.sms.signatures import ANY_SID, INBOUND_SID, sids_acceptable, signature_valid
from complaints.sms.spool import DATABASE_DOWN, spool_append

logger = logging.getLogger(__name__)

FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}
Fields = dict[str, list[str]]


def twiml(reply: str = "") -> HttpResponse:
    """TwiML built by the twilio package (it escapes the text); an empty ``<Response/>`` sends nothing."""
    response = MessagingResponse()
    if reply:
        response.message(reply)
    return HttpResponse(str(response), content_type="text/xml; charset=utf-8")


def signed_fields(request: HttpRequest) -> Fields | HttpResponse:
    """The posted fields of a genuine Twilio request, or the response refusing it."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not settings.TWILIO_AUTH_TOKEN:
        logger.warning("Twilio webhook refused: TWILIO_AUTH_TOKEN is not configured")
        return HttpResponseForbidden("webhook not configured")
    if request.content_type not in FORM_TYPES:
        return HttpResponse("form-encoded body expected", status=415, content_type="text/plain")
    try:
        fields = {name: request.POST.getlist(name) for name in request.POST}
    except (RequestDataTooBig, TooManyFieldsSent, MultiPartParserError, SuspiciousOperation, BadRequest):
        return HttpResponseBadRequest("unreadable form")
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature_valid(path=request.get_full_path(), fields=fields, signature=signature):
        logger.warning("Twilio webhook refused: bad or missing signature on %s", request.path)
        return HttpResponseForbidden("bad signature")
    return fields


Handler = Callable[[Fields], HttpResponse]


def twilio_webhook(
    *, neutral_reply: bool, sid_format: re.Pattern[str]
) -> Callable[[Handler], Callable[[HttpRequest], HttpResponse]]:
    """Make ``handler(fields)`` a Twilio webhook: signed fields only, message ids of ``sid_format``
    (see ``signatures.py``), never cached, no CSRF (the signature stands for it), and spooled with an
    answer when the database is unreachable (``neutral_reply``: tell the worker we got her message)."""

    def decorator(handler: Handler) -> Callable[[HttpRequest], HttpResponse]:
        @never_cache
        @csrf_exempt
        @wraps(handler)
        def view(request: HttpRequest) -> HttpResponse:
            fields = signed_fields(request)
            if isinstance(fields, HttpResponse):
                return fields
            if not sids_acceptable(fields=fields, pattern=sid_format):
                return HttpResponseBadRequest("malformed MessageSid")
            try:
                return handler(fields)
            except DATABASE_DOWN:
                return spooled(request, fields, neutral_reply=neutral_reply)

        return view

    return decorator


def spooled(request: HttpRequest, fields: Fields, *, neutral_reply: bool) -> HttpResponse:
    """Keep the signed request on disk for the replay and answer (the worker's language is only
    guessed from the message: the database that knows it is unreachable)."""
    signature = request.headers.get("X-Twilio-Signature", "")
    try:
        spool_append(path=request.get_full_path(), fields=fields, signature=signature)
    except OSError:
        # Neither the database nor the disk: a 503 makes Twilio try the fallback URL configured for it.
        logger.exception("database unreachable and the spool cannot be written")
        return HttpResponse("temporarily unavailable", status=503, content_type="text/plain")
    if not neutral_reply:
        return twiml()
    body = (fields.get("Body") or [""])[0]
    return twiml(in_language(language_chosen(body) or "en", texts.received_neutral))


@twilio_webhook(neutral_reply=True, sid_format=INBOUND_SID)
def inbound(fields: Fields) -> HttpResponse:
    """A worker's SMS: stored and answered with TwiML in one transaction."""
    reply = inbound_receive(fields=fields)
    if reply is None:
        return HttpResponseBadRequest("MessageSid and a phone number in From are required")
    return twiml(reply)


@twilio_webhook(neutral_reply=False, sid_format=ANY_SID)
def status(fields: Fields) -> HttpResponse:
    """Delivery status of an outbound SMS: forward-only, unknown SIDs ignored, 200 whenever signed."""
    sms_status_receive(fields=fields)
    return twiml()

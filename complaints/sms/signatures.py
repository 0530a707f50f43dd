"""Twilio's request signature, checked against the canonical public URL (never the Host header)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from django.conf import settings
from django.utils.datastructures import MultiValueDict
from twilio.request_validator import RequestValidator


def public_url(path: str) -> str:
    """The URL Twilio requested: ``PUBLIC_BASE_URL`` + path and query string as received.

    Behind a TLS-terminating proxy the Host and X-Forwarded-* headers say whatever the client wants;
    the signed URL is the one configured in Twilio's console, which is ``PUBLIC_BASE_URL``'s.
    """
    return settings.PUBLIC_BASE_URL + path


def signature_valid(*, path: str, fields: Mapping[str, Sequence[str]], signature: str) -> bool:
    """Whether ``signature`` is Twilio's for this request: every posted field, blank values included.

    Always False when no ``TWILIO_AUTH_TOKEN`` is configured (refuse everything rather than accept
    anything). The validator compares in constant time and tries the URL with and without port.
    """
    token = settings.TWILIO_AUTH_TOKEN
    if not token or not signature:
        return False
    params = MultiValueDict({name: list(values) for name, values in fields.items()})
    return bool(RequestValidator(token).validate(public_url(path), params, signature))


# Twilio's message ids. The signature puts no separator between fields, so a captured request can be
# cut differently (the names and values of the fields after MessageSid appended to it) and stay
# validly signed under a new sid: the inbound webhook accepts only the exact shape of a real sid, so
# no fold can pass. Status callbacks only look sids up (an unknown one is ignored), and the console
# and memory backends name their messages freely, so there any letters and digits will do.
INBOUND_SID = re.compile(r"\A(?:SM|MM)[0-9a-f]{32}\Z")
ANY_SID = re.compile(r"\A[A-Za-z0-9]{0,64}\Z")
SID_FIELDS = ("MessageSid", "SmsSid", "SmsMessageSid")


def sids_acceptable(*, fields: Mapping[str, Sequence[str]], pattern: re.Pattern[str]) -> bool:
    """Whether every posted message id matches ``pattern`` and they all name the same message
    (``SmsSid`` and ``SmsMessageSid`` repeat ``MessageSid`` when present)."""
    sids = [value for name in SID_FIELDS for value in fields.get(name, ())]
    return all(pattern.match(value) for value in sids) and len(set(sids)) <= 1


def signature_compute(*, path: str, fields: Mapping[str, str]) -> str:
    """Sign a request as Twilio would (the simulator; tests)."""
    return str(RequestValidator(settings.TWILIO_AUTH_TOKEN).compute_signature(public_url(path), dict(fields)))

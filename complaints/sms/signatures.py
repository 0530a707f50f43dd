"""Twilio's request signature, checked against the canonical public URL (never the Host header)."""

from __future__ import annotations

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


def signature_compute(*, path: str, fields: Mapping[str, str]) -> str:
    """Sign a request as Twilio would (the simulator; tests)."""
    return str(RequestValidator(settings.TWILIO_AUTH_TOKEN).compute_signature(public_url(path), dict(fields)))

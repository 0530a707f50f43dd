"""Throttling of the public pages, in the cache only.

The key is a keyed hash of the client address (HMAC with ``SECRET_KEY``), which django-ratelimit
hashes again into a cache key that expires with its window: no address is ever written to the
database, a log or the cache in the clear. A cache outage fails open, because intake must keep working
with Redis down (SPEC 6).
"""

from __future__ import annotations

import hashlib
import hmac
import logging

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import get_usage, is_ratelimited

from wsr.client_address import client_address

logger = logging.getLogger(__name__)

# Per client, per window; settings.WEB_INTAKE_RATES overrides any of them.
DEFAULT_RATES = {
    "report": "10/h",  # complaints filed
    "search": "120/h",  # worksite searches
    "track": "20/h",  # reference + receipt code lookups, right or wrong
    # Wrong codes for one reference from one client: a short back-off. Never per reference alone,
    # or anyone who knows a (texted, not secret) reference could lock the worker out.
    "track-guess": "5/10m",
    "follow-up": "30/h",  # messages and photos added on /track/
}


def client_key(group: str, request: HttpRequest) -> str:
    """An opaque, non-reversible stand-in for the client address (``wsr.client_address``, which
    knows the proxies in front), used only inside the cache."""
    address = client_address(request)
    return hmac.new(settings.SECRET_KEY.encode(), f"throttle:{address}".encode(), hashlib.sha256).hexdigest()


def rate_for(group: str) -> str:
    return settings.WEB_INTAKE_RATES.get(group, DEFAULT_RATES[group])


def throttled(request: HttpRequest, group: str, *, value: str | None = None) -> bool:
    """Count one attempt in ``group`` and tell whether the client (or ``value``) went over its rate."""
    key = (lambda _group, _request: value) if value is not None else client_key
    try:
        return bool(is_ratelimited(request, group=f"web:{group}", key=key, rate=rate_for(group), increment=True))
    except Exception:  # the cache is down: let the worker through
        logger.warning("throttle unavailable for %s: cache error", group)
        return False


def throttle_used_up(request: HttpRequest, group: str, *, value: str) -> bool:
    """Whether ``value`` has used every attempt of ``group`` in this window; counts nothing (count
    a failed attempt afterwards with ``throttled``)."""
    try:
        usage = get_usage(request, group=f"web:{group}", key=lambda _group, _request: value, rate=rate_for(group))
    except Exception:  # the cache is down: let the worker through
        logger.warning("throttle unavailable for %s: cache error", group)
        return False
    return bool(usage and usage["count"] >= usage["limit"])

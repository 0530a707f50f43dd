"""Which address a request comes from: the one answer every throttle and the sign-in lockout use."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The client's IP address, as ``settings.PROXY_COUNT`` says to find it.

    With no proxy in front (0, the default), the address of the connection: X-Forwarded-For is then
    whatever the client chose to write, and rotating it must escape no limit. With N reverse proxies
    that each append the address they received the request from, the N-th entry from the right of
    X-Forwarded-For: the client as the outermost proxy saw it. Entries further left are the client's
    own words and are never used; a chosen entry that is not an IP address (a misconfigured proxy)
    falls back to the connection's address.
    """
    remote = str(request.META.get("REMOTE_ADDR", ""))
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    if settings.PROXY_COUNT <= 0 or not forwarded:
        return remote
    hops = [hop.strip() for hop in forwarded.split(",")]
    chosen = hops[-min(settings.PROXY_COUNT, len(hops))]
    try:
        return str(ipaddress.ip_address(chosen))
    except ValueError:
        return remote

"""The front door, ``/``: for a visitor who is not signed in, the public page of the complaint line
(report, follow a case, the hotline and its keywords, what the program is); signed-in users get
their home page at the same address.

Like ``/report/``, it works without JavaScript on a cheap phone, in every program language (the
phone's language first, ``?lang=`` links to switch).
"""

from __future__ import annotations

import re
from typing import Any

import phonenumbers
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from complaints.services import phone_normalize
from complaints.sms.texts import keyword_for
from complaints.web.views import current_language, public_language, render_public
from wsr.network import views as network_views

KEYWORD_KINDS = ("new", "status", "help", "stop")


def public_hotline() -> dict[str, str] | None:
    """The number workers text (``PUBLIC_HOTLINE_NUMBER``): how to show it and its ``sms:`` link;
    None when none is set. A short code (``73224``) is shown as it is."""
    raw = settings.PUBLIC_HOTLINE_NUMBER.strip()
    if not raw:
        return None
    e164 = phone_normalize(raw)
    if e164 is None:
        return {"display": raw, "uri": "sms:" + re.sub(r"[^\d+]", "", raw)}
    display = phonenumbers.format_number(phonenumbers.parse(e164), phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return {"display": display, "uri": f"sms:{e164}"}


def hotline_keywords() -> dict[str, str]:
    """The SMS keywords as a worker of the page's language writes them (``NUEVO``, ``ESTADO``...)."""
    language = current_language()
    return {kind: keyword_for(kind, language) for kind in KEYWORD_KINDS}


@never_cache
@public_language
@require_safe
def front_door(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return network_views.home(request)
    context: dict[str, Any] = {"hotline": public_hotline(), "keywords": hotline_keywords()}
    return render_public(request, "complaints/web/front_door.html", context)

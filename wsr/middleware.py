"""Request guards shared by every page and endpoint."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

NUL_MESSAGE = "The request contains a NUL character, which no field accepts."
DEEP_JSON_MESSAGE = "The JSON body is nested too deeply."
FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}
# Below this many brackets a JSON body cannot reach the parser's recursion limit (about 1,000).
_BRACKETS_WORTH_CHECKING = 500


def _has_nul(fields: Any) -> bool:
    """Whether a QueryDict's names or text values hold a NUL (uploaded files are not in it)."""
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in fields.lists())


def _too_deep(body: bytes) -> bool:
    """Whether parsing ``body`` as JSON would exhaust the recursion limit (a 500 in any parser)."""
    if body.count(b"[") + body.count(b"{") < _BRACKETS_WORTH_CHECKING:
        return False
    try:
        json.loads(body)
    except RecursionError:
        return True
    except ValueError:
        return False  # malformed JSON: the view's parser answers it
    return False


class RejectNulCharactersMiddleware:
    """Answer 400 to input that would fail deep inside as a 500.

    - A NUL character in the path, the query string or a JSON body: PostgreSQL text cannot hold NUL,
      so such a value would fail inside a query (queue filters, case references, API lookups).
    - A NUL in a form-encoded or multipart field (name or value) sent to the API: DRF's related
      fields (``assignee``, ``standard``, ``worksite``) look values up without checking. Django forms
      refuse NUL themselves with a translated message, and the Twilio webhooks keep a worker's SMS
      whatever it holds, so only API views are checked; uploaded file contents are never looked at.
    - A JSON body nested so deeply that parsing it raises ``RecursionError`` (``[`` x 5000).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or _has_nul(request.GET):
            return HttpResponseBadRequest(NUL_MESSAGE, content_type="text/plain")
        if request.content_type == "application/json":
            if b"\\u0000" in request.body or b"\x00" in request.body:
                return HttpResponseBadRequest(NUL_MESSAGE, content_type="text/plain")
            if _too_deep(request.body):
                return HttpResponseBadRequest(DEEP_JSON_MESSAGE, content_type="text/plain")
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        from rest_framework.views import APIView

        view_class = getattr(view_func, "cls", None)
        is_api_view = isinstance(view_class, type) and issubclass(view_class, APIView)
        if is_api_view and request.method == "POST" and request.content_type in FORM_TYPES and _has_nul(request.POST):
            return HttpResponseBadRequest(NUL_MESSAGE, content_type="text/plain")
        return None

"""Request guards shared by every page and endpoint."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

NUL_MESSAGE = "The request contains a NUL character, which no field accepts."


class RejectNulCharactersMiddleware:
    """Answer 400 to a NUL character in the path, the query string or a JSON body.

    PostgreSQL text cannot hold NUL, so such a value would otherwise fail inside a query as a 500
    (queue filters, case references, API lookups). Form fields are already checked by Django's
    ``ProhibitNullCharactersValidator``; uploads (multipart) may carry NUL bytes legitimately and are
    left alone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            return HttpResponseBadRequest(NUL_MESSAGE, content_type="text/plain")
        if request.content_type == "application/json" and (b"\\u0000" in request.body or b"\x00" in request.body):
            return HttpResponseBadRequest(NUL_MESSAGE, content_type="text/plain")
        return self.get_response(request)

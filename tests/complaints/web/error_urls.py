"""The site's URLs plus pages that fail on purpose, for the error page tests."""

from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django_ratelimit.exceptions import Ratelimited

from wsr.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401 (the handlers)


def database_down(request: HttpRequest) -> HttpResponse:
    raise OperationalError("connection to server failed")


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def over_the_rate(request: HttpRequest) -> HttpResponse:
    raise Ratelimited


urlpatterns = [
    path("broken/", database_down),
    path("monitor/broken/", database_down),
    path("forbidden/", forbidden),
    path("monitor/forbidden/", forbidden),
    path("throttled/", over_the_rate),
    *urlpatterns,
]

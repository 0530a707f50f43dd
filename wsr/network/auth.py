"""Staff sign-in with a second factor, and the decorator that guards staff pages.

Program staff (admin, monitor lead, investigator, auditor) must verify a TOTP code (django-otp) after
their password before any staff page opens; on their first sign-in they enrol an authenticator app by
scanning a QR code. Repeated password failures lock the account (django-axes, see settings).
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable
from functools import wraps
from io import BytesIO
from typing import Any

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from wsr.network.roles import PROGRAM_ROLES

View = Callable[..., HttpResponse]


def needs_second_factor(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_any_role(PROGRAM_ROLES))


def second_factor_required(view: View) -> View:
    """Signed in and, for program staff, past the TOTP step (else sent to it, then back)."""

    @wraps(view)
    @login_required
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user: Any = request.user
        if needs_second_factor(user) and not user.is_verified():
            return redirect(f"{reverse('otp')}?{urlencode({'next': request.get_full_path()})}")
        return view(request, *args, **kwargs)

    return wrapped


def staff_required(roles: Iterable[str]) -> Callable[[View], View]:
    """Guard a page: ``second_factor_required``, and one of ``roles``.

    Anyone signed in without the role gets 404, as if the page did not exist (one door per object).
    """
    allowed = frozenset(roles)

    def decorator(view: View) -> View:
        @wraps(view)
        @second_factor_required
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.has_any_role(allowed):  # type: ignore[union-attr]
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("6-digit code from your authenticator app"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


def _qr_svg_data_uri(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@never_cache
@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    """Ask for the TOTP code; enrol an authenticator first if the user has none confirmed."""
    user: Any = request.user
    next_url = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    if not needs_second_factor(user) or user.is_verified():
        return redirect(next_url)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    enrolling = device is None
    if enrolling:
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or TOTPDevice.objects.create(
            user=user, name="Authenticator app", confirmed=False
        )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"].replace(" ", "")
        if device.verify_token(token):
            if enrolling:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            return redirect(next_url)
        form.add_error("token", _("That code is not right or has expired. Try the newest code."))
    context = {"form": form, "next": next_url, "enrolling": enrolling}
    if enrolling:
        context["qr"] = _qr_svg_data_uri(device.config_url)
        context["secret"] = base64.b32encode(device.bin_key).decode()
    return render(request, "registration/otp.html", context)

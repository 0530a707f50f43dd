"""Forms of the web intake. Every message a worker can see is translated here: Django ships no
Haitian Creole catalog, so no field relies on Django's built-in error texts."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from complaints.services import normalize_reference, phone_normalize
from complaints.web.services import Photo
from wsr.network.models import Worksite

DESCRIPTION_MAX_LENGTH = 5000
FOLLOW_UP_MAX_LENGTH = 2000

# Pictures a cheap phone takes or shares, recognised by their first bytes (never by the name).
_PHOTO_SIGNATURES: tuple[tuple[bytes, int, str, str], ...] = (
    (b"\xff\xd8\xff", 0, "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png", "png"),
    (b"GIF87a", 0, "image/gif", "gif"),
    (b"GIF89a", 0, "image/gif", "gif"),
)
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1", b"heif"}


def photo_max_bytes() -> int:
    return settings.WEB_UPLOAD_MAX_BYTES


def sniff_photo(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) of a JPEG, PNG, GIF, WebP or HEIC picture, else None."""
    for signature, offset, content_type, extension in _PHOTO_SIGNATURES:
        if head[offset : offset + len(signature)] == signature:
            return content_type, extension
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", "webp"
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return "image/heic", "heic"
    return None


class PhotoField(forms.FileField):
    """An optional picture, checked by size and by content."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Photo (optional)"))
        kwargs.setdefault(
            "error_messages",
            {
                "invalid": _("This file could not be read. Please choose the photo again."),
                "missing": _("This file could not be read. Please choose the photo again."),
                "empty": _("This file is empty. Please choose another photo."),
                "max_length": _("This file name is too long. Please rename the photo."),
                "contradiction": _("This file could not be read. Please choose the photo again."),
            },
        )
        kwargs.setdefault("widget", forms.FileInput(attrs={"accept": "image/*"}))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> Photo | None:  # type: ignore[override]
        upload: UploadedFile | None = super().clean(data, initial)
        if not upload:
            return None
        limit = photo_max_bytes()
        if (upload.size or 0) > limit:
            raise forms.ValidationError(
                _("This photo is too big. The limit is %(megabytes)s MB. Please choose a smaller photo."),
                code="too_big",
                params={"megabytes": limit // (1024 * 1024)},
            )
        upload.seek(0)
        head = upload.read(16)
        upload.seek(0)
        sniffed = sniff_photo(head)
        if sniffed is None:
            raise forms.ValidationError(
                _("This file is not a photo. Please choose a picture (JPG, PNG, WEBP or HEIC)."), code="not_photo"
            )
        return Photo(file=upload, content_type=sniffed[0], extension=sniffed[1])


class IdempotentForm(forms.Form):
    """A form that carries a hidden UUID so that sending it twice does the work once."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", str(uuid.uuid4()))
        elif not _as_uuid(self.data.get("idempotency_key")):
            # A missing or mangled key cannot be fixed by the worker: give the form a fresh one.
            data = self.data.copy()  # type: ignore[attr-defined]  # a QueryDict or a dict
            data["idempotency_key"] = str(uuid.uuid4())
            self.data = data

    def clean_idempotency_key(self) -> uuid.UUID:
        return _as_uuid(self.cleaned_data.get("idempotency_key")) or uuid.uuid4()


def _as_uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


class ComplaintForm(IdempotentForm):
    """What a worker (or staff on her behalf) tells us; every field but the description is optional."""

    worksite_code = forms.CharField(
        label=_("Workplace code (optional)"),
        help_text=_(
            "The code on the poster at your workplace, for example RF101. Leave it empty if you do not know it."
        ),
        required=False,
        max_length=20,
        error_messages={"max_length": _("A workplace code is short, for example RF101. Please check it.")},
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false"}),
    )
    description = forms.CharField(
        label=_("What happened?"),
        help_text=_("Tell us what happened, when and where. Write in your own words and language."),
        max_length=DESCRIPTION_MAX_LENGTH,
        error_messages={
            "required": _("Please tell us what happened."),
            "max_length": _("Please keep it shorter: at most %(limit_value)d characters (you wrote %(show_value)d)."),
        },
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    photo = PhotoField()
    name = forms.CharField(
        label=_("Your name (optional)"),
        help_text=_("You do not have to give your name. It stays confidential."),
        required=False,
        max_length=200,
        error_messages={"max_length": _("Please keep it shorter: at most %(limit_value)d characters.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=_("Phone number (optional)"),
        help_text=_("If you give a phone number, we will send you updates by text message (SMS)."),
        required=False,
        max_length=32,
        error_messages={"max_length": _("This phone number is too long. Please check it.")},
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )

    def clean_worksite_code(self) -> Worksite | None:
        raw = self.cleaned_data.get("worksite_code", "")
        code = normalize_reference(raw)
        if not code:
            return None
        worksite = Worksite.objects.filter(code=code, is_active=True).first()
        if worksite is None:
            raise forms.ValidationError(
                _(
                    "We do not know the workplace code %(code)s. Please check it, find your workplace "
                    "with the search, or leave it empty."
                ),
                code="unknown_worksite",
                params={"code": code},
            )
        return worksite

    def clean_description(self) -> str:
        description = self.cleaned_data["description"].strip()
        if not description:
            raise forms.ValidationError(_("Please tell us what happened."), code="required")
        return description

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data.get("name", "").split())

    def clean_phone(self) -> str | None:
        raw = self.cleaned_data.get("phone", "").strip()
        if not raw:
            return None
        phone = phone_normalize(raw)
        if phone is None:
            raise forms.ValidationError(
                _(
                    "This phone number does not look right. Please write it with the country code, "
                    "for example +1 555 123 4567, or leave it empty."
                ),
                code="bad_phone",
            )
        return phone


class WorksiteSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name or code of your workplace"),
        min_length=2,
        max_length=100,
        error_messages={
            "required": _("Please type at least 2 letters."),
            "min_length": _("Please type at least 2 letters."),
            "max_length": _("Please type fewer letters."),
        },
    )


class TrackForm(forms.Form):
    reference = forms.CharField(
        label=_("Case number"),
        max_length=30,
        error_messages={
            "required": _("Please write your case number."),
            "max_length": _("Please check your case number."),
        },
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false"}),
    )
    receipt_code = forms.CharField(
        label=_("Secret code"),
        max_length=30,
        error_messages={
            "required": _("Please write your secret code."),
            "max_length": _("Please check your secret code."),
        },
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_reference(self) -> str:
        return normalize_reference(self.cleaned_data["reference"])

    def clean_receipt_code(self) -> str:
        return normalize_reference(self.cleaned_data["receipt_code"])


class FollowUpForm(IdempotentForm):
    body = forms.CharField(
        label=_("Your message (optional if you add a photo)"),
        required=False,
        max_length=FOLLOW_UP_MAX_LENGTH,
        error_messages={
            "max_length": _("Please keep it shorter: at most %(limit_value)d characters (you wrote %(show_value)d).")
        },
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    photo = PhotoField()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["body"] = (cleaned.get("body") or "").strip()
        if not cleaned["body"] and not cleaned.get("photo") and not self.errors:
            raise forms.ValidationError(_("Please write a message or choose a photo."), code="empty")
        return cleaned

"""MMS media: downloaded from Twilio (basic auth with the account SID and token) into our storage.

Until then an ``Attachment`` holds only Twilio's URL, which is not evidence: Twilio's copy can be
deleted, and the URL shows nothing without our credentials.
"""

from __future__ import annotations

import logging
import mimetypes
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from complaints.models import Attachment

logger = logging.getLogger(__name__)

MAX_MEDIA_BYTES = 10 * 1024 * 1024  # Twilio accepts at most 5 MB per MMS


class MediaUnavailable(Exception):
    """Twilio could not be reached or answered 429/5xx: try again later."""


def twilio_media_url(url: str) -> bool:
    """Our Twilio credentials go to Twilio only: https on a twilio.com host."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return parts.scheme == "https" and (host == "twilio.com" or host.endswith(".twilio.com"))


def http_session() -> requests.Session:
    """The HTTP client for media downloads (tests mount a fake transport on it)."""
    return requests.Session()


def media_fetch(*, attachment_id: int) -> bool:
    """Download one attachment's medium into storage, once. Returns whether it was stored.

    Downloads outside any transaction, then stores under the attachment's row lock
    (``select_for_update``): a duplicate task finds ``fetched_at`` set and keeps the first copy.
    Raises ``MediaUnavailable`` when a retry may help; permanent failures are logged and kept as is.
    """
    attachment = Attachment.objects.filter(pk=attachment_id).first()
    if attachment is None or attachment.fetched_at is not None or not attachment.source_url:
        return False
    if not twilio_media_url(attachment.source_url):
        logger.warning("attachment %s: media URL is not Twilio's; not fetched", attachment.uuid)
        return False
    auth = (settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN)
    try:
        with http_session() as session:
            response = session.get(attachment.source_url, auth=auth, timeout=(5, 30), stream=True)
            with response:
                if response.status_code == 429 or response.status_code >= 500:
                    raise MediaUnavailable(f"HTTP {response.status_code}")
                if response.status_code >= 400:
                    status = response.status_code
                    logger.warning("attachment %s: Twilio answered %s; not fetched", attachment.uuid, status)
                    return False
                data = bytearray()
                for chunk in response.iter_content(64 * 1024):
                    data.extend(chunk)
                    if len(data) > MAX_MEDIA_BYTES:
                        logger.warning("attachment %s: medium larger than %d bytes", attachment.uuid, MAX_MEDIA_BYTES)
                        return False
                header_type = response.headers.get("Content-Type", "").split(";")[0].strip()
    except requests.RequestException as exc:
        raise MediaUnavailable(type(exc).__name__) from exc
    content_type = attachment.content_type or header_type or "application/octet-stream"
    suffix = mimetypes.guess_extension(content_type) or ".bin"
    with transaction.atomic():
        locked = Attachment.objects.select_for_update().get(pk=attachment.pk)
        if locked.fetched_at is not None:
            return False
        locked.file.save(f"mms{suffix}", ContentFile(bytes(data)), save=False)
        locked.content_type = content_type[:100]
        locked.size = len(data)
        locked.fetched_at = timezone.now()
        locked.save(update_fields=["file", "content_type", "size", "fetched_at"])
    return True

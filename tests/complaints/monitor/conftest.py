"""Fixtures for the monitor's pages: the workflow tests' case factories (reused, not copied), the
memory SMS backend, and clients for the named actors (staff past the second factor)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from tests.complaints.workflow.conftest import make_case, standards, worker  # noqa: F401 (fixtures)


@pytest.fixture(autouse=True)
def _memory_sms(settings: Any) -> None:
    settings.SMS_BACKEND = "memory"


@pytest.fixture(autouse=True)
def _clean_cache() -> Any:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


ROLES = ("investigator", "lead", "admin", "auditor", "buyer_a_user", "supplier_a_user", "outsider", "anonymous")


def client_as(world: Any, role: str) -> Client:
    """A client for a named actor: staff with their second factor verified, others just signed in."""
    if role == "anonymous":
        return Client()
    return world.client_for(getattr(world, role))

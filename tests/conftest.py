"""Shared fixtures: the named actors of every test (healthchecks ``hc/test.py`` style).

``world`` builds a small program: the monitor with a lead, an investigator and an auditor; supplier A
(Sunrise) and supplier B (Delta) with a worksite each; buyer A sourcing from supplier A only, buyer B
from supplier B only; one user per role plus an outsider with no membership.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, sync_playwright

from tests.browser import CHROMIUM_ARGS, SCREENSHOTS, chromium_or_skip
from wsr.network import services
from wsr.network.auth import needs_second_factor
from wsr.network.choices import OrganizationKind, Role
from wsr.network.models import Organization, Supplier, User, Worksite

PASSWORD = "correct horse battery staple"


@dataclass
class World:
    monitor: Organization
    supplier_a: Supplier
    supplier_b: Supplier
    worksite_a: Worksite
    worksite_b: Worksite
    buyer_a: Organization
    buyer_b: Organization
    admin: User
    lead: User
    investigator: User
    auditor: User
    buyer_a_user: User
    buyer_b_user: User
    supplier_a_user: User
    supplier_b_user: User
    outsider: User

    def client_for(self, user: User | None, *, second_factor: bool = True) -> Client:
        """A client signed in as ``user``; program staff also past the TOTP step unless told not."""
        client = Client()
        if user is not None:
            client.force_login(user)
            if second_factor:
                pass_second_factor(client, user)
        return client


def pass_second_factor(client: Client, user: User) -> None:
    """Mark ``client``'s session as past the TOTP step, as ``/accounts/2fa/`` does (staff only)."""
    if not needs_second_factor(user):
        return
    device = TOTPDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})[0]
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    """Hash test passwords with a cheap hasher: PBKDF2's deliberate slowness costs ~0.2 s per user."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _static_files_without_collectstatic(settings) -> None:
    """Tests run with DEBUG off, whose manifest storage needs `collectstatic`; read the sources instead."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def chromium(monkeypatch: pytest.MonkeyPatch) -> str:
    """Path of the Chromium a browser test drives (tests/browser.py); skips the test without one."""
    path = chromium_or_skip()
    # Playwright's sync API runs an event loop in the test's thread; the ORM calls stay synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def browser(chromium: str) -> Iterator[Browser]:
    """That Chromium, launched headless through Playwright (closed after the test)."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def make_user(
    username: str, organization: Organization | None = None, role: str | None = None, **extra: object
) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, email=f"{username}@example.org", **extra)
    if organization is not None and role is not None:
        services.membership_create(user=user, organization=organization, role=role)
    return user


@pytest.fixture
def world(db: None) -> World:
    monitor = services.organization_create(name="Test Monitor", kind=OrganizationKind.MONITOR)
    supplier_a = services.organization_create(name="Sunrise Farms", kind=OrganizationKind.SUPPLIER).supplier
    supplier_b = services.organization_create(name="Delta Garments", kind=OrganizationKind.SUPPLIER).supplier
    buyer_a = services.organization_create(name="Buyer A", kind=OrganizationKind.BUYER)
    buyer_b = services.organization_create(name="Buyer B", kind=OrganizationKind.BUYER)
    services.supply_relationship_start(buyer=buyer_a, supplier=supplier_a, started_on=date(2024, 1, 1))
    services.supply_relationship_start(buyer=buyer_b, supplier=supplier_b, started_on=date(2024, 1, 1))
    return World(
        monitor=monitor,
        supplier_a=supplier_a,
        supplier_b=supplier_b,
        worksite_a=services.worksite_create(supplier=supplier_a, name="Sunrise North", code="RF101"),
        worksite_b=services.worksite_create(supplier=supplier_b, name="Delta Unit 1", code="DK401"),
        buyer_a=buyer_a,
        buyer_b=buyer_b,
        admin=make_user("admin", monitor, Role.ADMIN, is_staff=True, is_superuser=True),
        lead=make_user("lead", monitor, Role.MONITOR_LEAD),
        investigator=make_user("investigator", monitor, Role.INVESTIGATOR),
        auditor=make_user("auditor", monitor, Role.AUDITOR),
        buyer_a_user=make_user("buyer-a", buyer_a, Role.BUYER_USER),
        buyer_b_user=make_user("buyer-b", buyer_b, Role.BUYER_USER),
        supplier_a_user=make_user("supplier-a", supplier_a.organization, Role.SUPPLIER_USER),
        supplier_b_user=make_user("supplier-b", supplier_b.organization, Role.SUPPLIER_USER),
        outsider=make_user("outsider"),
    )

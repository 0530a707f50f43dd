"""seed_demo (idempotent, demo logins work) and seed_scale (bulk, sizes as options) (SPEC 5)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import make_user
from wsr.contributions import PROJECT_APPS
from wsr.network.choices import OrganizationKind, Role
from wsr.network.demo import USERS
from wsr.network.models import Organization, Supplier, SupplyRelationship, User, Worksite

pytestmark = pytest.mark.django_db


def row_counts() -> dict[str, int]:
    """Rows of every model of the project's apps, plus the groups and permissions behind access."""
    labels = {"auth", "guardian", "otp_totp"} | {apps.get_app_config(n.rsplit(".", 1)[-1]).label for n in PROJECT_APPS}
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in labels and not model._meta.proxy
    }


def seed_demo() -> str:
    out = StringIO()
    call_command("seed_demo", force=True, stdout=out)
    return out.getvalue()


def test_seed_demo_twice_leaves_the_same_rows():
    seed_demo()
    first = row_counts()
    seed_demo()
    assert row_counts() == first
    assert first["network.Worksite"] >= 5
    assert first["network.SupplyRelationship"] >= 2


def test_seed_demo_prints_every_demo_login_and_the_password():
    output = seed_demo()
    assert "password: wsr-demo" in output
    for username, *_ in USERS:
        assert username in output


def logs_in(username: str, password: str) -> bool:
    """Sign in through the login form, as a person would."""
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": password})
    return response.status_code == 302 and client.session.get("_auth_user_id") is not None


@pytest.mark.parametrize("username", [u[0] for u in USERS])
def test_each_demo_user_can_log_in_with_the_demo_password(username):
    seed_demo()
    assert logs_in(username, settings.DEMO_PASSWORD)
    assert not logs_in(username, "not-the-demo-password")


def test_demo_buyers_have_different_supply_chains_through_the_login_form():
    seed_demo()
    pages = {}
    for username in ("demo-buyer-a", "demo-buyer-b"):
        client = Client()
        response = client.post("/accounts/login/", {"username": username, "password": "wsr-demo"}, follow=True)
        assert response.status_code == 200
        pages[username] = response.content.decode()
    assert "Sunrise Farms" in pages["demo-buyer-a"]
    assert "Sunrise Farms" not in pages["demo-buyer-b"]
    assert "Dhaka Knit Ltd" in pages["demo-buyer-b"]
    assert "Dhaka Knit Ltd" not in pages["demo-buyer-a"]


def test_seed_demo_honours_demo_password(settings):
    settings.DEMO_PASSWORD = "another-demo-secret"
    output = seed_demo()
    assert "another-demo-secret" not in output
    assert logs_in("demo-lead", "another-demo-secret")


def test_seed_demo_refuses_without_debug_and_creates_nobody(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo", stdout=StringIO())
    assert not User.objects.exists()
    assert not TOTPDevice.objects.exists()


def test_seed_demo_runs_in_debug_mode_without_force(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    assert logs_in("demo-buyer-a", settings.DEMO_PASSWORD)


def seed_scale(**sizes: int) -> str:
    """Run seed_scale with ``sizes``; every other app's size option is kept small too."""
    from wsr.network.management.commands.seed_scale import Command

    options: dict[str, int] = {}
    for action in Command().create_parser("manage.py", "seed_scale")._actions:
        if action.type is int and action.dest not in {"verbosity", "seed"} and isinstance(action.default, int):
            options[action.dest] = min(action.default, 3)
    options.update(sizes)
    out = StringIO()
    call_command("seed_scale", stdout=out, **options)
    return out.getvalue()


def test_seed_scale_with_small_sizes_creates_them_in_bulk_and_reports_rates():
    output = seed_scale(suppliers=6, worksites=30, buyers=2)

    scale_suppliers = Supplier.objects.filter(organization__name__startswith="Scale supplier")
    assert scale_suppliers.count() == 6
    assert Worksite.objects.filter(supplier__in=scale_suppliers).count() == 30
    assert Organization.objects.filter(kind=OrganizationKind.BUYER, name__startswith="Scale buyer").count() == 2
    assert SupplyRelationship.objects.filter(supplier__in=scale_suppliers).count() == 12
    for label in ("suppliers", "worksites", "supply relationships", "object permissions"):
        assert label in output
    assert "rows/s" in output


def test_seed_scale_grants_scale_buyers_exactly_their_supply_chain():
    seed_scale(suppliers=12, worksites=12, buyers=1)
    buyer = Organization.objects.get(name__startswith="Scale buyer")
    user = make_user("scale-buyer-user", buyer, Role.BUYER_USER)
    sourced = set(SupplyRelationship.objects.filter(buyer=buyer).values_list("supplier_id", flat=True))
    assert set(Supplier.objects.restrict(user).values_list("pk", flat=True)) == sourced


def test_seed_scale_can_run_twice():
    seed_scale(suppliers=3, worksites=3, buyers=1)
    seed_scale(suppliers=3, worksites=3, buyers=1)
    assert Supplier.objects.filter(organization__name__startswith="Scale supplier").count() == 6

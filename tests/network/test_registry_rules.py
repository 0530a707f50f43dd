"""Registry rules hold on every write path: the admin (its inlines too), model validation, services and
the database. "A role must fit the organization's kind" and "the buyer of a supply relationship is a
buyer organization" protect data: a buyer user holding the admin role would see every complaint.
(The API has no endpoint that writes memberships or supply relationships.)"""

from __future__ import annotations

from datetime import date
from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client

from complaints.models import Complaint
from complaints.services import complaint_create
from wsr.network import services
from wsr.network.choices import OrganizationKind, Role
from wsr.network.models import Membership, Organization, Supplier, SupplyRelationship

pytestmark = pytest.mark.django_db


class _FormFields(HTMLParser):
    """The values a browser would submit from the page's main form (admin change forms)."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        name = a.get("name", "")
        if tag == "input" and name and a.get("type") not in {"submit", "button", "file"}:
            if a.get("type") in {"checkbox", "radio"} and "checked" not in a:
                return
            self.data.setdefault(name, []).append(a.get("value", "on" if a.get("type") == "checkbox" else ""))
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select].append(a.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea][0] += data


def admin_form(client: Client, url: str) -> dict[str, list[str]]:
    response = client.get(url)
    assert response.status_code == 200
    parser = _FormFields()
    parser.feed(response.content.decode())
    return {name: values for name, values in parser.data.items() if "__prefix__" not in name}


def add_inline_membership(data: dict[str, list[str]], *, organization: Organization, user_id: int, role: str) -> None:
    """Fill one more row of the membership inline, as the admin's "Add another" does."""
    n = int(data["memberships-TOTAL_FORMS"][0])
    data["memberships-TOTAL_FORMS"] = [str(n + 1)]
    data.update(
        {
            f"memberships-{n}-organization": [str(organization.pk)],
            f"memberships-{n}-user": [str(user_id)],
            f"memberships-{n}-role": [role],
            f"memberships-{n}-is_active": ["on"],
        }
    )


@pytest.mark.parametrize("page", ["organization", "user"])
def test_the_membership_inline_refuses_the_admin_role_in_a_buyer_organization(world, page):
    admin = world.client_for(world.admin)
    url = f"/admin/network/{page}/{(world.buyer_a if page == 'organization' else world.buyer_a_user).pk}/change/"
    data = admin_form(admin, url)
    add_inline_membership(data, organization=world.buyer_a, user_id=world.buyer_a_user.pk, role=Role.ADMIN)

    response = admin.post(url, data)

    assert response.status_code == 200  # the form again, with the error
    assert "A Buyer member cannot be Administrator." in response.content.decode()
    assert not Membership.objects.filter(user=world.buyer_a_user, role=Role.ADMIN).exists()
    complaint_create(channel="web", language="en", description="Kept our pay", worksite=world.worksite_b)
    assert not Complaint.objects.restrict(world.buyer_a_user).exists()


def test_a_new_buyer_organization_cannot_be_given_an_administrator_in_the_same_form(world):
    admin = world.client_for(world.admin)
    data = admin_form(admin, "/admin/network/organization/add/")
    data.update({"name": ["Buyer C"], "kind": [OrganizationKind.BUYER]})
    data["memberships-TOTAL_FORMS"] = ["1"]
    data.update({"memberships-0-user": [str(world.outsider.pk)], "memberships-0-role": [Role.ADMIN]})

    response = admin.post("/admin/network/organization/add/", data)

    assert response.status_code == 200
    assert "A Buyer member cannot be Administrator." in response.content.decode()
    assert not Organization.objects.filter(name="Buyer C").exists()


def test_the_admin_still_adds_a_role_that_fits(world):
    admin = world.client_for(world.admin)
    url = f"/admin/network/organization/{world.buyer_a.pk}/change/"
    data = admin_form(admin, url)
    add_inline_membership(data, organization=world.buyer_a, user_id=world.outsider.pk, role=Role.BUYER_USER)

    assert admin.post(url, data).status_code == 302
    assert world.outsider.memberships.get().role == Role.BUYER_USER


def test_the_organization_admin_refuses_a_kind_its_members_roles_do_not_fit(world):
    admin = world.client_for(world.admin)
    url = f"/admin/network/organization/{world.monitor.pk}/change/"
    data = admin_form(admin, url)
    data["kind"] = [OrganizationKind.BUYER]

    response = admin.post(url, data)

    assert response.status_code == 200
    assert "a Buyer member cannot be." in response.content.decode()
    world.monitor.refresh_from_db()
    assert world.monitor.kind == OrganizationKind.MONITOR


def test_the_supply_relationship_admin_refuses_a_buyer_that_is_not_a_buyer(world):
    admin = world.client_for(world.admin)
    data = admin_form(admin, "/admin/network/supplyrelationship/add/")
    data.update(
        {"buyer": [str(world.monitor.pk)], "supplier": [str(world.supplier_a.pk)], "started_on": ["2024-01-01"]}
    )

    response = admin.post("/admin/network/supplyrelationship/add/", data)

    assert response.status_code == 200
    assert "is not a buyer" in response.content.decode()
    assert not SupplyRelationship.objects.filter(buyer=world.monitor).exists()


def test_model_validation_refuses_a_role_or_a_buyer_that_does_not_fit(world):
    with pytest.raises(ValidationError, match="cannot be Administrator"):
        Membership(user=world.outsider, organization=world.buyer_a, role=Role.ADMIN).full_clean()
    with pytest.raises(ValidationError, match="is not a buyer"):
        SupplyRelationship(
            buyer=world.supplier_b.organization, supplier=world.supplier_a, started_on=date.today()
        ).full_clean()
    with pytest.raises(ValidationError, match="is not a supplier organization"):
        Supplier(organization=world.buyer_b).full_clean()
    Membership(user=world.outsider, organization=world.monitor, role=Role.ADMIN).full_clean()


def test_services_refuse_a_role_or_a_buyer_that_does_not_fit(world):
    with pytest.raises(ValidationError):
        services.membership_create(user=world.outsider, organization=world.supplier_a.organization, role=Role.AUDITOR)
    with pytest.raises(ValidationError):
        services.supply_relationship_start(buyer=world.monitor, supplier=world.supplier_a, started_on=date.today())
    assert not world.outsider.memberships.exists()


def test_the_database_refuses_what_skips_validation(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=world.outsider, organization=world.buyer_a, role=Role.ADMIN)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.filter(user=world.buyer_a_user).update(role=Role.INVESTIGATOR)
    with pytest.raises(IntegrityError), transaction.atomic():
        SupplyRelationship.objects.bulk_create(
            [SupplyRelationship(buyer=world.monitor, supplier=world.supplier_b, started_on=date.today())]
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Supplier.objects.create(organization=world.buyer_b)
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.filter(pk=world.buyer_a.pk).update(kind=OrganizationKind.MONITOR)
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.filter(pk=world.supplier_a.organization_id).update(kind=OrganizationKind.BUYER)
    # An organization with nothing that depends on its kind may still change it.
    spare = services.organization_create(name="Spare", kind=OrganizationKind.WORKER_ORGANIZATION)
    Organization.objects.filter(pk=spare.pk).update(kind=OrganizationKind.BUYER)

"""The registry part of the demo program (see wsr.contributions)."""

from __future__ import annotations

import base64
from datetime import date
from typing import Any

from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from wsr.network import services
from wsr.network.choices import OrganizationKind, Role, WorksiteKind
from wsr.network.models import Organization, Supplier, SupplyRelationship, User, Worksite
from wsr.network.roles import PROGRAM_ROLES

# (supplier name, country, [(code, worksite name, kind, region)])
SUPPLIERS = [
    ("Sunrise Farms", "US", [("RF101", "Sunrise Farms — Immokalee", WorksiteKind.FARM, "Florida"),
                             ("RF102", "Sunrise Farms — Plant City", WorksiteKind.FARM, "Florida")]),
    ("Valley Growers", "US", [("VG201", "Valley Growers — North field", WorksiteKind.FARM, "Florida"),
                              ("VG202", "Valley Growers — Packing house", WorksiteKind.FARM, "Florida")]),
    ("Green Pastures Dairy", "US", [("MD301", "Green Pastures Dairy", WorksiteKind.DAIRY, "Vermont")]),
    ("Dhaka Knit Ltd", "BD", [("DK401", "Dhaka Knit — Gazipur unit 1", WorksiteKind.FACTORY, "Gazipur"),
                              ("DK402", "Dhaka Knit — Gazipur unit 2", WorksiteKind.FACTORY, "Gazipur")]),
    ("Chittagong Garments", "BD", [("CG501", "Chittagong Garments", WorksiteKind.FACTORY, "Chattogram")]),
]  # fmt: skip

# Buyer A sources produce; buyer B sources garments and dairy. Valley Growers sells to both.
BUYERS = {
    "Harvest Table Grocers": ["Sunrise Farms", "Valley Growers"],
    "Northwind Apparel": ["Dhaka Knit Ltd", "Chittagong Garments", "Valley Growers", "Green Pastures Dairy"],
}

# The demo staff's shared authenticator secret (base32); never use it outside the demo.
DEMO_TOTP_SECRET = "DEMOWSRDEMOWSRDEMOWSRDEMOWSRDEMO"  # noqa: S105 (published demo key)
DEMO_TOTP_KEY_HEX = base64.b32decode(DEMO_TOTP_SECRET).hex()

MONITOR = "Fair Food Standards Council (demo)"
WORKER_ORG = "Coalition of Immokalee Workers (demo)"

# (username, first name, organization, role, superuser?, what the login shows)
USERS = [
    ("demo-admin", "Ada", MONITOR, Role.ADMIN, True, "administrator: everything, including /admin/"),
    ("demo-lead", "Lucía", MONITOR, Role.MONITOR_LEAD, False, "monitor lead: queue, escalations, closures"),
    ("demo-investigator", "Ines", MONITOR, Role.INVESTIGATOR, False, "investigator: triage queue and cases"),
    ("demo-auditor", "Arun", MONITOR, Role.AUDITOR, False, "auditor: audits, findings, CAPs"),
    ("demo-buyer-a", "Bea", "Harvest Table Grocers", Role.BUYER_USER, False, "buyer A: Harvest Table Grocers"),
    ("demo-buyer-b", "Bo", "Northwind Apparel", Role.BUYER_USER, False, "buyer B: Northwind Apparel"),
    ("demo-supplier-a", "Sam", "Sunrise Farms", Role.SUPPLIER_USER, False, "supplier A: Sunrise Farms"),
]


def _organization(name: str, kind: str, country: str = "") -> Organization:
    existing = Organization.objects.filter(name=name).first()
    return existing or services.organization_create(name=name, kind=kind, country=country)


def seed(context: dict[str, Any]) -> None:
    organizations = {
        MONITOR: _organization(MONITOR, OrganizationKind.MONITOR, "US"),
        WORKER_ORG: _organization(WORKER_ORG, OrganizationKind.WORKER_ORGANIZATION, "US"),
    }
    suppliers: dict[str, Supplier] = {}
    worksites: dict[str, Worksite] = {}
    for name, country, sites in SUPPLIERS:
        organizations[name] = _organization(name, OrganizationKind.SUPPLIER, country)
        suppliers[name] = organizations[name].supplier
        for code, site_name, kind, region in sites:
            worksites[code] = Worksite.objects.filter(code=code).first() or services.worksite_create(
                supplier=suppliers[name], name=site_name, code=code, kind=kind, country=country, region=region
            )
    for buyer_name, supplier_names in BUYERS.items():
        organizations[buyer_name] = buyer = _organization(buyer_name, OrganizationKind.BUYER, "US")
        for supplier_name in supplier_names:
            if not SupplyRelationship.objects.filter(buyer=buyer, supplier=suppliers[supplier_name]).exists():
                services.supply_relationship_start(
                    buyer=buyer, supplier=suppliers[supplier_name], started_on=date(2024, 1, 1)
                )
    users: dict[str, User] = {}
    for username, first_name, org_name, role, superuser, description in USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first_name, "email": f"{username}@example.org", "is_staff": superuser,
                      "is_superuser": superuser},
        )  # fmt: skip
        if created or not user.check_password(settings.DEMO_PASSWORD):
            user.set_password(settings.DEMO_PASSWORD)
            user.save(update_fields=["password"])
        services.membership_create(user=user, organization=organizations[org_name], role=role)
        if role in PROGRAM_ROLES:
            # Demo staff share one published authenticator key so anyone can try the second factor.
            TOTPDevice.objects.get_or_create(
                user=user, name="Demo authenticator", defaults={"key": DEMO_TOTP_KEY_HEX, "confirmed": True}
            )
        users[username] = user
        context.setdefault("logins", []).append((username, description))
    context["notes"] = [
        f"Staff second factor: add the key {DEMO_TOTP_SECRET} to an authenticator app, "
        "or print the current code with `python manage.py demo_otp`."
    ]
    context.update(organizations=organizations, suppliers=suppliers, worksites=worksites, users=users)

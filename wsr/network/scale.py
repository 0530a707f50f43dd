"""The registry part of ``seed_scale``: suppliers, worksites, buyers and supply relationships."""

from __future__ import annotations

import random
import time
from argparse import ArgumentParser
from collections.abc import Iterator
from datetime import date
from typing import Any

from django.db import connection

from wsr.network import permissions
from wsr.network.choices import OrganizationKind, WorksiteKind
from wsr.network.models import WORKSITE_CODE_LETTERS, Organization, Supplier, SupplyRelationship, Worksite

BATCH = 5000


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("--suppliers", type=int, default=2000)
    parser.add_argument("--worksites", type=int, default=20000)
    parser.add_argument("--buyers", type=int, default=40)


def _free_codes(rng: random.Random, count: int) -> list[str]:
    taken = set(Worksite.objects.values_list("code", flat=True))
    space = [f"{a}{b}{n:03d}" for a in WORKSITE_CODE_LETTERS for b in WORKSITE_CODE_LETTERS for n in range(1000)]
    free = [code for code in space if code not in taken]
    if count > len(free):
        raise ValueError(f"only {len(free)} worksite codes are free")
    return rng.sample(free, count)


def seed(options: dict[str, Any], context: dict[str, Any]) -> Iterator[tuple[str, int, float]]:
    rng = random.Random(options["seed"])
    run = f"{time.time_ns():x}"[-8:]  # keeps names unique when seed_scale runs again

    started = time.monotonic()
    supplier_orgs = Organization.objects.bulk_create(
        [Organization(name=f"Scale supplier {run}-{i}", kind=OrganizationKind.SUPPLIER,
                      country=rng.choice(["US", "BD", "MX"])) for i in range(options["suppliers"])],
        batch_size=BATCH,
    )  # fmt: skip
    suppliers = Supplier.objects.bulk_create([Supplier(organization=o) for o in supplier_orgs], batch_size=BATCH)
    yield "suppliers", len(suppliers) * 2, time.monotonic() - started

    started = time.monotonic()
    codes = _free_codes(rng, options["worksites"])
    kinds = list(WorksiteKind.values)
    worksites = Worksite.objects.bulk_create(
        [Worksite(supplier=suppliers[i % len(suppliers)], code=code, name=f"Site {code}", kind=rng.choice(kinds),
                  country="US") for i, code in enumerate(codes)],
        batch_size=BATCH,
    )  # fmt: skip
    yield "worksites", len(worksites), time.monotonic() - started

    started = time.monotonic()
    buyers = Organization.objects.bulk_create(
        [Organization(name=f"Scale buyer {run}-{i}", kind=OrganizationKind.BUYER) for i in range(options["buyers"])]
    )
    relationships = SupplyRelationship.objects.bulk_create(
        [SupplyRelationship(buyer=buyer, supplier=supplier, started_on=date(2024, 1, 1))
         for buyer in buyers for supplier in rng.sample(suppliers, min(len(suppliers), 50))],
        batch_size=BATCH,
    )  # fmt: skip
    yield "supply relationships", len(relationships), time.monotonic() - started

    started = time.monotonic()
    # bulk_create sends no signals: grant the object permissions in bulk.
    organizations = {o.pk: o for o in [*supplier_orgs, *buyers]}
    grants = [(organizations[s.organization_id], s) for s in suppliers]
    grants += [(organizations[r.buyer_id], r.supplier) for r in relationships]
    granted = permissions.supplier_permissions_bulk_grant(grants)
    yield "object permissions", granted, time.monotonic() - started

    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    yield "analyze", 0, time.monotonic() - started
    context.update(scale_suppliers=suppliers, scale_worksites=worksites, scale_buyers=buyers)

"""The complaints part of the demo program (see wsr.contributions): cases in every state, made through the
same services the monitor uses, so their timelines are real. Idempotent: each demo case has a fixed
idempotency key and is skipped once it exists.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from complaints import workflow
from complaints.choices import Channel, Scope, Status
from complaints.models import Complaint
from complaints.services import complainant_for_phone, complaint_create, message_record_inbound
from wsr.network.models import Standard

NAMESPACE = uuid.UUID("6f1b7a52-2d0e-4c57-9d1e-0d3f5c1a9b40")

# key, worksite, language, hours since received, final status, standard, description, phone, name
CASES: list[tuple[str, str, str, float, str, str, str, str, str]] = [
    ("new-wages", "RF101", "es", 2, Status.NEW, "",
     "El mayordomo no nos paga las horas de espera en el campo.", "+15555550101", ""),
    ("zt-deadline-soon", "RF101", "es", 23 + 1 / 3, Status.TRIAGED, "ZT-3",
     "A crew leader touched a worker in the packing line and threatened her.", "+15555550102", "Rosa"),
    ("zt-overdue", "DK401", "bn", 30, Status.TRIAGED, "ZT-1",
     "আমাদের পাসপোর্ট রেখে দিয়েছে, ছুটি নিতে দেয় না। Passports kept by the agent.", "+15555550103", ""),
    ("serious-overdue", "VG201", "ht", 27, Status.NEW, "",
     "Pa gen dlo ni lonbraj nan jaden an depi twa jou.", "+15555550104", ""),
    ("investigating-shade", "VG201", "es", 24 * 4, Status.INVESTIGATING, "S-1",
     "No hay sombra ni agua en el campo norte.", "+15555550105", "Juan"),
    ("resolved-bucket", "RF102", "en", 24 * 20, Status.RESOLVED, "W-3",
     "They make us overfill the buckets and pay the same.", "+15555550106", ""),
    ("not-substantiated-hours", "MD301", "es", 24 * 25, Status.NOT_SUBSTANTIATED, "H-1",
     "The time clock was off last week.", "", ""),
    ("referred-housing", "CG501", "bn", 24 * 8, Status.REFERRED, "O-1",
     "Landlord outside the factory raised the rent.", "+15555550108", ""),
    ("closed-fire-exit", "DK402", "bn", 24 * 60, Status.CLOSED, "S-3",
     "Fire exit on floor 3 locked during the night shift.", "+15555550109", ""),
    ("zt-retaliation", "VG202", "es", 24 * 2, Status.INVESTIGATING, "ZT-5",
     "After I complained about the shade they cut my hours.", "+15555550105", "Juan"),
]  # fmt: skip


def _key(name: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, name)


def seed(context: dict[str, Any]) -> None:
    worksites = context["worksites"]
    lead = context["users"]["demo-lead"]
    investigator = context["users"]["demo-investigator"]
    standards = {s.code: s for s in Standard.objects.all()}
    now = timezone.now()
    made: dict[str, Complaint] = {}
    for key, code, language, hours, status, standard_code, description, phone, name in CASES:
        existing = Complaint.objects.filter(idempotency_key=_key(key)).first()
        if existing:
            made[key] = existing
            continue
        complainant = complainant_for_phone(phone=phone, language=language) if phone else None
        if complainant is not None and name and not complainant.name:
            complainant.name = name
            complainant.save(update_fields=["name"])
        complaint = complaint_create(
            channel=Channel.SMS if phone else Channel.WEB, language=language, description=description,
            complainant=complainant, worksite=worksites[code], idempotency_key=_key(key),
            received_at=now - timedelta(hours=hours),
        )  # fmt: skip
        if phone:
            message_record_inbound(complaint=complaint, complainant=complainant, body=description, language=language)
        made[key] = complaint
        if status != Status.NEW:
            _advance(complaint, status, standards[standard_code], lead=lead, investigator=investigator, key=key)
    workflow_links(made, lead)


def _advance(complaint: Complaint, status: str, standard: Standard, *, lead: Any, investigator: Any, key: str) -> None:
    not_covered = status == Status.REFERRED
    workflow.complaint_triage(
        complaint=complaint, actor=lead, standard=standard,
        scope=Scope.NOT_COVERED if not_covered else Scope.IN_SCOPE,
        referral_info="Contact the local housing office: Dhaka tenants' help line." if not_covered else "",
        assignee=investigator if key != "zt-overdue" else None,
    )  # fmt: skip
    if status == Status.TRIAGED:
        return
    if not_covered:
        workflow.complaint_refer(complaint=complaint, actor=lead)
        return
    workflow.complaint_start_investigation(complaint=complaint, actor=investigator)
    workflow.note_add(complaint=complaint, author=investigator, body="Site visit planned; interview the crew.")
    if status == Status.INVESTIGATING:
        if standard.is_zero_tolerance:
            workflow.finding_record(
                complaint=complaint, actor=investigator, standard=standard, substantiated=True,
                notes="Three workers confirm the hours were cut the day after the first complaint.",
            )  # fmt: skip
        return
    substantiated = status in (Status.RESOLVED, Status.CLOSED)
    finding = workflow.finding_record(
        complaint=complaint, actor=investigator, standard=standard, substantiated=substantiated
    )
    if not substantiated:
        workflow.complaint_mark_not_substantiated(complaint=complaint, actor=investigator, reason="Clock records fine")
        return
    if standard.code == "W-3":
        remedy = workflow.remedy_record(
            complaint=complaint, actor=investigator, kind="back_pay", amount=Decimal("350.00"), currency="USD",
            due_on=date.today() + timedelta(days=14), finding=finding,
        )  # fmt: skip
        workflow.remedy_verify(remedy=remedy, actor=lead)
    else:
        workflow.remedy_record(complaint=complaint, actor=investigator, kind="training", finding=finding,
                               description="Fire safety training for all supervisors")  # fmt: skip
    if standard.code == "W-3":
        # What the supplier's users see on /supplier/summaries/ (no worker, no reference).
        workflow.complaint_summary_share(
            complaint=complaint, actor=lead,
            summary=workflow.complaint_summary_draft(complaint=complaint)
            + "\nPlease confirm the back pay has reached every worker on the crew.",
        )  # fmt: skip
    workflow.complaint_resolve(complaint=complaint, actor=investigator, reason="Remedy agreed with the supplier")
    if status == Status.CLOSED:
        workflow.complaint_close(complaint=complaint, actor=lead, reason="Remedy verified on site")


def workflow_links(made: dict[str, Complaint], lead: Any) -> None:
    """Retaliation after an earlier complaint: the two cases are linked (idempotent)."""
    workflow.complaint_link(
        complaint=made["zt-retaliation"], other=made["investigating-shade"], actor=lead,
        reason="Retaliation for the shade complaint",
    )  # fmt: skip

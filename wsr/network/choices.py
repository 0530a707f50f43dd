"""Enumerations of the program registry."""

from datetime import timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganizationKind(models.TextChoices):
    WORKER_ORGANIZATION = "worker_organization", _("Worker organization")
    MONITOR = "monitor", _("Monitor")
    BUYER = "buyer", _("Buyer")
    SUPPLIER = "supplier", _("Supplier")


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    MONITOR_LEAD = "monitor_lead", _("Monitor lead")
    INVESTIGATOR = "investigator", _("Investigator")
    AUDITOR = "auditor", _("Auditor")
    BUYER_USER = "buyer_user", _("Buyer user")
    SUPPLIER_USER = "supplier_user", _("Supplier user")


class Severity(models.TextChoices):
    ZERO_TOLERANCE = "zero_tolerance", _("Zero tolerance")
    SERIOUS = "serious", _("Serious")
    MINOR = "minor", _("Minor")


# SPEC 4.3: acknowledge, start investigation, resolve — the defaults a new Standard starts with.
DEFAULT_DEADLINES: dict[str, tuple[timedelta, timedelta, timedelta]] = {
    Severity.ZERO_TOLERANCE: (timedelta(hours=4), timedelta(hours=24), timedelta(days=14)),
    Severity.SERIOUS: (timedelta(hours=24), timedelta(days=3), timedelta(days=30)),
    Severity.MINOR: (timedelta(hours=72), timedelta(days=7), timedelta(days=60)),
}

# Higher rank = more urgent; used to order queues in SQL.
SEVERITY_RANK = {Severity.ZERO_TOLERANCE: 3, Severity.SERIOUS: 2, Severity.MINOR: 1}


class StandardCategory(models.TextChoices):
    FORCED_LABOR = "forced_labor", _("Forced labor")
    CHILD_LABOR = "child_labor", _("Child labor")
    SEXUAL_ASSAULT = "sexual_assault", _("Sexual assault")
    VIOLENCE = "violence", _("Violence")
    RETALIATION = "retaliation", _("Retaliation")
    IMMINENT_DANGER = "imminent_danger", _("Imminent danger")
    WAGES = "wages", _("Wages and premium")
    HOURS = "hours", _("Hours")
    HEALTH_SAFETY = "health_safety", _("Health and safety")
    HARASSMENT = "harassment", _("Harassment and discrimination")
    EDUCATION = "education", _("Education and participation")
    RECRUITMENT = "recruitment", _("Recruitment and housing")
    OTHER = "other", _("Other")


class Standing(models.TextChoices):
    GOOD_STANDING = "good_standing", _("Good standing")
    PROBATION = "probation", _("Probation")
    SUSPENDED = "suspended", _("Suspended")
    TERMINATED = "terminated", _("Terminated")


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("Pending the lead's decision")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


class WorksiteKind(models.TextChoices):
    FARM = "farm", _("Farm")
    FACTORY = "factory", _("Factory")
    DAIRY = "dairy", _("Dairy")
    OTHER = "other", _("Other")

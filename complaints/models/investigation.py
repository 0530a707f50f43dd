"""What an investigation establishes: findings, remedies, supplier summaries."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from complaints.choices import RemedyKind
from complaints.models.case import Complaint
from wsr.network.models import Standard, Supplier


class CaseFinding(models.Model):
    """What an investigation concluded about one standard in a complaint: substantiated or not.

    Not the glossary's "finding", which is an audit's (``audits.AuditFinding``); a substantiated
    case finding may open a corrective action all the same.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="findings")
    standard = models.ForeignKey(Standard, on_delete=models.PROTECT, related_name="complaint_findings")
    substantiated = models.BooleanField()
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["complaint", "created_at"], name="complaints_finding_case_idx")]

    def __str__(self) -> str:
        verdict = "substantiated" if self.substantiated else "not substantiated"
        return f"{self.standard_id} {verdict}"


class Remedy(models.Model):
    """A remedy the supplier owes the worker(s): back pay, reinstatement, discipline, training..."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="remedies")
    finding = models.ForeignKey(CaseFinding, null=True, blank=True, on_delete=models.SET_NULL, related_name="remedies")
    kind = models.CharField(max_length=16, choices=RemedyKind.choices)
    description = models.TextField(blank=True)
    amount = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    currency = models.CharField(max_length=3, blank=True, help_text="ISO 4217 code, e.g. USD, BDT.")
    due_on = models.DateField(null=True, blank=True)
    verified = models.BooleanField(default=False)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "remedies"
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=RemedyKind.values), name="complaints_remedy_kind_valid"),
            models.CheckConstraint(
                condition=~Q(kind=RemedyKind.BACK_PAY) | (Q(amount__isnull=False) & ~Q(currency="")),
                name="complaints_remedy_back_pay_has_amount",
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="complaints_remedy_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(verified=False) | Q(verified_at__isnull=False), name="complaints_remedy_verified_at"
            ),
        ]
        indexes = [models.Index(fields=["complaint", "created_at"], name="complaints_remedy_case_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.uuid}"


class SupplierShare(models.Model):
    """A redacted summary of a case shared with the supplier: never the worker's identity or words."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="supplier_shares")
    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="complaint_shares")
    summary = models.TextField()
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    shared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-shared_at", "-id"]
        indexes = [models.Index(fields=["supplier", "-shared_at"], name="complaints_share_supplier_idx")]

    def __str__(self) -> str:
        return f"Summary {self.uuid}"

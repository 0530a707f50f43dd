"""Forms of the monitor's pages. They only parse input: every rule lives in ``complaints.workflow``.

Fields are named like the workflow services' keyword arguments, so a service's
``ValidationError({"field": ...})`` lands beside the field it is about.
"""

from __future__ import annotations

from typing import Any

from django import forms

from complaints.choices import Channel, Language, RemedyKind, Scope, Status
from complaints.models.case import REFERENCE_LENGTH
from complaints.reply_templates import reply_template_choices, reply_template_text
from complaints.services import normalize_reference
from wsr.network.choices import Severity
from wsr.network.models import Standard, User, Worksite
from wsr.network.roles import CASE_ROLES, is_lead


class BootstrapForm(forms.Form):
    """Adds Bootstrap's classes to every widget."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select form-select-sm"
            else:
                css = "form-control form-control-sm"
            widget.attrs.setdefault("class", css)

    def non_field_and_field_errors(self) -> list[str]:
        """Every error as one flat list, for the message beside a small form."""
        return [str(error) for errors in self.errors.values() for error in errors]


# --- Queue ----------------------------------------------------------------------------------------

STATUS_FILTER_CHOICES = [("open", "Open"), *Status.choices, ("all", "All statuses")]


class QueueFilterForm(BootstrapForm):
    """The queue's filters as a GET form; parsing and validation are ``QueueFilters.from_params``'s."""

    q = forms.CharField(
        label="Search", required=False, widget=forms.SearchInput(attrs={"placeholder": "Reference or words"})
    )
    status = forms.ChoiceField(label="Status", required=False, choices=STATUS_FILTER_CHOICES)
    severity = forms.ChoiceField(label="Severity", required=False, choices=[("", "Any"), *Severity.choices])
    standard = forms.ChoiceField(label="Standard", required=False)
    worksite = forms.CharField(
        label="Worksite code", required=False, max_length=5, widget=forms.TextInput(attrs={"placeholder": "e.g. RF101"})
    )
    language = forms.ChoiceField(label="Language", required=False, choices=[("", "Any"), *Language.choices])
    channel = forms.ChoiceField(label="Channel", required=False, choices=[("", "Any"), *Channel.choices])
    assignee = forms.ChoiceField(
        label="Assignee", required=False, choices=[("", "Anyone"), ("mine", "Mine"), ("unassigned", "Unassigned")]
    )
    overdue = forms.BooleanField(label="Overdue only", required=False)
    supplier = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, standards: list[Standard], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["standard"].choices = [("", "Any")] + [  # type: ignore[attr-defined]
            (s.code, f"{s.code} · {s.title}") for s in standards
        ]


# --- Case page ------------------------------------------------------------------------------------


class ReplyForm(BootstrapForm):
    """An SMS to the worker: a reviewed template in her language, or free text."""

    template = forms.ChoiceField(label="Start from a reviewed template", required=False)
    body = forms.CharField(
        label="Message to the worker", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.language = language
        self.fields["template"].choices = [  # type: ignore[attr-defined]
            ("", "— none, I write my own —"),
            *reply_template_choices(),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # Without JavaScript the template cannot fill the box: an empty box sends the chosen template.
        if not (data.get("body") or "").strip() and data.get("template"):
            data["body"] = reply_template_text(key=data["template"], language=self.language)
        return data


class NoteForm(BootstrapForm):
    body = forms.CharField(
        label="Internal note (never sent to the worker)", max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


def case_workers(actor: Any) -> list[User]:
    """Who ``actor`` may assign: anyone working cases for a lead, only herself for an investigator."""
    workers = User.objects.filter(is_active=True, memberships__is_active=True, memberships__role__in=CASE_ROLES)
    if not is_lead(actor):
        workers = workers.filter(pk=actor.pk)
    return list(workers.distinct().order_by("username"))


class StandardChoiceMixin:
    """A ``standard`` select built from the standards the page already loaded (no query to render)."""

    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]

    def _set_standards(self, standards: list[Standard], *, with_severity: bool = False) -> None:
        self.standards = {s.code: s for s in standards}
        labels = {
            s.code: f"{s.code} · {s.title}" + (f" ({s.get_severity_display()})" if with_severity else "")
            for s in standards
        }
        self.fields["standard"].choices = [("", "Choose a standard"), *labels.items()]  # type: ignore[attr-defined]

    def clean_standard(self) -> Standard:
        return self.standards[self.cleaned_data["standard"]]


class AssigneeChoiceMixin:
    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]

    def _set_workers(self, workers: list[User], empty: str) -> None:
        self.workers = {u.username: u for u in workers}
        self.fields["assignee"].choices = [("", empty)] + [(u.username, u.display_name) for u in workers]  # type: ignore[attr-defined]

    def clean_assignee(self) -> User | None:
        return self.workers.get(self.cleaned_data.get("assignee") or "")


class TriageForm(StandardChoiceMixin, AssigneeChoiceMixin, BootstrapForm):
    standard = forms.ChoiceField(label="Standard")
    worksite = forms.CharField(
        label="Worksite code", required=False, max_length=5, help_text="Needed if the case has no worksite yet."
    )
    scope = forms.ChoiceField(label="Scope", choices=Scope.choices, initial=Scope.IN_SCOPE)
    referral_info = forms.CharField(
        label="Referral information for the worker",
        required=False,
        max_length=1000,
        help_text=(
            "Required when the program does not cover the case (e.g. the labor inspectorate's number). "
            "The worker reads it on /track/ and by SMS: write it in her language."
        ),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    assignee = forms.ChoiceField(label="Assignee", required=False)

    def __init__(self, *args: Any, standards: list[Standard], workers: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set_standards(standards, with_severity=True)
        self._set_workers(workers, "Nobody yet")

    def clean_worksite(self) -> Worksite | None:
        code = normalize_reference(self.cleaned_data.get("worksite") or "")
        if not code:
            return None
        worksite = Worksite.objects.filter(code=code).first()
        if worksite is None:
            raise forms.ValidationError("No worksite has this code.")
        return worksite


class AssignForm(AssigneeChoiceMixin, BootstrapForm):
    assignee = forms.ChoiceField(label="Assignee", required=False)

    def __init__(self, *args: Any, workers: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set_workers(workers, "Nobody (back to the queue)")


class ReasonForm(BootstrapForm):
    reason = forms.CharField(label="Reason (optional)", required=False, max_length=2000)


class RequiredReasonForm(BootstrapForm):
    reason = forms.CharField(label="Reason (required)", max_length=2000)


class ReferForm(BootstrapForm):
    referral_info = forms.CharField(
        label="Where the worker can get help",
        required=False,
        max_length=1000,
        help_text=(
            "Texted to the worker and shown on /track/: write it in her language. "
            "Leave empty to use the one given at triage."
        ),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    reason = forms.CharField(label="Reason (optional)", required=False, max_length=2000)


SUBSTANTIATED_CHOICES = [("yes", "Substantiated"), ("no", "Not substantiated")]


class FindingForm(StandardChoiceMixin, BootstrapForm):
    standard = forms.ChoiceField(label="Standard")
    substantiated = forms.TypedChoiceField(
        label="Verdict", choices=SUBSTANTIATED_CHOICES, coerce=lambda value: value == "yes"
    )
    notes = forms.CharField(label="Notes", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, standards: list[Standard], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set_standards(standards)


class RemedyForm(BootstrapForm):
    kind = forms.ChoiceField(label="Remedy", choices=RemedyKind.choices)
    amount = forms.DecimalField(label="Amount", required=False, min_value=0, max_digits=12, decimal_places=2)
    currency = forms.CharField(
        label="Currency", required=False, max_length=3, widget=forms.TextInput(attrs={"placeholder": "USD"})
    )
    due_on = forms.DateField(label="Due on", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    description = forms.CharField(
        label="Details", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    finding = forms.ChoiceField(label="For finding", required=False)

    def __init__(self, *args: Any, findings: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.findings = {str(f.uuid): f for f in findings}
        self.fields["finding"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (key, f"{f.standard.code} ({'substantiated' if f.substantiated else 'not substantiated'})")
            for key, f in self.findings.items()
        ]

    def clean_finding(self) -> Any:
        return self.findings.get(self.cleaned_data.get("finding") or "")


class RemedyVerifyForm(BootstrapForm):
    remedy = forms.UUIDField(widget=forms.HiddenInput)


class LinkForm(BootstrapForm):
    other = forms.CharField(
        label="Other case's reference",
        max_length=REFERENCE_LENGTH + 4,
        widget=forms.TextInput(attrs={"placeholder": "e.g. 4KXR7MNP"}),
    )
    reason = forms.CharField(label="Why", required=False, max_length=2000)


class ShareForm(BootstrapForm):
    summary = forms.CharField(
        label="Redacted summary for the supplier",
        max_length=5000,
        help_text="Never the worker's name, phone number, words or the case reference.",
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class RevealForm(BootstrapForm):
    reason = forms.CharField(
        label="Why do you need the worker's identity?",
        max_length=2000,
        help_text="Logged with your name; the monitor lead reviews every reveal.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

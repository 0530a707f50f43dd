"""Forms of the registry's pages."""

from __future__ import annotations

from django import forms


class ProposalRejectForm(forms.Form):
    reason = forms.CharField(
        min_length=5,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        help_text="Why the standing stays as it is (kept with the proposal).",
    )

"""A supplier summary that would let the supplier find the worker is refused, however it is written:
the case reference spaced, dashed or in another case, and long verbatim runs of the worker's own words
(her description and her messages), which a supplier could recognise."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from complaints import workflow
from complaints.choices import Channel, MessageKind, Status
from complaints.models import Message, SupplierShare
from complaints.redaction import identity_leak

DESCRIPTION = (
    "On Tuesday the crew boss at the north field made me stay late and then he kept the overtime pay "
    "for the whole packing line."
)


@pytest.fixture
def case(make_case, worker):
    return make_case(status=Status.INVESTIGATING, complainant=worker, description=DESCRIPTION)


def share(world, case, summary: str) -> SupplierShare:
    return workflow.complaint_summary_share(complaint=case, actor=world.lead, summary=summary)


def spaced(reference: str) -> str:
    return " ".join(reference)


def dashed(reference: str) -> str:
    return f"{reference[:4]}-{reference[4:]}"


@pytest.mark.parametrize(
    "write",
    [
        dashed,
        spaced,
        str.lower,
        lambda r: f"case #{r[:4]}.{r[4:]}",
        lambda r: r.translate({ord(c): ord(c) + 0xFEE0 for c in r}),
    ],
    ids=["dashed", "spaced", "lower-case", "dotted", "full-width"],
)
def test_the_reference_in_any_spelling_is_refused(world, case, write):
    with pytest.raises(ValidationError):
        share(world, case, f"Workers at the north field report unpaid overtime (ref {write(case.reference)}).")
    assert not SupplierShare.objects.exists()


def test_a_long_quote_from_the_description_is_refused(world, case):
    with pytest.raises(ValidationError):
        share(world, case, "A worker wrote: he kept the overtime pay for the whole packing line. Pay it back.")


def test_a_long_quote_from_a_message_of_the_worker_is_refused(world, case, worker):
    Message.objects.create(
        complaint=case, complainant=worker, kind=MessageKind.INBOUND, channel=Channel.SMS,
        body="Yesterday the same boss shouted at my sister near the blue water tank.",
    )  # fmt: skip
    with pytest.raises(ValidationError):
        share(world, case, "Reports say the same boss shouted at my sister near the blue water tank.")


def test_accents_case_and_punctuation_do_not_hide_a_quote(world, case):
    with pytest.raises(ValidationError):
        share(world, case, "HE KEPT THE OVERTIME PAY, FOR THE WHOLE PACKING-LINE")


def test_a_summary_in_the_monitors_own_words_is_shared(world, case):
    summary = "Workers at the north field were not paid overtime in March. Pay the difference by June."
    assert share(world, case, summary).summary == summary


def test_short_common_phrases_shared_with_the_worker_are_allowed(world, case):
    # "the overtime pay for" is four words: ordinary language, not a recognisable quote.
    summary = "The supplier must settle the overtime pay for March by June."
    assert share(world, case, summary).summary == summary


def test_the_reason_names_what_leaked(world, case):
    assert identity_leak(complaint=case, text=spaced(case.reference)) == "the case reference"
    assert "own words" in (identity_leak(complaint=case, text=DESCRIPTION) or "")
    assert identity_leak(complaint=case, text="Call 555 0123 about it.") == "the worker's phone number"
    assert identity_leak(complaint=case, text="Ms HERNÁNDEZ was not paid.") == "the worker's name"
    assert identity_leak(complaint=case, text="Overtime was not paid at the north field.") is None

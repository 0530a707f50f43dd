"""A case reference is texted, not secret: whoever knows one must not lock the worker out of /track/.

Wrong codes are counted per client and reference, with a short back-off (5 per 10 minutes); every
lookup is counted per client (20 an hour). A stranger's guesses stop the stranger, never the worker,
whose right code keeps opening her case. Guessing stays hopeless: receipt codes are 10 characters
of 23 (about 4 x 10^13 codes).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from tests.complaints.web.conftest import file_complaint

WRONG = "AAAAAAAAAA"


@pytest.fixture
def filed(world):
    return file_complaint(Client())


def look_up(client: Client, reference: str, code: str) -> int:
    return client.post("/track/", {"reference": reference, "receipt_code": code}).status_code


def test_ten_wrong_codes_from_a_stranger_do_not_lock_the_worker_out(filed):
    complaint, code = filed
    stranger = Client(REMOTE_ADDR="203.0.113.5")
    statuses = [look_up(stranger, complaint.reference, WRONG) for _ in range(10)]
    assert look_up(Client(REMOTE_ADDR="198.51.100.20"), complaint.reference, code) == 302
    assert statuses[:5] == [400] * 5 and set(statuses[5:]) == {429}  # the stranger is the one stopped


def test_strangers_from_many_addresses_do_not_lock_the_worker_out_either(filed):
    complaint, code = filed
    for n in range(12):
        stranger = Client(REMOTE_ADDR=f"203.0.113.{n}")
        assert [look_up(stranger, complaint.reference, WRONG) for _ in range(3)] == [400] * 3
    assert look_up(Client(REMOTE_ADDR="198.51.100.20"), complaint.reference, code) == 302


def test_one_client_guessing_one_case_is_backed_off_then_may_try_again(filed):
    complaint, code = filed
    guesser = Client(REMOTE_ADDR="203.0.113.7")
    assert [look_up(guesser, complaint.reference, WRONG) for _ in range(5)] == [400] * 5
    # Backed off: not even a right code is checked now, so guessing cannot go faster.
    assert look_up(guesser, complaint.reference, code) == 429
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        assert look_up(guesser, complaint.reference, code) == 302


def test_the_worker_who_mistyped_her_code_still_gets_in_with_the_right_one(filed):
    complaint, code = filed
    phone = Client(REMOTE_ADDR="198.51.100.30")
    assert [look_up(phone, complaint.reference, WRONG) for _ in range(3)] == [400] * 3
    assert look_up(phone, complaint.reference, code) == 302

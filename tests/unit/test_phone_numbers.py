"""One customer, however the clerk types the number."""

from __future__ import annotations

import pytest

from bms_desktop.services.sale_common import normalise_phone


@pytest.mark.parametrize(
    "typed",
    ["9845012345", "98450 12345", "98450-12345", "+91 98450 12345", "919845012345", "098450 12345"],
)
def test_the_same_indian_mobile_number_is_one_customer(typed):
    assert normalise_phone(typed) == "9845012345"


@pytest.mark.parametrize(
    ("typed", "stored"), [("", None), (None, None), ("+44 20 7946 0958", "+442079460958")]
)
def test_other_numbers_keep_their_digits(typed, stored):
    assert normalise_phone(typed) == stored

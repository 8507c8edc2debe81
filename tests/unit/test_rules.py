"""Show slots, sales and cancellation windows, refunds, seat-id checks, holds, change, codes."""

from __future__ import annotations

import datetime as dt
import random
import re
from decimal import Decimal

import pytest

from bms_desktop.domain.errors import InvalidState, SalesClosed, ValidationError
from bms_desktop.domain.rules import (
    TICKET_CODE_ALPHABET,
    cancellation_deadline,
    check_show_slot,
    compute_change,
    compute_refund,
    describe_offset,
    ensure_cancellable,
    ensure_sales_open,
    generate_ticket_code,
    hold_is_live,
    normalise_ticket_code,
    sales_open,
    validate_seat_ids,
)

UTC = dt.UTC
NOW = dt.datetime(2024, 6, 1, 9, 0, tzinfo=UTC)
MIN = dt.timedelta(minutes=1)


def at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2024, 6, 1, hour, minute, tzinfo=UTC)


# Show #7 runs 12:00-14:00 on the screen; cleaning takes 15 minutes.
EXISTING = [(7, at(12), at(14))]


def slot(start: dt.datetime, runtime: int = 120, gap: int = 15, existing: object = None) -> object:
    return check_show_slot(
        start=start,
        runtime_min=runtime,
        cleaning_gap_min=gap,
        existing=EXISTING if existing is None else existing,  # type: ignore[arg-type]
        now=NOW,
    )


# -------------------------------------------------------------------------------- show slots


def test_free_slot_returns_the_end_time() -> None:
    assert slot(at(15), runtime=150) == at(17, 30)


def test_show_in_the_past_is_refused() -> None:
    with pytest.raises(ValidationError, match="in the past"):
        slot(NOW - MIN, existing=[])


def test_show_starting_right_now_is_allowed() -> None:
    assert slot(NOW, existing=[]) == at(11)


@pytest.mark.parametrize("runtime", [0, -10])
def test_runtime_must_be_positive(runtime: int) -> None:
    with pytest.raises(ValidationError, match="runtime"):
        slot(at(15), runtime=runtime)


def test_negative_cleaning_gap_is_refused() -> None:
    with pytest.raises(ValidationError, match="cleaning gap"):
        slot(at(15), gap=-1)


def test_show_inside_the_previous_shows_cleaning_gap_is_refused_naming_it() -> None:
    with pytest.raises(ValidationError, match=r"show #7 \(2024-06-01 12:00-14:00 plus 15 min"):
        slot(at(14, 10))


def test_show_may_start_when_the_previous_cleaning_gap_ends() -> None:
    assert slot(at(14, 15)) == at(16, 15)


def test_new_show_needs_its_own_cleaning_gap_before_the_next_show() -> None:
    # 09:45 + 120 min = 11:45, + 15 min cleaning = 12:00: exactly fits before show #7.
    assert slot(at(9, 45)) == at(11, 45)
    with pytest.raises(ValidationError, match="#7"):
        slot(at(9, 46))


def test_show_overlapping_the_middle_of_another_is_refused() -> None:
    with pytest.raises(ValidationError, match="#7"):
        slot(at(11), runtime=300)


def test_without_a_cleaning_gap_back_to_back_shows_are_allowed() -> None:
    assert slot(at(14), gap=0) == at(16)
    with pytest.raises(ValidationError, match=r"overlaps show #7 \(2024-06-01 12:00-14:00\)"):
        slot(at(13, 59), gap=0)


def test_several_clashes_report_the_earliest_and_count_the_rest() -> None:
    existing = [(9, at(16), at(18)), (8, at(13), at(15))]
    with pytest.raises(ValidationError, match=r"show #8 .*\(and 1 more\)"):
        slot(at(12), runtime=300, existing=existing)


def test_naive_datetimes_are_a_programming_error() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        slot(dt.datetime(2024, 6, 1, 15, 0), existing=[])


# ------------------------------------------------------------------------------------- sales


def test_sales_are_open_before_the_start_and_closed_at_it_by_default() -> None:
    assert sales_open(show_start=at(18), now=at(17, 59), close_offset_min=0)
    assert not sales_open(show_start=at(18), now=at(18), close_offset_min=0)
    assert sales_open(show_start=at(18), now=at(17, 59))  # default offset is 0


def test_sales_may_close_before_the_start() -> None:
    assert sales_open(show_start=at(18), now=at(17, 44), close_offset_min=-15)
    assert not sales_open(show_start=at(18), now=at(17, 45), close_offset_min=-15)


def test_sales_may_stay_open_after_the_start() -> None:
    assert sales_open(show_start=at(18), now=at(18, 9), close_offset_min=10)
    assert not sales_open(show_start=at(18), now=at(18, 10), close_offset_min=10)


def test_ensure_sales_open_says_when_sales_closed() -> None:
    ensure_sales_open(show_start=at(18), now=at(17), close_offset_min=-15)
    with pytest.raises(SalesClosed, match=r"closed at 17:45 UTC \(15 min before the start"):
        ensure_sales_open(show_start=at(18), now=at(17, 50), close_offset_min=-15)


def test_sales_closed_and_too_late_messages_read_in_the_cinemas_time_zone() -> None:
    # A 13:00 show in a Kolkata cinema is 07:30 UTC: the clerk reads 13:00 IST, not 07:30.
    start = dt.datetime(2024, 6, 1, 7, 30, tzinfo=UTC)
    with pytest.raises(SalesClosed) as closed:
        ensure_sales_open(show_start=start, now=start, tz="Asia/Kolkata")
    assert str(closed.value) == (
        "Counter sales for this show closed at 13:00 IST (at the start of the show at 13:00 IST)."
    )
    with pytest.raises(InvalidState) as late:
        ensure_cancellable(
            show_start=start, now=start - dt.timedelta(minutes=30), cutoff_min=60, tz="Asia/Kolkata"
        )
    assert str(late.value) == (
        "Too late to cancel: cancellations closed at 12:00 IST (60 min before the show at "
        "13:00 IST)."
    )
    with pytest.raises(InvalidState, match=r"closed at Sat 1 Jun, 12:00 IST"):
        ensure_cancellable(
            show_start=start, now=start + dt.timedelta(days=1), cutoff_min=60, tz="Asia/Kolkata"
        )


def test_describe_offset_reads_naturally() -> None:
    assert describe_offset(0) == "at the start"
    assert describe_offset(-15) == "15 min before the start"
    assert describe_offset(10) == "10 min after the start"


# ------------------------------------------------------------------------------ cancellation


def test_cancellation_deadline_is_the_cutoff_before_the_show() -> None:
    assert cancellation_deadline(at(18), 60) == at(17)
    assert cancellation_deadline(at(18), 0) == at(18)


def test_negative_cancellation_cutoff_is_refused() -> None:
    with pytest.raises(ValidationError):
        cancellation_deadline(at(18), -5)


def test_cancelling_before_the_deadline_is_allowed() -> None:
    ensure_cancellable(show_start=at(18), now=at(16, 59), cutoff_min=60)


def test_cancelling_at_or_after_the_deadline_names_the_deadline() -> None:
    with pytest.raises(InvalidState, match=r"closed at 17:00 UTC \(60 min before"):
        ensure_cancellable(show_start=at(18), now=at(17), cutoff_min=60)
    with pytest.raises(InvalidState):
        ensure_cancellable(show_start=at(18), now=at(19), cutoff_min=60)


# ----------------------------------------------------------------------------- refund, change


def test_refund_is_the_total_less_the_fee() -> None:
    assert compute_refund(total=Decimal("500"), fee=Decimal("50")) == Decimal("450.00")
    assert compute_refund(total=Decimal("234.00"), fee=Decimal(0)) == Decimal("234.00")
    assert compute_refund(total=Decimal("234.00"), fee=Decimal("234.00")) == Decimal("0.00")


@pytest.mark.parametrize(
    ("total", "fee", "message"),
    [("100", "-1", "fee cannot be negative"), ("100", "100.01", "more than the total")],
)
def test_refund_fee_must_be_between_zero_and_the_total(total: str, fee: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        compute_refund(total=Decimal(total), fee=Decimal(fee))


def test_change_is_tendered_less_total() -> None:
    assert compute_change(total=Decimal("420"), tendered=Decimal("500")) == Decimal("80.00")
    assert compute_change(total=Decimal("420.50"), tendered=Decimal("420.50")) == Decimal("0.00")


def test_short_tender_is_refused_saying_by_how_much() -> None:
    with pytest.raises(ValidationError, match=r"Tendered 400\.00 is 20\.00 short of 420\.00"):
        compute_change(total=Decimal("420"), tendered=Decimal("400"))


# --------------------------------------------------------------------------------- seat ids


def test_seat_ids_come_back_sorted() -> None:
    assert validate_seat_ids([30, 10, 20]) == (10, 20, 30)


def test_ten_seat_ids_are_allowed_eleven_are_not() -> None:
    assert len(validate_seat_ids(list(range(1, 11)))) == 10
    with pytest.raises(ValidationError, match="At most 10"):
        validate_seat_ids(list(range(1, 12)))


def test_no_seat_ids_is_refused() -> None:
    with pytest.raises(ValidationError, match="at least one"):
        validate_seat_ids([])


def test_duplicate_seat_id_is_named() -> None:
    with pytest.raises(ValidationError, match=r"picked twice: 42\."):
        validate_seat_ids([7, 42, 9, 42])


# ------------------------------------------------------------------------------------- holds


def test_hold_is_live_until_its_expiry() -> None:
    expires = at(12, 5)
    assert hold_is_live(expires, at(12))
    assert hold_is_live(expires, expires - dt.timedelta(microseconds=1))
    assert not hold_is_live(expires, expires)
    assert not hold_is_live(expires, at(13))


def test_no_expiry_means_no_hold() -> None:
    assert not hold_is_live(None, NOW)


# ------------------------------------------------------------------------------ ticket codes

CODE_FORMAT = re.compile(r"BMS-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}")


def test_ticket_code_has_the_bms_format_and_no_ambiguous_characters() -> None:
    rng = random.Random(1)
    codes = [generate_ticket_code(rng) for _ in range(500)]
    assert all(CODE_FORMAT.fullmatch(c) for c in codes)
    body = "".join(c[4:].replace("-", "") for c in codes)
    assert not set(body) & set("0O1I")
    assert set(body) == set(TICKET_CODE_ALPHABET)  # 4,000 draws use the whole alphabet


def test_seeded_random_gives_repeatable_codes() -> None:
    assert generate_ticket_code(random.Random(5)) == generate_ticket_code(random.Random(5))


def test_default_codes_come_from_secrets_and_differ() -> None:
    codes = {generate_ticket_code() for _ in range(50)}
    assert len(codes) == 50
    assert all(CODE_FORMAT.fullmatch(c) for c in codes)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("BMS-7KQ4-XH2P", "BMS-7KQ4-XH2P"),
        ("bms-7kq4-xh2p", "BMS-7KQ4-XH2P"),
        ("  7KQ4 XH2P ", "BMS-7KQ4-XH2P"),
        ("7kq4xh2p", "BMS-7KQ4-XH2P"),
        ("BMS7KQ4XH2P", "BMS-7KQ4-XH2P"),
        ("BMS-7KQ0-XH2P", None),  # 0 is not in the alphabet
        ("BMS-7KQ4-XH2", None),
        ("", None),
    ],
)
def test_normalise_ticket_code_accepts_what_a_clerk_types(typed: str, expected: str | None) -> None:
    assert normalise_ticket_code(typed) == expected

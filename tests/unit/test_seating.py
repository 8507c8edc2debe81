"""Best available: adjacency across aisles, the sweet spot, the single-seat gap rule, access."""

from __future__ import annotations

import random

import pytest

from bms_desktop.domain.errors import ValidationError
from bms_desktop.domain.seating import SeatSlot, best_available

# Picture notation, one string per row (row 0 nearest the screen), one character per column:
#   o free   X taken   . aisle/no seat   A free accessible space   C free companion seat
#   a taken accessible space   c taken companion seat
# A seat's key is row * 1000 + col, so results read as positions.


def hall(*rows: str, seat_type: str = "GOLD") -> list[SeatSlot]:
    seats = []
    for r, line in enumerate(rows):
        for c, ch in enumerate(line):
            if ch == ".":
                continue
            seats.append(
                SeatSlot(
                    key=r * 1000 + c,
                    row=r,
                    col=c,
                    seat_type=seat_type,
                    available=ch in "oAC",
                    accessible=ch in "Aa",
                    companion=ch in "Cc",
                )
            )
    return seats


def cols(keys: tuple[int, ...] | None) -> list[int]:
    assert keys is not None
    return [k % 1000 for k in keys]


def rows_of(keys: tuple[int, ...] | None) -> set[int]:
    assert keys is not None
    return {k // 1000 for k in keys}


# ----------------------------------------------------------------------------------- basics


def test_picks_the_centre_of_a_single_row() -> None:
    assert cols(best_available(hall("oooooooooo"), 2)) == [4, 5]
    assert cols(best_available(hall("ooooooooo"), 3)) == [3, 4, 5]


def test_prefers_the_row_two_thirds_of_the_way_back() -> None:
    seats = hall(*(["oooooooooo"] * 10))  # rows 0..9: the sweet spot is row 6
    keys = best_available(seats, 2)
    assert rows_of(keys) == {6}
    assert cols(keys) == [4, 5]


def test_taken_seats_are_never_picked() -> None:
    seats = hall("oooooooooo", "ooooXXoooo", "oooooooooo", "oooooooooo")
    keys = best_available(seats, 2)
    picked = {s.key: s for s in seats if keys is not None and s.key in keys}
    assert len(picked) == 2
    assert all(s.available for s in picked.values())


def test_returns_keys_sorted_by_column_whatever_the_input_order() -> None:
    seats = hall("oooooooooo", "oooooooooo", "oooooooooo")
    shuffled = list(seats)
    random.Random(7).shuffle(shuffled)
    result = best_available(shuffled, 4)
    assert result == best_available(seats, 4)
    assert result is not None
    assert list(result) == sorted(result)


def test_returns_none_when_no_row_has_enough_adjacent_free_seats() -> None:
    assert best_available(hall("ooXooXoo", "oXooXooX"), 3) is None
    assert best_available([], 1) is None
    assert best_available(hall("XXXX"), 1) is None


@pytest.mark.parametrize("n", [0, -1, 11])
def test_n_outside_one_to_ten_is_a_validation_error(n: int) -> None:
    with pytest.raises(ValidationError, match="1 to 10"):
        best_available(hall("oooooooooooo"), n)


def test_ten_seats_is_allowed() -> None:
    assert cols(best_available(hall("oooooooooo"), 10)) == list(range(10))
    # With 12 seats the centred block 1..10 would strand both end seats.
    assert cols(best_available(hall("oooooooooooo"), 10)) == list(range(10))


# -------------------------------------------------------------------------------- adjacency


def test_seats_across_an_aisle_are_not_adjacent() -> None:
    assert best_available(hall("oo.oo"), 3) is None
    assert best_available(hall("ooo.ooo", "oo.o.oo"), 4) is None


def test_block_stays_inside_one_section_of_a_row_with_aisles() -> None:
    keys = best_available(hall("oooo.oooo.oooo"), 3)
    picked = cols(keys)
    assert picked == [picked[0], picked[0] + 1, picked[0] + 2]
    assert 4 not in picked and 9 not in picked
    assert picked[0] >= 5 and picked[-1] <= 8  # the middle section is nearest the centre


def test_seats_in_different_rows_are_never_one_block() -> None:
    assert best_available(hall("oo", "oo"), 3) is None


# ------------------------------------------------------------------------------ the gap rule


def test_avoids_leaving_a_single_seat_next_to_a_taken_seat() -> None:
    # X o o o o o X: the closest pairs (2,3) and (3,4) would strand seat 1 or seat 5;
    # (1,2) and (4,5) are equally far from the centre, so the lower column wins.
    assert cols(best_available(hall("XoooooX"), 2)) == [1, 2]


def test_avoids_leaving_a_single_seat_at_the_row_end() -> None:
    # o o o o o: the central pairs (1,2) and (2,3) strand seat 0 or seat 4.
    assert cols(best_available(hall("ooooo"), 2)) == [0, 1]


def test_avoids_leaving_a_single_seat_next_to_an_aisle() -> None:
    # Middle section 3..7; the central block 4..6 would strand seats 3 and 7 against the aisles.
    assert cols(best_available(hall("oo.ooooo.oo"), 3)) == [3, 4, 5]


def test_gap_rule_outweighs_a_better_row() -> None:
    # Row 1 is the sweet spot but its only pair leaves a single seat; row 0 has a clean pair.
    seats = hall("XooXXX", "XoooXX", "XXXXXX")
    assert best_available(seats, 2) == (1, 2)


def test_takes_a_gap_leaving_block_when_nothing_else_exists() -> None:
    # Both three-seat sections strand a seat whatever pair is taken.
    assert cols(best_available(hall("ooo.ooo"), 2)) == [1, 2]


def test_single_seat_request_also_avoids_stranding_its_neighbours() -> None:
    # The middle seat is the most central but would leave two single seats.
    assert cols(best_available(hall("XoooX"), 1)) == [1]


def test_fills_an_exact_hole_without_complaint() -> None:
    assert cols(best_available(hall("XXooXX"), 2)) == [2, 3]


# ---------------------------------------------------------------------------------- seat type


def test_seat_type_filter_keeps_every_seat_of_the_block_in_that_type() -> None:
    seats = hall("oooooooooo", seat_type="GOLD")
    for c in range(10):
        kind = "PLATINUM" if c < 3 else "GOLD"
        seats.append(SeatSlot(key=1000 + c, row=1, col=c, seat_type=kind, available=True))
    keys = best_available(seats, 3, seat_type="PLATINUM")
    assert keys == (1000, 1001, 1002)
    assert best_available(seats, 4, seat_type="PLATINUM") is None
    assert best_available(seats, 1, seat_type="DIAMOND") is None


def test_without_a_filter_a_single_type_block_beats_a_mixed_one() -> None:
    # G G G G P P P P: the pair (3,4) is dead centre but mixes GOLD and PLATINUM.
    seats = [
        SeatSlot(key=c, row=0, col=c, seat_type="GOLD" if c < 4 else "PLATINUM", available=True)
        for c in range(8)
    ]
    assert best_available(seats, 2) == (2, 3)


# --------------------------------------------------------------------------------- accessible


def test_accessible_request_includes_an_accessible_space_with_companions() -> None:
    seats = hall("oooooooooo", "ooCACooooo", "oooooooooo")
    assert cols(best_available(seats, 2, accessible=True)) == [3, 4]
    assert cols(best_available(seats, 3, accessible=True)) == [2, 3, 4]


def test_accessible_request_prefers_companion_seats_over_ordinary_ones() -> None:
    # The bay is off-centre; an ordinary seat next to the space would be closer to the middle.
    seats = hall("ooooooooooo", "CAoooooooAo", "ooooooooooo")
    assert cols(best_available(seats, 2, accessible=True)) == [0, 1]


def test_accessible_request_without_a_free_accessible_space_returns_none() -> None:
    assert best_available(hall("oooooo", "ooCaCo"), 2, accessible=True) is None
    assert best_available(hall("oooooo"), 1, accessible=True) is None


def test_accessible_request_uses_ordinary_seats_when_there_are_no_companions() -> None:
    seats = hall("oooAoooo")
    picked = cols(best_available(seats, 3, accessible=True))
    assert 3 in picked


def test_ordinary_request_keeps_accessible_and_companion_seats_free() -> None:
    # The centre of the only row is a wheelchair bay; an ordinary party goes beside it.
    seats = hall("ooooCACoooo")
    picked = cols(best_available(seats, 2))
    assert not set(picked) & {4, 5, 6}


def test_ordinary_request_uses_the_bay_when_nothing_else_is_free() -> None:
    assert cols(best_available(hall("XXCAXX"), 2)) == [2, 3]


# -------------------------------------------------------------------------------------- scale


def test_ten_thousand_seats_are_handled_correctly() -> None:
    # 100 rows x 100 seats in four sections of 25 (three aisles), about half sold.
    # Timing, measured by hand on the 2-core build machine: 6 ms median with half the seats sold,
    # 11 ms with all 10,000 free (budget 50 ms);
    # this test asserts correctness only.
    rng = random.Random(42)
    seats: list[SeatSlot] = []
    for r in range(100):
        for section in range(4):
            for i in range(25):
                c = section * 26 + i
                seats.append(
                    SeatSlot(
                        key=r * 1000 + c,
                        row=r,
                        col=c,
                        seat_type="GOLD",
                        available=rng.random() < 0.5,
                    )
                )
    assert len(seats) == 10_000
    keys = best_available(seats, 4)
    assert keys is not None
    by_key = {s.key: s for s in seats}
    picked = [by_key[k] for k in keys]
    assert all(s.available for s in picked)
    assert len({s.row for s in picked}) == 1
    assert [s.col for s in picked] == list(range(picked[0].col, picked[0].col + 4))


# ----------------------------------------------------------------------------------- best split


def test_a_party_too_big_for_one_row_is_split_over_the_fewest_adjacent_rows() -> None:
    from bms_desktop.domain.seating import best_split

    seats = hall(
        "ooooXXXXoooo",  # row 0: 4 | 4
        "oooooXXXXXXX",  # row 1: 5
        "XXXXXXXXoooo",  # row 2: 4
        "oooXXXXXXooo",  # row 3: 3 | 3
    )
    assert best_available(seats, 9) is None
    split = best_split(seats, 9)
    assert split is not None
    assert split.rows == (1, 2) and split.sizes == (5, 4)  # two rows, side by side
    assert len(split.keys) == 9 and len(set(split.keys)) == 9


def test_a_split_leaves_nobody_alone_where_it_can() -> None:
    from bms_desktop.domain.seating import best_split

    # Row 0 has 9 free together, row 1 only 1 and 2: 10 = 9 + 1 would leave one person alone,
    # row 2 has 6 free: 10 = 4 + 6 (rows 1 and 2 are no good either: 2 + ... too few).
    seats = hall("oooooooooX", "oXXXXXXXoo", "ooooooXXXX")
    split = best_split(seats, 10)
    assert split is not None
    assert 1 not in split.sizes
    assert len(split.rows) == 2


def test_no_split_when_too_few_seats_are_free() -> None:
    from bms_desktop.domain.seating import best_split

    assert best_split(hall("ooXXX", "XXXoo"), 5) is None

"""The text seat-layout format: parsing, labels, flags, errors, rendering and the demo screens."""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest

from bms_desktop.domain.errors import ValidationError
from bms_desktop.domain.layouts import (
    DEFAULT_CODES,
    MAX_LAYOUT_SEATS,
    MAX_ROW_WIDTH,
    SeatSpec,
    demo_layouts,
    parse_layout,
    render_layout,
    row_label,
)
from bms_desktop.domain.seating import SeatSlot, best_available

CODES = DEFAULT_CODES


def by_label(specs: list[SeatSpec]) -> dict[str, SeatSpec]:
    return {s.label: s for s in specs}


# ------------------------------------------------------------------------------------- parsing


def test_parses_seats_with_types_positions_and_labels() -> None:
    specs = parse_layout("GGG.PP\n", CODES)
    assert [s.label for s in specs] == ["A1", "A2", "A3", "A4", "A5"]
    assert [s.col for s in specs] == [0, 1, 2, 4, 5]
    assert [s.seat_type for s in specs] == ["GOLD"] * 3 + ["PLATINUM"] * 2
    assert all(s.row == 0 and s.row_label == "A" for s in specs)
    assert [s.number for s in specs] == [1, 2, 3, 4, 5]
    assert not any(s.accessible or s.companion or s.blocked for s in specs)


def test_first_line_is_the_row_nearest_the_screen() -> None:
    specs = by_label(parse_layout("GG\nPP\nDD", CODES))
    assert specs["A1"].row == 0 and specs["A1"].seat_type == "GOLD"
    assert specs["C2"].row == 2 and specs["C2"].seat_type == "DIAMOND"


def test_numbers_restart_in_each_row_and_skip_leading_gaps() -> None:
    specs = by_label(parse_layout("..GG\nGGGG", CODES))
    assert specs["A1"].col == 2
    assert specs["B1"].col == 0
    assert specs["B4"].col == 3


def test_spaces_and_dots_are_both_gaps() -> None:
    assert parse_layout("GG  GG", CODES) == parse_layout("GG..GG", CODES)


def test_gap_row_keeps_its_index_but_takes_no_label() -> None:
    specs = by_label(parse_layout("GGG\n\n...\nPPP", CODES))
    assert specs["A1"].row == 0
    assert specs["B1"].row == 3
    assert "C1" not in specs


def test_leading_and_trailing_blank_lines_are_ignored() -> None:
    assert parse_layout("\n\n  \nGG\nPP\n\n\n", CODES) == parse_layout("GG\nPP", CODES)


def test_windows_line_endings_are_accepted() -> None:
    assert parse_layout("GG\r\nPP\r\n", CODES) == parse_layout("GG\nPP\n", CODES)


def test_wheelchair_companion_and_blocked_seats_are_flagged() -> None:
    specs = by_label(parse_layout("GcWx", CODES))
    assert specs["A2"].companion and not specs["A2"].accessible
    assert specs["A3"].accessible and not specs["A3"].companion
    assert specs["A4"].blocked
    assert {s.seat_type for s in specs.values()} == {"GOLD"}


def test_blocked_seats_are_numbered_like_any_other() -> None:
    specs = parse_layout("GxG", CODES)
    assert [(s.label, s.blocked) for s in specs] == [("A1", False), ("A2", True), ("A3", False)]


def test_special_seats_take_the_type_of_the_nearest_seat_letter() -> None:
    specs = by_label(parse_layout("PPcW...WcGG", CODES))
    assert specs["A3"].seat_type == "PLATINUM"  # c next to P
    assert specs["A4"].seat_type == "PLATINUM"  # W at distance 2 from P, 4 from G
    assert specs["A5"].seat_type == "GOLD"  # W at distance 2 from G
    assert specs["A6"].seat_type == "GOLD"


def test_special_seat_halfway_between_two_types_takes_the_left_one() -> None:
    assert parse_layout("GxP", CODES)[1].seat_type == "GOLD"


def test_row_without_seat_letters_uses_the_default_type() -> None:
    assert {s.seat_type for s in parse_layout("WcWc", CODES)} == {"GOLD"}  # first code
    specs = parse_layout("WcWc", CODES, default_type="DIAMOND")
    assert {s.seat_type for s in specs} == {"DIAMOND"}


def test_nearest_letter_is_looked_for_only_in_the_same_row() -> None:
    specs = by_label(parse_layout("PPPP\nWc", CODES, default_type="DIAMOND"))
    assert specs["B1"].seat_type == "DIAMOND"


@pytest.mark.parametrize(
    ("index", "label"),
    [
        (0, "A"),
        (25, "Z"),
        (26, "AA"),
        (27, "AB"),
        (51, "AZ"),
        (52, "BA"),
        (701, "ZZ"),
        (702, "AAA"),
    ],
)
def test_row_labels_go_a_to_z_then_aa_ab(index: int, label: str) -> None:
    assert row_label(index) == label


def test_twenty_eighth_row_is_labelled_ab() -> None:
    specs = parse_layout("\n".join(["GG"] * 28), CODES)
    assert specs[-1].label == "AB2"
    assert specs[-1].row == 27


# -------------------------------------------------------------------------------------- errors


def test_unknown_character_reports_its_line_and_column() -> None:
    with pytest.raises(ValidationError, match=r"Line 2, column 3: unknown character 'Q'"):
        parse_layout("GGGG\nGGQG", CODES)


def test_tab_is_an_unknown_character() -> None:
    with pytest.raises(ValidationError, match=r"Line 1, column 3"):
        parse_layout("GG\tGG", CODES)


def test_lower_case_seat_code_is_an_unknown_character() -> None:
    with pytest.raises(ValidationError, match="unknown character 'g'"):
        parse_layout("GgG", CODES)


@pytest.mark.parametrize("text", ["", "\n\n", "....\n  \n.."])
def test_layout_without_seats_is_refused(text: str) -> None:
    with pytest.raises(ValidationError, match="no seats"):
        parse_layout(text, CODES)


def test_row_wider_than_the_limit_is_refused_with_its_line() -> None:
    assert len(parse_layout("G" * MAX_ROW_WIDTH + "....", CODES)) == MAX_ROW_WIDTH
    with pytest.raises(ValidationError, match=r"Line 2, column 201: .* 201 columns wide"):
        parse_layout("GG\n" + "G" * (MAX_ROW_WIDTH + 1), CODES)


def test_more_than_ten_thousand_seats_is_refused() -> None:
    row = "G" * MAX_ROW_WIDTH
    rows_at_limit = MAX_LAYOUT_SEATS // MAX_ROW_WIDTH
    assert len(parse_layout("\n".join([row] * rows_at_limit), CODES)) == MAX_LAYOUT_SEATS
    with pytest.raises(ValidationError, match="more than 10,000 seats"):
        parse_layout("\n".join([row] * rows_at_limit + ["G"]), CODES)


@pytest.mark.parametrize(
    "codes",
    [{}, {"W": "WHEELCHAIR"}, {"g": "GOLD"}, {"GG": "GOLD"}, {".": "GOLD"}, {"G": ""}],
)
def test_unusable_seat_type_codes_are_refused(codes: dict[str, str]) -> None:
    with pytest.raises(ValidationError):
        parse_layout("GG", codes)


# ----------------------------------------------------------------------------------- rendering


def test_render_writes_gaps_as_dots_and_one_line_per_row() -> None:
    text = "GG  PP\n\n WcWx\nDDD\n"
    assert render_layout(parse_layout(text, CODES), CODES) == "GG..PP\n\n.WcWx\nDDD\n"


@pytest.mark.parametrize("name", sorted(demo_layouts()))
def test_demo_layouts_round_trip_through_render(name: str) -> None:
    specs = parse_layout(demo_layouts()[name], CODES)
    text = render_layout(specs, CODES)
    assert parse_layout(text, CODES) == specs
    assert render_layout(parse_layout(text, CODES), CODES) == text


def test_render_ignores_stale_labels_and_renumbers_on_parse() -> None:
    specs = parse_layout("GGGG", CODES)
    without_second = [s for s in specs if s.number != 2]
    reparsed = parse_layout(render_layout(without_second, CODES), CODES)
    assert [s.label for s in reparsed] == ["A1", "A2", "A3"]
    assert [s.col for s in reparsed] == [0, 2, 3]


def test_render_refuses_two_seats_in_one_place() -> None:
    specs = parse_layout("GG", CODES)
    with pytest.raises(ValidationError, match="same place"):
        render_layout([*specs, replace(specs[0], label="Z9")], CODES)


def test_render_refuses_a_seat_type_without_a_code() -> None:
    spec = replace(parse_layout("G", CODES)[0], seat_type="RECLINER")
    with pytest.raises(ValidationError, match="RECLINER"):
        render_layout([spec], CODES)


def test_render_refuses_a_seat_with_two_flags() -> None:
    spec = replace(parse_layout("W", CODES)[0], blocked=True)
    with pytest.raises(ValidationError, match="only one of"):
        render_layout([spec], CODES)


def test_render_refuses_a_special_seat_whose_type_would_not_come_back() -> None:
    specs = parse_layout("GGW", CODES)
    wrong = [*specs[:2], replace(specs[2], seat_type="DIAMOND")]
    with pytest.raises(ValidationError, match=r"A3 is DIAMOND.*\(GOLD\)"):
        render_layout(wrong, CODES)


def test_render_of_nothing_is_empty_text() -> None:
    assert render_layout([], CODES) == ""


# -------------------------------------------------------------------------------- demo screens


def rows_of(specs: list[SeatSpec]) -> dict[int, list[SeatSpec]]:
    rows: dict[int, list[SeatSpec]] = {}
    for s in specs:
        rows.setdefault(s.row, []).append(s)
    return rows


def sections(row: list[SeatSpec]) -> int:
    cols = sorted(s.col for s in row)
    return 1 + sum(1 for a, b in itertools.pairwise(cols) if b != a + 1)


def test_there_are_at_least_six_demo_layouts_of_100_to_600_seats() -> None:
    layouts = demo_layouts()
    assert len(layouts) >= 6
    for name, text in layouts.items():
        count = len(parse_layout(text, CODES))
        assert 100 <= count <= 600, (name, count)


def test_demo_multiplex_is_rectangular_with_two_aisles() -> None:
    rows = rows_of(parse_layout(demo_layouts()["Multiplex hall, two aisles"], CODES))
    assert len({len(r) for r in rows.values()}) == 1
    assert all(sections(r) == 3 for r in rows.values())


def test_demo_fan_hall_widens_towards_the_back() -> None:
    rows = rows_of(parse_layout(demo_layouts()["Fan hall"], CODES))
    widths = [len(rows[r]) for r in sorted(rows)]
    assert widths == sorted(widths)
    assert widths[-1] >= 2 * widths[0]


def test_demo_recliner_lounge_is_a_small_premium_screen() -> None:
    specs = parse_layout(demo_layouts()["Recliner lounge"], CODES)
    assert 100 <= len(specs) <= 120
    assert sum(s.seat_type == "DIAMOND" for s in specs) == len(specs)


def test_demo_grand_hall_has_gold_front_platinum_middle_and_diamond_block_at_back() -> None:
    specs = parse_layout(demo_layouts()["Grand hall"], CODES)
    assert 550 <= len(specs) <= 600
    rows = rows_of(specs)
    assert {s.seat_type for s in rows[min(rows)]} == {"GOLD"}
    assert {s.seat_type for s in rows[len(rows) // 2]} == {"PLATINUM"}
    back = rows[max(rows)]
    assert "DIAMOND" in {s.seat_type for s in back}
    diamond_cols = [s.col for s in back if s.seat_type == "DIAMOND"]
    assert diamond_cols == list(range(diamond_cols[0], diamond_cols[0] + len(diamond_cols)))


def test_demo_accessible_studio_has_wheelchair_spaces_beside_companion_seats() -> None:
    specs = parse_layout(demo_layouts()["Accessible studio"], CODES)
    places = {(s.row, s.col): s for s in specs}
    spaces = [s for s in specs if s.accessible]
    assert len(spaces) >= 4
    for space in spaces:
        neighbours = [places.get((space.row, space.col + d)) for d in (-1, 1)]
        assert any(n is not None and n.companion for n in neighbours)


def test_demo_balcony_has_a_cross_aisle_gap_row_and_blocked_pillar_seats() -> None:
    specs = parse_layout(demo_layouts()["Balcony hall"], CODES)
    used_rows = {s.row for s in specs}
    assert set(range(max(used_rows) + 1)) - used_rows  # at least one gap row
    assert any(s.blocked for s in specs)


def test_best_available_finds_seats_in_every_demo_layout() -> None:
    for text in demo_layouts().values():
        specs = parse_layout(text, CODES)
        slots = [
            SeatSlot(
                key=i,
                row=s.row,
                col=s.col,
                seat_type=s.seat_type,
                available=not s.blocked,
                accessible=s.accessible,
                companion=s.companion,
            )
            for i, s in enumerate(specs)
        ]
        assert best_available(slots, 4) is not None
        assert best_available(slots, 2, accessible=True) is not None

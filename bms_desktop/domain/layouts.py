"""A text format for seat layouts: the layout editor's source text and the demo screens.

The format
----------

Each line of text is one row of the screen; the first line is the row nearest the screen. Each
character is one grid column:

=========  ==========================================================================
character  meaning
=========  ==========================================================================
letter     a seat of the seat type the caller maps it to, e.g. ``G`` -> GOLD. Codes are
           single upper-case letters A-Z except ``W`` (see :data:`DEFAULT_CODES`).
``.`` or   no seat: an aisle or an empty part of the grid. Seats are adjacent only when
space      no gap separates them.
``W``      a wheelchair (accessible) space
``c``      a companion seat (for the person accompanying a wheelchair user)
``x``      a blocked seat: it exists and is numbered, but is not for sale
=========  ==========================================================================

``W``, ``c`` and ``x`` carry no seat type of their own: they take the type of the nearest seat
letter in the same row (the left one on a tie), or the default type (the first type in ``codes``
unless ``default_type`` is given) when the row has no seat letter at all.

Rows and labels:

- Leading and trailing blank lines are ignored; row 0 is the first line with a seat.
- A blank line (or a line of gaps only) between seat rows is a gap row, e.g. a cross aisle or the
  front of a balcony: it keeps its row index, so the map shows the space, but it takes no label.
- Seat rows are labelled A..Z, then AA, AB, ... from the screen back. Seats are numbered 1, 2, ...
  from the left in each row, skipping gaps; blocked seats are numbered like any other seat.
- Trailing gaps on a line mean nothing. Tabs and other characters are errors.

Limits: at most 10,000 seats and rows at most 200 columns wide.

:func:`render_layout` writes specs back as text (gaps as ``.``) so that
``parse_layout(render_layout(parse_layout(t, c), c), c) == parse_layout(t, c)``. Labels and
numbers are not stored in the text: they are derived from the positions when parsing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bms_desktop.domain.errors import ValidationError

DEFAULT_CODES: Mapping[str, str] = {"G": "GOLD", "P": "PLATINUM", "D": "DIAMOND"}
GAP_CHARS = frozenset(". ")
ACCESSIBLE_CHAR = "W"
COMPANION_CHAR = "c"
BLOCKED_CHAR = "x"
SPECIAL_CHARS = frozenset({ACCESSIBLE_CHAR, COMPANION_CHAR, BLOCKED_CHAR})
MAX_LAYOUT_SEATS = 10_000
MAX_ROW_WIDTH = 200


@dataclass(frozen=True)
class SeatSpec:
    row_label: str  # "C"
    number: int  # 7 (1-based, from the left, gaps skipped)
    label: str  # "C7"
    row: int  # grid row, 0 = nearest the screen (gap rows count)
    col: int  # grid column, 0 = the first character of the line
    seat_type: str
    accessible: bool
    companion: bool
    blocked: bool


def row_label(index: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "AA", 27 -> "AB", 701 -> "ZZ", 702 -> "AAA"."""
    if index < 0:
        raise ValueError(f"row index must be >= 0, not {index}")
    label = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        label = chr(ord("A") + rem) + label
    return label


def _check_codes(codes: Mapping[str, str]) -> None:
    if not codes:
        raise ValidationError("The layout needs at least one seat-type code.", field="codes")
    for code, seat_type in codes.items():
        if len(code) != 1 or not ("A" <= code <= "Z") or code == ACCESSIBLE_CHAR:
            raise ValidationError(
                f"Seat-type code {code!r} must be one upper-case letter A-Z other than "
                f"{ACCESSIBLE_CHAR!r}.",
                field="codes",
            )
        if not seat_type:
            raise ValidationError(f"Seat-type code {code!r} maps to no seat type.", field="codes")


def _nearest_types(chars: str, codes: Mapping[str, str], default_type: str) -> list[str]:
    """For each column, the seat type of the nearest seat letter in ``chars`` (left on a tie)."""
    width = len(chars)
    left: list[tuple[int, str] | None] = [None] * width
    last: tuple[int, str] | None = None
    for i, ch in enumerate(chars):
        if ch in codes:
            last = (i, codes[ch])
        left[i] = last
    result = [default_type] * width
    nxt: tuple[int, str] | None = None
    for i in range(width - 1, -1, -1):
        ch = chars[i]
        if ch in codes:
            nxt = (i, codes[ch])
        lft = left[i]
        if lft is not None and (nxt is None or i - lft[0] <= nxt[0] - i):
            result[i] = lft[1]
        elif nxt is not None:
            result[i] = nxt[1]
    return result


def _describe_codes(codes: Mapping[str, str]) -> str:
    letters = ", ".join(f"{k}={v}" for k, v in codes.items())
    return f"{letters}; W accessible, c companion, x blocked, '.' or space a gap"


def _is_gap_line(line: str) -> bool:
    return all(ch in GAP_CHARS for ch in line)


def parse_layout(
    text: str, codes: Mapping[str, str], *, default_type: str | None = None
) -> list[SeatSpec]:
    """Seats of a layout text, in row then column order; see the module docstring."""
    _check_codes(codes)
    fallback = default_type if default_type is not None else next(iter(codes.values()))
    lines = text.splitlines()
    seat_lines = [i for i, line in enumerate(lines) if not _is_gap_line(line)]
    if not seat_lines:
        raise ValidationError("The layout has no seats.", field="layout")
    first, last = seat_lines[0], seat_lines[-1]

    specs: list[SeatSpec] = []
    label_index = 0
    for line_no in range(first, last + 1):
        line = lines[line_no].rstrip(" .")
        if not line:
            continue  # a gap row: keeps its index, takes no label
        for col, ch in enumerate(line):
            if ch not in codes and ch not in GAP_CHARS and ch not in SPECIAL_CHARS:
                raise ValidationError(
                    f"Line {line_no + 1}, column {col + 1}: unknown character {ch!r} "
                    f"(known: {_describe_codes(codes)}).",
                    field="layout",
                )
        if len(line) > MAX_ROW_WIDTH:
            raise ValidationError(
                f"Line {line_no + 1}, column {MAX_ROW_WIDTH + 1}: the row is {len(line)} columns "
                f"wide; the limit is {MAX_ROW_WIDTH}.",
                field="layout",
            )
        types = _nearest_types(line, codes, fallback)
        label = row_label(label_index)
        label_index += 1
        number = 0
        row = line_no - first
        for col, ch in enumerate(line):
            if ch in GAP_CHARS:
                continue
            number += 1
            if len(specs) >= MAX_LAYOUT_SEATS:
                raise ValidationError(
                    f"Line {line_no + 1}, column {col + 1}: the layout has more than "
                    f"{MAX_LAYOUT_SEATS:,} seats.",
                    field="layout",
                )
            specs.append(
                SeatSpec(
                    row_label=label,
                    number=number,
                    label=f"{label}{number}",
                    row=row,
                    col=col,
                    seat_type=codes[ch] if ch in codes else types[col],
                    accessible=ch == ACCESSIBLE_CHAR,
                    companion=ch == COMPANION_CHAR,
                    blocked=ch == BLOCKED_CHAR,
                )
            )
    return specs


def render_layout(
    specs: Iterable[SeatSpec], codes: Mapping[str, str], *, default_type: str | None = None
) -> str:
    """Layout text for ``specs`` (gaps as ``.``, one line per row, ending with a newline).

    Rows are written from the smallest row index, so they come back from ``parse_layout`` renumbered
    from 0; columns are kept. Labels and numbers are ignored (they are derived when parsing).
    ValidationError when a seat cannot be written in the format: a seat type with no code, two seats
    in one place, more than one of accessible/companion/blocked on one seat, or a special seat whose
    type differs from the type it would get back (the nearest seat letter in its row).
    """
    _check_codes(codes)
    fallback = default_type if default_type is not None else next(iter(codes.values()))
    letter_of: dict[str, str] = {}
    for code, seat_type in codes.items():
        letter_of.setdefault(seat_type, code)

    by_place: dict[tuple[int, int], SeatSpec] = {}
    for spec in specs:
        if spec.row < 0 or spec.col < 0:
            raise ValidationError(f"Seat {spec.label} has a negative position.", field="layout")
        if spec.col >= MAX_ROW_WIDTH:
            raise ValidationError(
                f"Seat {spec.label} is in column {spec.col + 1}; rows are at most "
                f"{MAX_ROW_WIDTH} columns wide.",
                field="layout",
            )
        place = (spec.row, spec.col)
        if place in by_place:
            raise ValidationError(
                f"Seats {by_place[place].label} and {spec.label} are in the same place "
                f"(row {spec.row}, column {spec.col}).",
                field="layout",
            )
        if spec.seat_type not in letter_of:
            raise ValidationError(
                f"Seat {spec.label}: seat type {spec.seat_type!r} has no letter code.",
                field="codes",
            )
        if spec.accessible + spec.companion + spec.blocked > 1:
            raise ValidationError(
                f"Seat {spec.label} can be only one of accessible, companion or blocked.",
                field="layout",
            )
        by_place[place] = spec
    if not by_place:
        return ""

    first_row = min(row for row, _ in by_place)
    last_row = max(row for row, _ in by_place)
    rows: dict[int, list[SeatSpec]] = {}
    for spec in by_place.values():
        rows.setdefault(spec.row, []).append(spec)

    out: list[str] = []
    for row in range(first_row, last_row + 1):
        row_specs = sorted(rows.get(row, ()), key=lambda s: s.col)
        if not row_specs:
            out.append("")
            continue
        chars = ["."] * (row_specs[-1].col + 1)
        for spec in row_specs:
            if spec.blocked:
                chars[spec.col] = BLOCKED_CHAR
            elif spec.accessible:
                chars[spec.col] = ACCESSIBLE_CHAR
            elif spec.companion:
                chars[spec.col] = COMPANION_CHAR
            else:
                chars[spec.col] = letter_of[spec.seat_type]
        line = "".join(chars)
        types = _nearest_types(line, codes, fallback)
        for spec in row_specs:
            if line[spec.col] in SPECIAL_CHARS and types[spec.col] != spec.seat_type:
                raise ValidationError(
                    f"Seat {spec.label} is {spec.seat_type}, but an accessible, companion or "
                    f"blocked seat takes the type of the nearest seat letter in its row "
                    f"({types[spec.col]}); put a {spec.seat_type} seat next to it.",
                    field="layout",
                )
        out.append(line)
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------------------------ demo screens


def _row(*sections: str) -> str:
    """Sections of seats joined by one-column aisles."""
    return ".".join(sections)


def _hall(rows: list[str]) -> str:
    """Rows centred on the widest one (gap rows stay blank)."""
    width = max(len(r) for r in rows)
    return "\n".join("." * ((width - len(r)) // 2) + r if r else "" for r in rows)


def _multiplex() -> str:
    # 16 rows of 6 | 14 | 6 = 416 seats; wheelchair spaces with companions at the aisles of row E.
    rows = []
    for r in range(16):
        code = "G" if r < 4 else ("P" if r < 12 else "D")
        if r == 4:
            rows.append(_row("PPPPcW", "P" * 14, "WcPPPP"))
        else:
            rows.append(_row(code * 6, code * 14, code * 6))
    return _hall(rows)


def _fan() -> str:
    # 14 rows widening towards the back (12 -> 44 seats in three blocks), 434 seats; wheelchair
    # spaces with companions at the inner ends of the side blocks of the first PLATINUM row.
    rows = []
    for r in range(14):
        side = 2 + r
        centre = 8 + (r // 2) * 2
        code = "G" if r < 5 else "P"
        if r == 5:
            rows.append(_row("P" * (side - 2) + "cW", code * centre, "Wc" + "P" * (side - 2)))
        else:
            rows.append(_row(code * side, code * centre, code * side))
    return _hall(rows)


def _recliners() -> str:
    # A premium recliner screen: a front row with a wheelchair bay, then 7 rows of 7 | 7 DIAMOND
    # recliners; 108 seats.
    rows = [_row("DDDcW", "WcDDD")]
    rows.extend(_row("D" * 7, "D" * 7) for _ in range(7))
    return _hall(rows)


def _grand_hall() -> str:
    # 22 rows of 7 | 12 | 7 = 572 seats: GOLD front, PLATINUM middle, a DIAMOND block at the back
    # centre, wheelchair spaces with companions at the front of the PLATINUM section.
    rows = []
    for r in range(22):
        if r < 6:
            rows.append(_row("G" * 7, "G" * 12, "G" * 7))
        elif r == 6:
            rows.append(_row("PPPPPcW", "P" * 12, "WcPPPPP"))
        elif r < 18:
            rows.append(_row("P" * 7, "P" * 12, "P" * 7))
        else:
            rows.append(_row("P" * 7, "D" * 12, "P" * 7))
    return _hall(rows)


def _accessible_studio() -> str:
    # A step-free studio: stalls, a cross aisle, a level wheelchair bay with a companion seat
    # beside every space, another cross aisle, then raised rows; 178 seats.
    rows = [_row("G" * 7, "G" * 7) for _ in range(4)]
    rows.append("")
    rows.append(_row("GcWcW", "WcWcG"))
    rows.append("")
    rows.extend(_row("P" * 8, "P" * 8) for _ in range(4))
    rows.extend(_row("D" * 8, "D" * 8) for _ in range(3))
    return _hall(rows)


def _balcony() -> str:
    # Stalls under a balcony, a cross aisle (two gap rows) and a wider balcony with a pillar
    # that blocks two seats; 438 seats.
    rows = [_row("G" * 6, "G" * 12, "G" * 6) for _ in range(6)]
    rows.extend(_row("P" * 6, "P" * 12, "P" * 6) for _ in range(6))
    rows[8] = _row("PPPPcW", "P" * 12, "WcPPPP")
    rows.extend(["", ""])
    rows.extend(_row("D" * 8, "D" * 14, "D" * 8) for _ in range(5))
    rows[-3] = _row("DDDDDDDx", "D" * 14, "xDDDDDDD")
    return _hall(rows)


def demo_layouts() -> dict[str, str]:
    """Varied demo screens (between about 100 and 600 seats), keyed by a descriptive name.

    Every layout uses :data:`DEFAULT_CODES` (G = GOLD, P = PLATINUM, D = DIAMOND).
    """
    return {
        "Multiplex hall, two aisles": _multiplex(),
        "Fan hall": _fan(),
        "Recliner lounge": _recliners(),
        "Grand hall": _grand_hall(),
        "Accessible studio": _accessible_studio(),
        "Balcony hall": _balcony(),
    }

"""Screens and their seat layouts. Admin only; validated; audited with before/after.

A layout is a list of ``LayoutSeat``s (row label, number, grid position, seat type, accessible /
companion / blocked), drawn in the layout editor; the screen also keeps it as text in the format
of ``domain.layouts`` (``screens.layout_text``; labels and numbers are not part of that text).

Changing the layout of a screen never touches a seat that is sold or held: the new seats go in
under ``screens.layout_version + 1``. Future shows without any ticket are rebuilt on the new
seats and re-priced from the current rules; shows with sold or held seats (or with past,
cancelled or expired bookings, whose records point at the old seats) keep the old layout. By
default such shows make the save refuse, naming them; the admin may choose to apply the change
to the other shows only (``apply_to_unsold=True``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence

from bms_desktop.domain.errors import InvalidState, NotFound, ValidationError
from bms_desktop.domain.layouts import (
    ACCESSIBLE_CHAR,
    BLOCKED_CHAR,
    COMPANION_CHAR,
    MAX_LAYOUT_SEATS,
    MAX_ROW_WIDTH,
    SeatSpec,
    render_layout,
)
from bms_desktop.services.admin.common import (
    audit_change,
    clean_text,
    optional_flag,
    require_admin,
    require_id,
)
from bms_desktop.services.admin.dto import (
    LayoutImpact,
    LayoutSaveResult,
    LayoutSeat,
    ScreenLayout,
    ScreenRow,
    SeatTypeChoice,
    ShowRef,
)
from bms_desktop.services.admin.show_pricing import ShowPricer
from bms_desktop.services.context import BoxOffice, CounterContext
from bms_desktop.services.ports import UnitOfWork
from bms_desktop.services.ports_admin import FutureShowSeats

MAX_GRID_ROWS = 200
MAX_SEAT_NUMBER = 9999
_ROW_LABEL = re.compile(r"^[A-Z0-9]{1,4}$")
NAMED_SHOWS = 8  # how many shows a refusal names before "and N more"


# --------------------------------------------------------------------------- validation


def seat_type_choices_of(uow: UnitOfWork) -> tuple[SeatTypeChoice, ...]:
    return tuple(
        SeatTypeChoice(t.code, t.name, t.base_price, t.rank, t.active)
        for t in uow.queries.seat_types()
    )


def validate_layout(
    seats: Sequence[LayoutSeat], types: Mapping[str, SeatTypeChoice]
) -> tuple[LayoutSeat, ...]:
    """The seats, checked: 1..10,000 seats; places on the grid (rows < 200, columns < 200), one
    seat per place; row labels of 1-4 letters or digits; numbers 1..9999; labels unique; known,
    active seat types; a seat is not both accessible and a companion seat."""
    if not seats:
        raise ValidationError("the layout has no seats; draw at least one", field="layout")
    if len(seats) > MAX_LAYOUT_SEATS:
        raise ValidationError(
            f"the layout has {len(seats):,} seats; at most {MAX_LAYOUT_SEATS:,} fit",
            field="layout",
        )
    places: dict[tuple[int, int], str] = {}
    labels: set[str] = set()
    out: list[LayoutSeat] = []
    for seat in seats:
        row_label = str(seat.row_label).strip().upper()
        if not _ROW_LABEL.match(row_label):
            raise ValidationError(
                f"row label {seat.row_label!r} must be 1 to 4 letters or digits", field="layout"
            )
        label = f"{row_label}{seat.number}"
        if not isinstance(seat.number, int) or not 1 <= seat.number <= MAX_SEAT_NUMBER:
            raise ValidationError(
                f"seat {label}: seat numbers run from 1 to {MAX_SEAT_NUMBER}", field="layout"
            )
        if not 0 <= seat.row < MAX_GRID_ROWS or not 0 <= seat.col < MAX_ROW_WIDTH:
            raise ValidationError(
                f"seat {label} is outside the grid ({MAX_GRID_ROWS} rows x {MAX_ROW_WIDTH} "
                "columns at most)",
                field="layout",
            )
        if (seat.row, seat.col) in places:
            raise ValidationError(
                f"seats {places[(seat.row, seat.col)]} and {label} are in the same place",
                field="layout",
            )
        if label in labels:
            raise ValidationError(
                f"two seats are called {label}; rename a row or renumber it", field="layout"
            )
        choice = types.get(seat.seat_type)
        if choice is None or not choice.active:
            raise ValidationError(
                f"seat {label}: {seat.seat_type!r} is not a seat type in use", field="layout"
            )
        if seat.accessible and seat.companion:
            raise ValidationError(
                f"seat {label} cannot be both a wheelchair space and a companion seat",
                field="layout",
            )
        places[(seat.row, seat.col)] = label
        labels.add(label)
        out.append(
            LayoutSeat(
                row_label,
                seat.number,
                seat.row,
                seat.col,
                seat.seat_type,
                bool(seat.accessible),
                bool(seat.companion),
                bool(seat.blocked),
            )
        )
    out.sort(key=lambda s: (s.row, s.col))
    return tuple(out)


def type_codes(types: Sequence[SeatTypeChoice]) -> dict[str, str]:
    """A letter per seat type for the text format: the code's first free letter (not W)."""
    codes: dict[str, str] = {}
    taken = {ACCESSIBLE_CHAR}
    for choice in sorted(types, key=lambda t: (t.rank, t.code)):
        letter = next(
            (
                ch
                for ch in choice.code.upper() + "ABCDEFGHIJKLMNOPQRSTUVXYZ"
                if "A" <= ch <= "Z" and ch not in taken
            ),
            None,
        )
        if letter is None:
            continue
        taken.add(letter)
        codes[letter] = choice.code
    return codes


def layout_text(seats: Sequence[LayoutSeat], types: Sequence[SeatTypeChoice]) -> str:
    """The layout in the text format of ``domain.layouts``. Where that format cannot say a
    seat's type (a special seat whose type differs from its neighbours), the special mark wins."""
    codes = type_codes(types)
    specs = [
        SeatSpec(
            s.row_label,
            s.number,
            s.label,
            s.row,
            s.col,
            s.seat_type,
            s.accessible,
            s.companion,
            s.blocked,
        )
        for s in seats
    ]
    try:
        return render_layout(specs, codes)
    except ValidationError:
        letter = {code: ch for ch, code in codes.items()}
        grid: dict[int, dict[int, str]] = {}
        for s in seats:
            ch = letter.get(s.seat_type, "?")
            if s.blocked:
                ch = BLOCKED_CHAR
            elif s.accessible:
                ch = ACCESSIBLE_CHAR
            elif s.companion:
                ch = COMPANION_CHAR
            grid.setdefault(s.row, {})[s.col] = ch
        first, last = min(grid), max(grid)
        lines = []
        for row in range(first, last + 1):
            cells = grid.get(row, {})
            lines.append("".join(cells.get(c, ".") for c in range(max(cells) + 1)) if cells else "")
        return "\n".join(lines) + "\n"


def describe_counts(seats: Sequence[LayoutSeat]) -> dict[str, int]:
    counts: Counter[str] = Counter(s.seat_type for s in seats)
    out: dict[str, int] = {"seats": len(seats), **dict(sorted(counts.items()))}
    out["accessible"] = sum(1 for s in seats if s.accessible)
    out["companion"] = sum(1 for s in seats if s.companion)
    out["blocked"] = sum(1 for s in seats if s.blocked)
    return out


# --------------------------------------------------------------------------- reading


def list_screens(box: BoxOffice, ctx: CounterContext) -> list[ScreenRow]:
    require_admin(ctx, "Listing screens")
    now = box.now()
    with box.uows() as uow:
        return uow.admin.screens(now)


def seat_type_choices(box: BoxOffice, ctx: CounterContext) -> tuple[SeatTypeChoice, ...]:
    require_admin(ctx, "Listing seat types")
    with box.uows() as uow:
        return seat_type_choices_of(uow)


def screen_layout(box: BoxOffice, ctx: CounterContext, screen_id: int) -> ScreenLayout:
    """The screen's current layout, for the editor."""
    require_admin(ctx, "Opening a seat layout")
    screen_id = require_id(screen_id, "screen")
    now = box.now()
    with box.uows() as uow:
        screen = uow.admin.screen(screen_id, now)
        if screen is None:
            raise NotFound(f"screen {screen_id} does not exist (any more)")
        return ScreenLayout(
            screen_id=screen.screen_id,
            theater_id=screen.theater_id,
            name=screen.name,
            layout_version=screen.layout_version,
            seats=tuple(uow.admin.layout_seats(screen_id, screen.layout_version)),
            seat_types=seat_type_choices_of(uow),
            timezone=screen.timezone,
        )


# --------------------------------------------------------------------------- writing


def _clean_name(name: object) -> str:
    return clean_text(name, field="name", label="The screen's name", column="screens.name")


def create_screen(
    box: BoxOffice,
    ctx: CounterContext,
    *,
    theater_id: int,
    name: str,
    seats: Sequence[LayoutSeat],
) -> ScreenRow:
    """A new screen with its layout (version 1)."""
    require_admin(ctx, "Adding a screen")
    theater_id = require_id(theater_id, "screen's cinema", field="theater_id")
    clean = _clean_name(name)
    now = box.now()
    with box.uows(write=True, label=ctx.counter) as uow:
        types = seat_type_choices_of(uow)
        layout = validate_layout(seats, {t.code: t for t in types})
        cinema = uow.admin.cinema(theater_id, lock=True)
        if cinema is None:
            raise ValidationError("choose the screen's cinema", field="theater_id")
        if uow.admin.screen_named(theater_id, clean) is not None:
            raise ValidationError(
                f"{cinema.name} already has a screen called {clean}", field="name"
            )
        screen_id = uow.admin.add_screen(theater_id, clean, layout_text(layout, types))
        uow.admin.add_layout_seats(screen_id, 1, layout)
        row = uow.admin.screen(screen_id, now)
        assert row is not None
        audit_change(
            uow,
            ctx,
            now,
            action="SCREEN_ADDED",
            entity="screen",
            entity_id=screen_id,
            after={
                "cinema": cinema.name,
                "name": clean,
                "layout_version": 1,
                **describe_counts(layout),
            },
        )
        uow.commit()
    return row


def update_screen(
    box: BoxOffice, ctx: CounterContext, screen_id: int, *, name: str, active: bool | None = None
) -> ScreenRow:
    """Rename a screen, or deactivate / reactivate it (an inactive screen takes no new shows)."""
    require_admin(ctx, "Changing a screen")
    screen_id = require_id(screen_id, "screen")
    active = optional_flag(active)
    clean = _clean_name(name)
    now = box.now()
    with box.uows(write=True, label=ctx.counter) as uow:
        before = uow.admin.screen(screen_id, now, lock=True)
        if before is None:
            raise NotFound(f"screen {screen_id} does not exist (any more)")
        other = uow.admin.screen_named(before.theater_id, clean)
        if other is not None and other != screen_id:
            raise ValidationError(
                f"{before.theater_name} already has a screen called {clean}", field="name"
            )
        is_active = before.active if active is None else active
        uow.admin.update_screen(screen_id, name=clean, active=is_active)
        after = uow.admin.screen(screen_id, now)
        assert after is not None
        old = {"name": before.name, "active": before.active}
        new = {"name": after.name, "active": after.active}
        if old != new:
            audit_change(
                uow,
                ctx,
                now,
                action="SCREEN_CHANGED",
                entity="screen",
                entity_id=screen_id,
                before=old,
                after=new,
            )
            uow.commit()
    return after


def _ref(show: FutureShowSeats, timezone: str) -> ShowRef:
    return ShowRef(show.show_id, show.movie_title, show.starts_at, timezone, show.sold, show.held)


def _impact(shows: Sequence[FutureShowSeats], timezone: str) -> LayoutImpact:
    with_sales = tuple(_ref(s, timezone) for s in shows if s.sold or s.held)
    history = tuple(_ref(s, timezone) for s in shows if not (s.sold or s.held) and s.has_tickets)
    free = tuple(_ref(s, timezone) for s in shows if not (s.sold or s.held or s.has_tickets))
    return LayoutImpact(with_sales=with_sales, without_sales=free, with_history=history)


def layout_impact(box: BoxOffice, ctx: CounterContext, screen_id: int) -> LayoutImpact:
    """What saving a new layout would do to the screen's future shows (for the dialog)."""
    require_admin(ctx, "Checking a layout change")
    screen_id = require_id(screen_id, "screen")
    now = box.now()
    with box.uows() as uow:
        screen = uow.admin.screen(screen_id, now)
        if screen is None:
            raise NotFound(f"screen {screen_id} does not exist (any more)")
        return _impact(uow.admin.future_shows_of_screen(screen_id, now), screen.timezone)


def _name_shows(shows: Sequence[ShowRef]) -> str:
    named = "; ".join(s.describe() for s in shows[:NAMED_SHOWS])
    more = len(shows) - NAMED_SHOWS
    return named + (f"; and {more} more" if more > 0 else "")


def save_layout(
    box: BoxOffice,
    ctx: CounterContext,
    screen_id: int,
    seats: Sequence[LayoutSeat],
    *,
    apply_to_unsold: bool = False,
) -> LayoutSaveResult:
    """Save a changed layout as the screen's next layout version; see the module docstring."""
    require_admin(ctx, "Changing a seat layout")
    screen_id = require_id(screen_id, "screen")
    if not isinstance(apply_to_unsold, bool):
        raise ValidationError("choose whether shows with sales keep the old layout", field="layout")
    now = box.now()
    with box.uows(write=True, label=ctx.counter) as uow:
        types = seat_type_choices_of(uow)
        layout = validate_layout(seats, {t.code: t for t in types})
        screen = uow.admin.screen(screen_id, now, lock=True)
        if screen is None:
            raise NotFound(f"screen {screen_id} does not exist (any more)")
        old = tuple(uow.admin.layout_seats(screen_id, screen.layout_version))
        if old == layout:
            return LayoutSaveResult(screen_id, screen.layout_version, len(layout))
        impact = _impact(uow.admin.future_shows_of_screen(screen_id, now), screen.timezone)
        keep = impact.with_sales + impact.with_history
        if keep and not apply_to_unsold:
            parts = []
            if impact.with_sales:
                parts.append(
                    f"{len(impact.with_sales)} future show(s) of {screen.name} have sold or held "
                    f"seats: {_name_shows(impact.with_sales)}"
                )
            if impact.with_history:
                parts.append(
                    f"{len(impact.with_history)} more have past bookings (cancelled or expired) "
                    f"on the current seats: {_name_shows(impact.with_history)}"
                )
            raise InvalidState(
                ". ".join(parts) + ". The layout was not changed. Save it for the shows without "
                "sales only, or leave it as it is."
            )
        version = screen.layout_version + 1
        if not uow.admin.set_layout_version(
            screen_id,
            expected=screen.layout_version,
            new=version,
            layout_text=layout_text(layout, types),
        ):
            raise InvalidState("someone else changed this screen's layout meanwhile; reopen it")
        uow.admin.add_layout_seats(screen_id, version, layout)
        new_seats = uow.catalog.screen_seats(screen_id)
        pricer = ShowPricer(uow)
        rebuilt: list[ShowRef] = []
        kept = list(keep)
        for ref in impact.without_sales:
            show = uow.admin.show(ref.show_id, now)
            assert show is not None
            prices = pricer.seat_prices(
                new_seats,
                theater_id=show.theater_id,
                movie_id=show.movie_id,
                starts_at=show.starts_at,
                timezone=show.timezone,
            )
            if uow.admin.replace_show_seats(ref.show_id, prices):
                rebuilt.append(ref)
                audit_change(
                    uow,
                    ctx,
                    now,
                    action="SHOW_SEATS_REBUILT",
                    entity="show",
                    entity_id=ref.show_id,
                    show_id=ref.show_id,
                    before={"layout_version": screen.layout_version},
                    after={"layout_version": version, "seats": len(prices)},
                )
            else:  # a sale arrived meanwhile (cannot happen under the lock; kept to be sure)
                kept.append(ref)
        audit_change(
            uow,
            ctx,
            now,
            action="SCREEN_LAYOUT_CHANGED",
            entity="screen",
            entity_id=screen_id,
            before={"layout_version": screen.layout_version, **describe_counts(old)},
            after={"layout_version": version, **describe_counts(layout)},
            rebuilt_shows=[r.show_id for r in rebuilt],
            kept_shows=[r.show_id for r in kept],
        )
        uow.commit()
    return LayoutSaveResult(screen_id, version, len(layout), tuple(rebuilt), tuple(kept))


__all__ = [
    "create_screen",
    "layout_impact",
    "layout_text",
    "list_screens",
    "save_layout",
    "screen_layout",
    "seat_type_choices",
    "type_codes",
    "update_screen",
    "validate_layout",
]

"""The seat heat map: which seats sell first.

For one show, each sold seat's heat is where it came in the order of sale: the first seat sold
has heat 1.00, the last 1/n, a seat never sold none. The time is measured from the show's
on-sale moment (when it was scheduled). Over several shows of the same screen (the period of the
filter), a seat's heat is its average over those shows (a show where it did not sell counts 0),
which is what a manager pricing the rows wants to see.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from bms_desktop.domain.errors import NotFound, ValidationError
from bms_desktop.services import queries
from bms_desktop.services.context import BoxOffice, CounterContext
from bms_desktop.services.dto import SeatMap
from bms_desktop.services.ports_reports import SeatSaleFact
from bms_desktop.services.report_facts import FactContext
from bms_desktop.services.report_model import Column, Report, ReportFilter, ReportTable
from bms_desktop.services.reports import (
    _cinema,
    _subtitle,
    check_filter,
    local,
    require_reports,
    shows_in,
)

HUNDREDTH = Decimal("0.01")


@dataclass(frozen=True)
class HeatMap:
    seat_map: SeatMap  # the chosen show's seats (for painting)
    show_heat: Mapping[int, Decimal]  # show_seat_id -> 0..1 for this show (sold seats only)
    screen_heat: Mapping[int, Decimal]  # show_seat_id -> average over the screen's shows
    shows_counted: int  # shows of this screen (same layout) in the period
    report: Report


def order_heat(sales: Sequence[SeatSaleFact]) -> dict[int, tuple[int, Decimal]]:
    """show_seat_id -> (place in the order of sale, heat) for the sold seats of one show."""
    sold = sorted(
        (s for s in sales if s.first_sold_at is not None),
        key=lambda s: (s.first_sold_at, s.row, s.col),
    )
    n = len(sold)
    return {
        s.show_seat_id: (i + 1, (Decimal(n - i) / n).quantize(HUNDREDTH, ROUND_HALF_UP))
        for i, s in enumerate(sold)
    }


def seat_heat(box: BoxOffice, ctx: CounterContext, flt: ReportFilter) -> HeatMap:
    require_reports(ctx)
    check_filter(flt)
    if flt.show_id is None:
        raise ValidationError("the seat heat map is for one show: choose it", field="show")
    with box.uows() as uow:
        cinema = _cinema(uow, flt.theater_id)
        fctx = FactContext.load(uow)
        found = uow.reports.show_facts(show_ids=[flt.show_id])
        if not found:
            raise NotFound(f"show {flt.show_id} does not exist (or is a race-lab show)")
        show = found[0]
        peers = [
            s
            for s in shows_in(uow, ReportFilter(flt.date_from, flt.date_to, show.theater_id), fctx)
            if s.screen_id == show.screen_id and s.cancelled_at is None
        ]
        ids = sorted({show.show_id, *(s.show_id for s in peers)})
        sales = uow.reports.seat_sales(ids)
    seat_map = queries.get_seat_map(box, show.show_id)
    by_show: dict[int, list[SeatSaleFact]] = defaultdict(list)
    for s in sales:
        by_show[s.show_id].append(s)
    mine = by_show[show.show_id]
    ranks = order_heat(mine)
    by_seat = {s.seat_id: s.show_seat_id for s in mine}
    totals: dict[int, Decimal] = defaultdict(Decimal)
    counted = [sid for sid in ids if {s.seat_id for s in by_show[sid]} == set(by_seat)]
    for sid in counted:  # shows on the same layout only
        heat_of = order_heat(by_show[sid])
        for s in by_show[sid]:
            totals[s.seat_id] += heat_of.get(s.show_seat_id, (0, Decimal(0)))[1]
    screen_heat = {
        by_seat[seat]: (value / len(counted)).quantize(HUNDREDTH, ROUND_HALF_UP)
        for seat, value in totals.items()
        if seat in by_seat and counted
    }
    tz = show.timezone
    rows = []
    ordered = sorted(mine, key=lambda s: (ranks.get(s.show_seat_id, (10**9, 0))[0], s.row, s.col))
    for s in ordered:
        place, heat = ranks.get(s.show_seat_id, (None, None))
        hours = None
        if s.first_sold_at is not None:
            seconds = (s.first_sold_at - show.on_sale_at).total_seconds()
            hours = (Decimal(seconds) / 3600).quantize(Decimal("0.1"), ROUND_HALF_UP)
        rows.append((
            s.label, s.seat_type.title(), s.status.title(),
            None if s.first_sold_at is None else local(s.first_sold_at, tz),
            hours, place, heat, screen_heat.get(s.show_seat_id),
        ))  # fmt: skip
    table = ReportTable(
        key="seats",
        title=f"{show.movie_title} · {local(show.starts_at, tz):%a %d %b %H:%M} · "
        f"{show.screen_name}",
        columns=(
            Column("seat", "Seat"),
            Column("type", "Type"),
            Column("status", "Now"),
            Column("sold_at", "First sold", "datetime"),
            Column("hours", "Hours after on sale", "decimal"),
            Column("order", "Order of sale", "int"),
            Column("heat", "Heat (this show)", "decimal"),
            Column("screen_heat", f"Heat ({len(counted)} shows)", "decimal"),
        ),
        rows=tuple(rows),
    )
    report = Report(
        name="seat-heat-map",
        title="Seat heat map",
        subtitle=_subtitle(flt, cinema),
        filters=flt,
        generated_at=local(box.now(), tz),
        facts=(
            ("Show", f"{show.movie_title}, {local(show.starts_at, tz):%d %b %Y %H:%M}"),
            ("Screen", f"{show.theater_name} · {show.screen_name}"),
            ("On sale since", f"{local(show.on_sale_at, tz):%d %b %Y %H:%M}"),
            ("Seats sold", f"{len(ranks)} of {show.capacity}"),
            ("Shows of this screen in the period", str(len(counted))),
        ),
        tables=(table,),
        notes=(
            "Heat 1.00 = the first seat sold, 1/n = the last; the screen's heat is the average "
            "over its shows in the period (a show where the seat did not sell counts 0).",
        ),
    )
    return HeatMap(seat_map, ranks_to_heat(ranks), screen_heat, len(counted), report)


def ranks_to_heat(ranks: Mapping[int, tuple[int, Decimal]]) -> dict[int, Decimal]:
    return {k: v[1] for k, v in ranks.items()}


def heat_report(box: BoxOffice, ctx: CounterContext, flt: ReportFilter) -> Report:
    return seat_heat(box, ctx, flt).report


def shows_for_heat(box: BoxOffice, ctx: CounterContext, flt: ReportFilter) -> list[tuple[int, str]]:
    """(show id, description) of the shows in the period, to choose one for the heat map."""
    require_reports(ctx)
    check_filter(flt)
    with box.uows() as uow:
        fctx = FactContext.load(uow)
        shows = shows_in(uow, flt, fctx)
    return [
        (s.show_id, f"{local(s.starts_at, s.timezone):%a %d %b %H:%M} · {s.movie_title} · "
                    f"{s.screen_name} · {s.sold}/{s.capacity} sold")
        for s in shows
        if s.cancelled_at is None
    ]  # fmt: skip


__all__ = ["HeatMap", "heat_report", "order_heat", "seat_heat", "shows_for_heat"]

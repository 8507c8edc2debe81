"""Shows: one show or a schedule (every chosen weekday between two dates, at a few times, on
one or more screens), all or nothing, with a preview first; cancelling a show. Admin only.

A show may not overlap another on its screen (the movie's runtime plus the cleaning gap) and may
not start in the past; the preview and the refusal name every clash, in the cinema's time zone.
Creating re-checks everything inside one write transaction (the screens locked on PostgreSQL),
so two admins scheduling the same screen at once cannot both win.

Cancelling a show marks it cancelled (off sale at once: the finder and every hold refuse it),
releases unpaid holds, then refunds every confirmed ticket through the counters' own refund path
(``services.cancellation.cancel_booking``), or is refused (too late to refund, show started).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from bms_desktop.domain import rules
from bms_desktop.domain.errors import DomainError, InvalidState, NotFound, ValidationError
from bms_desktop.domain.model import TicketStatus
from bms_desktop.services import cancellation
from bms_desktop.services.admin.common import (
    audit_change,
    clean_text,
    require_admin,
    require_id,
    valid_id,
)
from bms_desktop.services.admin.dto import (
    CancelPreview,
    CancelResult,
    PlannedShow,
    SchedulePreview,
    ScheduleRequest,
    ScheduleResult,
    ShowRow,
)
from bms_desktop.services.admin.show_pricing import ShowPricer
from bms_desktop.services.context import BoxOffice, CounterContext, load_settings
from bms_desktop.services.ports import UnitOfWork
from bms_desktop.services.ports_admin import ShowListFilter
from bms_desktop.services.sale_common import record_audit

MAX_DAYS = 62
MAX_TIMES = 12
MAX_SHOWS = 3000
NAMED_CLASHES = 10
_TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")

Progress = Callable[[int, int], None]


class ScheduleCancelled(DomainError):
    """The person stopped a long schedule; nothing was created."""


def parse_times(text: str) -> tuple[time, ...]:
    """``"10:00, 14:00, 18:30"`` -> times, sorted; ValidationError(field="times")."""
    parts = [p for p in re.split(r"[,\s;]+", text.strip()) if p]
    if not parts:
        raise ValidationError(
            "give at least one start time, e.g. 10:00, 14:00, 18:30", field="times"
        )
    out: set[time] = set()
    for part in parts:
        m = _TIME.match(part)
        if not m:
            raise ValidationError(
                f"'{part}' is not a time; write 24-hour times like 18:30", field="times"
            )
        out.add(time(int(m.group(1)), int(m.group(2))))
    if len(out) > MAX_TIMES:
        raise ValidationError(f"at most {MAX_TIMES} start times a day", field="times")
    return tuple(sorted(out))


def local_to_utc(day: date, at: time, zone: ZoneInfo) -> datetime:
    """A cinema-local wall-clock time as UTC (the earlier one when clocks go back)."""
    return datetime.combine(day, at, zone).astimezone(UTC)


def _hm(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%H:%M")


def _when(moment: datetime, zone: ZoneInfo) -> str:
    local = moment.astimezone(zone)
    return f"{local:%a %d %b %Y %H:%M} {local.tzname()}"


# --------------------------------------------------------------------------- listing


def list_shows(
    box: BoxOffice,
    ctx: CounterContext,
    *,
    theater_id: int | None = None,
    screen_id: int | None = None,
    movie_id: int | None = None,
    starts_from: datetime | None = None,
    days: int = 14,
    include_cancelled: bool = True,
) -> list[ShowRow]:
    """Shows from ``starts_from`` (default: today's shows still running) for ``days`` days."""
    require_admin(ctx, "Listing shows")
    if not 1 <= days <= 366:
        raise ValidationError("list 1 to 366 days of shows", field="days")
    now = box.now()
    start = starts_from if starts_from is not None else now - timedelta(hours=12)
    with box.uows() as uow:
        return uow.admin.shows(
            ShowListFilter(
                theater_id=theater_id,
                screen_id=screen_id,
                movie_id=movie_id,
                starts_from=start,
                starts_to=start + timedelta(days=days),
                include_cancelled=include_cancelled,
            ),
            now,
        )


def get_show(box: BoxOffice, ctx: CounterContext, show_id: int) -> ShowRow:
    require_admin(ctx, "Opening a show")
    show_id = require_id(show_id, "show")
    with box.uows() as uow:
        show = uow.admin.show(show_id, box.now())
    if show is None:
        raise NotFound(f"show {show_id} does not exist")
    return show


# --------------------------------------------------------------------------- scheduling


@dataclass(frozen=True)
class _Checked:
    movie_title: str
    runtime: int
    language: str
    format: str
    gap: int


def _check_request(uow: UnitOfWork, req: ScheduleRequest, now: datetime) -> _Checked:
    movie = uow.admin.movie(req.movie_id, now) if valid_id(req.movie_id) else None
    if movie is None:
        raise ValidationError("choose the movie", field="movie_id")
    if not movie.active:
        raise ValidationError(f"{movie.title} is retired; restore it first", field="movie_id")
    if not req.screen_ids:
        raise ValidationError("choose at least one screen", field="screen_ids")
    if not all(valid_id(s) for s in req.screen_ids):
        raise ValidationError("one of the screens does not exist", field="screen_ids")
    if req.last_day < req.first_day:
        raise ValidationError("the last day is before the first day", field="last_day")
    if (req.last_day - req.first_day).days >= MAX_DAYS:
        raise ValidationError(f"a schedule covers at most {MAX_DAYS} days", field="last_day")
    if not req.times:
        raise ValidationError("give at least one start time", field="times")
    if len(set(req.times)) > MAX_TIMES:
        raise ValidationError(f"at most {MAX_TIMES} start times a day", field="times")
    if not req.weekdays or not set(req.weekdays) <= set(range(7)):
        raise ValidationError("choose at least one day of the week", field="weekdays")
    language = clean_text(
        req.language, field="language", label="The language", column="shows.language"
    )
    known = {x.casefold(): x for x in movie.languages.split(",")}
    if language.casefold() not in known:
        raise ValidationError(
            f"{movie.title} is in {movie.languages.replace(',', ', ')}; choose one of those",
            field="language",
        )
    fmt = clean_text(req.format, field="format", label="The format", column="shows.format")
    cfg = load_settings(uow)
    return _Checked(
        movie.title, movie.runtime_min, known[language.casefold()], fmt, cfg.cleaning_gap_minutes
    )


def _plan(
    uow: UnitOfWork, req: ScheduleRequest, checked: _Checked, now: datetime
) -> list[PlannedShow]:
    runtime = timedelta(minutes=checked.runtime)
    gap = timedelta(minutes=checked.gap)
    planned: list[PlannedShow] = []
    days = [
        req.first_day + timedelta(days=i)
        for i in range((req.last_day - req.first_day).days + 1)
        if (req.first_day + timedelta(days=i)).weekday() in req.weekdays
    ]
    for screen_id in sorted(set(req.screen_ids)):
        screen = uow.admin.screen(screen_id, now)
        if screen is None:
            raise ValidationError(
                f"screen {screen_id} does not exist (any more)", field="screen_ids"
            )
        if not screen.active:
            raise ValidationError(f"{screen.name} is deactivated", field="screen_ids")
        if screen.seat_count == 0:
            raise ValidationError(
                f"{screen.name} has no seats; draw its layout first", field="screen_ids"
            )
        zone = ZoneInfo(screen.timezone)
        starts = [local_to_utc(d, t, zone) for d in days for t in sorted(set(req.times))]
        if not starts:
            continue
        existing = uow.admin.screen_shows_between(
            screen_id, min(starts) - timedelta(days=1), max(starts) + runtime + gap
        )
        mine: list[tuple[datetime, datetime]] = []
        for start in sorted(starts):
            end = start + runtime
            clash = ""
            if start < now:
                clash = f"{_when(start, zone)} is in the past"
            else:
                for show_id, title, o_start, o_end in existing:
                    if start < o_end + gap and o_start < end + gap:
                        clash = (
                            f"overlaps {title} {_hm(o_start, zone)}-{_hm(o_end, zone)} "
                            f"(show #{show_id}) with the {checked.gap} min cleaning gap"
                        )
                        break
                if not clash:
                    for o_start, o_end in mine:
                        if start < o_end + gap and o_start < end + gap:
                            clash = (
                                f"overlaps this schedule's show at {_hm(o_start, zone)}-"
                                f"{_hm(o_end, zone)} with the {checked.gap} min cleaning gap"
                            )
                            break
            if not clash:
                mine.append((start, end))
            planned.append(
                PlannedShow(
                    screen_id, screen.name, screen.theater_name, start, end, screen.timezone, clash
                )
            )
    if len(planned) > MAX_SHOWS:
        raise ValidationError(
            f"{len(planned)} shows at once is too many; at most {MAX_SHOWS}", field="last_day"
        )
    return planned


def preview_schedule(box: BoxOffice, ctx: CounterContext, req: ScheduleRequest) -> SchedulePreview:
    """The shows a request would create, each with its clash (if any)."""
    require_admin(ctx, "Planning shows")
    now = box.now()
    with box.uows() as uow:
        checked = _check_request(uow, req, now)
        planned = _plan(uow, req, checked, now)
    return SchedulePreview(checked.movie_title, checked.runtime, checked.gap, tuple(planned))


def describe_clash(show: PlannedShow) -> str:
    zone = ZoneInfo(show.timezone)
    return f"{show.screen_name}, {_when(show.starts_at, zone)}: {show.clash}"


def create_schedule(
    box: BoxOffice,
    ctx: CounterContext,
    req: ScheduleRequest,
    *,
    progress: Progress | None = None,
) -> ScheduleResult:
    """Create every show of the request, priced from the rules, or none (any clash refuses
    the whole request, naming the clashes). ``progress(done, total)`` is called as it goes and
    may raise ``ScheduleCancelled`` to stop (nothing is then created)."""
    require_admin(ctx, "Scheduling shows")
    now = box.now()
    if not all(valid_id(s) for s in req.screen_ids):
        raise ValidationError("one of the screens does not exist", field="screen_ids")
    with box.uows(write=True, label=ctx.counter) as uow:
        for screen_id in sorted(set(req.screen_ids)):
            uow.admin.lock_screen(screen_id)
        checked = _check_request(uow, req, now)
        planned = _plan(uow, req, checked, now)
        if not planned:
            raise ValidationError(
                "no day in that range falls on the chosen weekdays", field="weekdays"
            )
        clashes = [p for p in planned if p.clash]
        if clashes:
            named = "; ".join(describe_clash(c) for c in clashes[:NAMED_CLASHES])
            more = len(clashes) - NAMED_CLASHES
            raise ValidationError(
                f"{len(clashes)} of the {len(planned)} shows cannot be scheduled, so none was: "
                + named
                + (f"; and {more} more" if more > 0 else ""),
                field="times",
            )
        pricer = ShowPricer(uow)
        seats_by_screen = {sid: uow.catalog.screen_seats(sid) for sid in set(req.screen_ids)}
        theater_of: dict[int, int] = {}
        ids: list[int] = []
        seat_count = 0
        total = len(planned)
        if progress is not None:
            progress(0, total)
        for i, show in enumerate(planned, start=1):
            if show.screen_id not in theater_of:
                info = uow.catalog.screen_theater(show.screen_id)
                assert info is not None
                theater_of[show.screen_id] = info[0]
            seats = seats_by_screen[show.screen_id]
            prices = pricer.seat_prices(
                seats,
                theater_id=theater_of[show.screen_id],
                movie_id=req.movie_id,
                starts_at=show.starts_at,
                timezone=show.timezone,
            )
            show_id = uow.catalog.add_show(
                movie_id=req.movie_id,
                screen_id=show.screen_id,
                starts_at=show.starts_at,
                ends_at=show.ends_at,
                language=checked.language,
                format=checked.format,
                created_at=now,
                seat_prices=prices,
            )
            record_audit(
                uow,
                ctx,
                now,
                "SHOW_SCHEDULED",
                entity="show",
                entity_id=show_id,
                show_id=show_id,
                after={
                    "movie_id": req.movie_id,
                    "screen_id": show.screen_id,
                    "starts_at": show.starts_at.isoformat(),
                    "language": checked.language,
                    "format": checked.format,
                },
            )
            ids.append(show_id)
            seat_count += len(prices)
            if progress is not None:
                progress(i, total)
        if len(ids) > 1:
            audit_change(
                uow,
                ctx,
                now,
                action="SCHEDULE_CREATED",
                entity="movie",
                entity_id=req.movie_id,
                after={
                    "shows": len(ids),
                    "screens": sorted(set(req.screen_ids)),
                    "first_day": req.first_day,
                    "last_day": req.last_day,
                    "times": [t.strftime("%H:%M") for t in sorted(set(req.times))],
                },
            )
        uow.commit()
    return ScheduleResult(tuple(ids), seat_count)


# --------------------------------------------------------------------------- cancelling


def _fee(uow: UnitOfWork) -> Decimal:
    return Decimal(load_settings(uow).cancellation_fee)


def cancel_preview(box: BoxOffice, ctx: CounterContext, show_id: int) -> CancelPreview:
    """How many tickets and how much money a cancellation would refund, or why it cannot."""
    require_admin(ctx, "Cancelling a show")
    show_id = require_id(show_id, "show")
    now = box.now()
    with box.uows() as uow:
        show = uow.admin.show(show_id, now)
        if show is None:
            raise NotFound(f"show {show_id} does not exist")
        tickets = uow.admin.live_tickets(show_id)
        cfg = load_settings(uow)
        fee = _fee(uow)
    confirmed = [t for t in tickets if t.status == TicketStatus.CONFIRMED]
    pending = [t for t in tickets if t.status == TicketStatus.PENDING_PAYMENT]
    refund = sum(
        (rules.compute_refund(total=t.total, fee=min(fee, t.total)) for t in confirmed),
        Decimal("0.00"),
    )
    refusal = _refusal(show, now, bool(confirmed), cfg.cancel_cutoff_minutes)
    return CancelPreview(
        show=show,
        tickets=len(confirmed),
        seats=sum(t.seat_count for t in confirmed),
        refund_total=refund,
        pending_holds=len(pending),
        refusal=refusal,
    )


def _refusal(show: ShowRow, now: datetime, has_sales: bool, cutoff: int) -> str:
    zone = ZoneInfo(show.timezone)
    if show.cancelled_at is not None and not has_sales:
        return f"this show was already cancelled ({_when(show.cancelled_at, zone)})"
    if show.starts_at <= now:
        return "this show has started; it cannot be cancelled"
    if has_sales:
        deadline = rules.cancellation_deadline(show.starts_at, cutoff)
        if now >= deadline:
            return (
                f"too late to refund its tickets: refunds closed at {_when(deadline, zone)} "
                f"({cutoff} min before the show)"
            )
    return ""


def cancel_show(box: BoxOffice, ctx: CounterContext, show_id: int, *, reason: str) -> CancelResult:
    """Take the show off sale for good and refund every ticket (see the module docstring)."""
    require_admin(ctx, "Cancelling a show")
    show_id = require_id(show_id, "show")
    why = clean_text(reason, field="reason", label="The reason", column="shows.cancel_reason")
    now = box.now()
    released = 0
    with box.uows(write=True, label=ctx.counter) as uow:
        show = uow.admin.show(show_id, now)
        if show is None:
            raise NotFound(f"show {show_id} does not exist")
        tickets = uow.admin.live_tickets(show_id)
        confirmed = [t for t in tickets if t.status == TicketStatus.CONFIRMED]
        refusal = _refusal(show, now, bool(confirmed), load_settings(uow).cancel_cutoff_minutes)
        if refusal:
            raise InvalidState(refusal[:1].upper() + refusal[1:] + "; nothing was changed.")
        if show.cancelled_at is None:
            if not uow.admin.cancel_show(show_id, now, why):
                raise InvalidState("someone cancelled this show meanwhile")
            audit_change(
                uow,
                ctx,
                now,
                action="SHOW_CANCELLED",
                entity="show",
                entity_id=show_id,
                show_id=show_id,
                before={"cancelled_at": None},
                after={"cancelled_at": now, "cancel_reason": why},
                tickets=len(confirmed),
            )
        for ticket in tickets:
            if ticket.status == TicketStatus.PENDING_PAYMENT and uow.booking.release(
                ticket.ticket_id, TicketStatus.CANCELLED, now, from_status="PENDING_PAYMENT"
            ):
                released += 1
                record_audit(
                    uow,
                    ctx,
                    now,
                    "RELEASE",
                    entity_id=ticket.ticket_id,
                    show_id=show_id,
                    code=ticket.code,
                    show_cancelled=True,
                )
        uow.commit()
    # The show is off sale now. Refund every confirmed ticket through the counters' own path;
    # look again afterwards in case a payment was confirmed while the show was being cancelled.
    refunded = 0
    total = Decimal("0.00")
    failures: list[str] = []
    tried: set[int] = set()
    for _ in range(3):
        with box.uows() as uow:
            todo = [
                t
                for t in uow.admin.live_tickets(show_id)
                if t.status == TicketStatus.CONFIRMED and t.ticket_id not in tried
            ]
        if not todo:
            break
        for ticket in todo:
            tried.add(ticket.ticket_id)
            try:
                # Call site (issue 8): the same cancel + refund path as a counter's supervisor.
                result = cancellation.cancel_booking(
                    box, ctx, ticket_id=ticket.ticket_id, reason=f"show cancelled: {why}"
                )
            except DomainError as exc:
                failures.append(f"{ticket.code}: {exc.message}")
                continue
            refunded += 1
            total += result.refund
    return CancelResult(show_id, refunded, total, released, tuple(failures))


__all__ = [
    "ScheduleCancelled",
    "cancel_preview",
    "cancel_show",
    "create_schedule",
    "describe_clash",
    "get_show",
    "list_shows",
    "parse_times",
    "preview_schedule",
]

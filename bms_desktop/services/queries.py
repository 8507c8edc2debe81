"""Read-only use cases: find shows, a show's seat map, best available seats, bookings, quotes.

Reads run in deferred transactions and never block another counter. A hold whose time ran out
reads as AVAILABLE here (the sweeper and the next write clean it up in the database).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from bms_desktop.domain import limits, rules
from bms_desktop.domain.coupons import evaluate_coupon, normalise_code
from bms_desktop.domain.errors import CouponRejected, NotFound, ValidationError
from bms_desktop.domain.model import SeatStatus, Strategy, TicketStatus
from bms_desktop.domain.pricing import price_seat, round_money
from bms_desktop.domain.seating import SeatSlot, best_available, best_split
from bms_desktop.domain.ticket_types import (
    DEFAULT_TYPE,
    effective_types,
    normalise_type_code,
    price_for_type,
)
from bms_desktop.services.context import BoxOffice, load_settings
from bms_desktop.services.dto import (
    BestSeats,
    BookingView,
    ConcurrencyReport,
    HoldResult,
    PaymentView,
    PriceLine,
    Quote,
    SeatMap,
    SeatTypeView,
    SeatView,
    ShowSummary,
)
from bms_desktop.services.ports import (
    NamedRef,
    SeatMapRow,
    SeatState,
    ShowFilter,
    UnitOfWork,
)
from bms_desktop.services.price_lines import ticket_price_line  # issue 8 (admin-B)
from bms_desktop.services.sale_common import normalise_phone


@dataclass(frozen=True)
class FilterChoices:
    cities: tuple[NamedRef, ...]
    theaters: tuple[NamedRef, ...]
    languages: tuple[str, ...]
    genres: tuple[str, ...]
    timezone: str


def filter_choices(box: BoxOffice) -> FilterChoices:
    with box.uows() as uow:
        cfg = load_settings(uow)
        return FilterChoices(
            cities=tuple(uow.queries.cities()),
            theaters=tuple(uow.queries.theaters()),
            languages=tuple(uow.queries.languages()),
            genres=tuple(uow.queries.genres()),
            timezone=cfg.box_office_timezone,
        )


def find_shows(
    box: BoxOffice,
    *,
    city_id: int | None = None,
    theater_id: int | None = None,
    on_date: date | None = None,
    days: int = 1,
    movie_text: str = "",
    language: str = "",
    genre: str = "",
    min_rating: Decimal | float | str | None = None,
    include_scratch: bool = False,
    limit: int = 500,
) -> list[ShowSummary]:
    """Upcoming shows first. ``on_date`` is a local date of the box office (``days`` long)."""
    rating: Decimal | None = None
    if min_rating not in (None, ""):
        try:
            rating = Decimal(str(min_rating))
        except ArithmeticError as exc:
            raise ValidationError(f"'{min_rating}' is not a rating") from exc
        if not Decimal(0) <= rating <= Decimal(10):
            raise ValidationError("a minimum rating is between 0 and 10")
    if days < 1:
        raise ValidationError("the date range must be at least one day")
    now = box.now()
    with box.uows() as uow:
        tz = ZoneInfo(load_settings(uow).box_office_timezone)
        starts_from = starts_to = None
        if on_date is not None:
            starts_from = datetime.combine(on_date, time(0), tz).astimezone(UTC)
            starts_to = datetime.combine(on_date + timedelta(days=days), time(0), tz).astimezone(
                UTC
            )
        flt = ShowFilter(
            city_id=city_id,
            theater_id=theater_id,
            starts_from=starts_from,
            starts_to=starts_to,
            movie_text=movie_text,
            language=language,
            genre=genre,
            min_rating=rating,
            include_scratch=include_scratch,
            limit=limit,
        )
        return uow.queries.find_shows(flt, now)


def _seat_view(r: SeatMapRow, now: datetime) -> SeatView:
    status = SeatStatus(r.status)
    live = status == SeatStatus.HELD and rules.hold_is_live(r.hold_expires_at, now)
    if status == SeatStatus.HELD and not live:
        status = SeatStatus.AVAILABLE
    return SeatView(
        show_seat_id=r.show_seat_id,
        seat_id=r.seat_id,
        label=r.label,
        row_label=r.row_label,
        number=r.number,
        col=r.col,
        row=r.row,
        seat_type=r.seat_type,
        price=r.price,
        status=status,
        version=r.version,
        accessible=r.accessible,
        companion=r.companion,
        held_by_counter=r.counter if status in (SeatStatus.HELD, SeatStatus.SOLD) else None,
        held_by_ticket_id=r.ticket_id if status in (SeatStatus.HELD, SeatStatus.SOLD) else None,
        hold_expires_at=r.hold_expires_at if live else None,
    )


def _seat_map(uow: UnitOfWork, show_id: int, now: datetime) -> SeatMap:
    show = uow.queries.show_summary(show_id, now)
    if show is None:
        raise NotFound(f"show {show_id} does not exist")
    seats = tuple(_seat_view(r, now) for r in uow.queries.seat_map_rows(show_id))
    names = {t.code: t for t in uow.queries.seat_types()}
    prices: dict[str, list[Decimal]] = {}
    for s in seats:
        prices.setdefault(s.seat_type, []).append(s.price)
    types = tuple(
        sorted(
            (
                SeatTypeView(
                    code=code,
                    name=names[code].name if code in names else code.title(),
                    min_price=min(ps),
                    max_price=max(ps),
                    rank=names[code].rank if code in names else 99,
                )
                for code, ps in prices.items()
            ),
            key=lambda t: (t.min_price, t.rank, t.code),
        )
    )
    cols = max((s.col for s in seats), default=-1) + 1
    rows = max((s.row for s in seats), default=-1) + 1
    return SeatMap(show=show, seats=seats, seat_types=types, loaded_at=now, cols=cols, rows=rows)


def get_seat_map(box: BoxOffice, show_id: int) -> SeatMap:
    now = box.now()
    with box.uows() as uow:
        return _seat_map(uow, show_id, now)


def get_seats(box: BoxOffice, show_id: int, show_seat_ids: Sequence[int]) -> list[SeatView]:
    """Fresh views of some seats of a show (for a partial refresh of a map)."""
    wanted = set(show_seat_ids)
    return [s for s in get_seat_map(box, show_id).seats if s.show_seat_id in wanted]


def best_available_seats(
    box: BoxOffice,
    show_id: int,
    count: int,
    *,
    seat_type: str | None = None,
    accessible: bool = False,
    seat_map: SeatMap | None = None,
) -> tuple[int, ...]:
    """The best ``count`` adjacent free seats (empty tuple when there are none)."""
    smap = seat_map if seat_map is not None else get_seat_map(box, show_id)
    slots = _slots(smap)
    return best_available(slots, count, seat_type=seat_type, accessible=accessible) or ()


def best_seats(
    box: BoxOffice,
    show_id: int,
    count: int,
    *,
    seat_type: str | None = None,
    seat_map: SeatMap | None = None,
) -> BestSeats | None:
    """The best ``count`` free seats together; when no row has them, the best split over the
    fewest (adjacent) rows, never leaving anyone alone where that can be helped. None when
    fewer than ``count`` seats are free."""
    smap = seat_map if seat_map is not None else get_seat_map(box, show_id)
    slots = _slots(smap)
    labels = {s.row: s.row_label for s in smap.seats}
    together = best_available(slots, count, seat_type=seat_type)
    if together:
        row = next(s.row for s in slots if s.key == together[0])
        return BestSeats(together, True, (labels[row],), (count,))
    split = best_split(slots, count, seat_type=seat_type)
    if split is None:
        return None
    return BestSeats(split.keys, False, tuple(labels[r] for r in split.rows), split.sizes)


def _slots(smap: SeatMap) -> list[SeatSlot]:
    return [
        SeatSlot(
            key=s.show_seat_id,
            row=s.row,
            col=s.col,
            seat_type=s.seat_type,
            available=s.status == SeatStatus.AVAILABLE,
            accessible=s.accessible,
            companion=s.companion,
        )
        for s in smap.seats
    ]


def quote_seats(
    box: BoxOffice,
    show_id: int,
    show_seat_ids: Sequence[int],
    *,
    coupon_code: str | None = None,
    customer_phone: str | None = None,
    ticket_types: Mapping[int, str] | None = None,
) -> Quote:
    """Prices of the chosen seats with the rules behind each, and a coupon's effect.

    ``ticket_types`` ({show seat id: code}, issue 8) prices those seats for a ticket type
    (Child, Senior...) as ``set_ticket_types`` will once they are held; seats not named are
    Adult. A refused coupon does not raise: the quote carries the reason in ``coupon_message``.
    """
    wanted = set(show_seat_ids)
    now = box.now()
    with box.uows() as uow:
        info = uow.booking.show_info(show_id)
        if info is None:
            raise NotFound(f"show {show_id} does not exist")
        seats = uow.booking.seats(show_id, sorted(wanted), lock=False)
        base = {t.code: t.base_price for t in uow.queries.seat_types()}
        rule_specs = uow.catalog.pricing_rules()
        local_start = info.starts_at.astimezone(ZoneInfo(info.timezone))
        lines = []
        for s in seats:
            try:
                breakdown = price_seat(
                    seat_type=s.seat_type,
                    base_prices=base,
                    rules=rule_specs,
                    theater_id=info.theater_id,
                    movie_id=info.movie_id,
                    local_start=local_start,
                )
                explanation = breakdown.explanation
                if breakdown.price != s.price:
                    explanation = f"{s.price:.2f} as priced when the show was scheduled"
            except ValidationError:
                explanation = f"{s.price:.2f}"
            lines.append(PriceLine(s.label, s.seat_type, s.price, explanation))
        lines = _typed_lines(uow, info.theater_id, seats, lines, ticket_types or {})
        subtotal = round_money(sum((line.price for line in lines), Decimal("0")))
        discount = Decimal("0.00")
        message = None
        code = None
        if coupon_code and coupon_code.strip():
            code = normalise_code(coupon_code)
            too_long = len(code) > limits.limit(limits.COUPON_CODE)
            coupon = None if too_long else uow.booking.coupon_by_code(code)
            try:
                if coupon is None:
                    raise CouponRejected(f"there is no coupon {code}")
                key = normalise_phone(customer_phone) or "walk-in"
                discount = evaluate_coupon(
                    coupon,
                    subtotal=subtotal,
                    now=now,
                    customer_uses=uow.booking.coupon_uses(coupon.coupon_id, key),
                    tz=info.timezone,
                )
                message = f"{code}: {discount:.2f} off"
            except CouponRejected as exc:
                message = exc.message
                code = None
    return Quote(
        lines=tuple(lines),
        subtotal=subtotal,
        discount=discount,
        total=round_money(subtotal - discount),
        coupon_code=code,
        coupon_message=message,
    )


def _typed_lines(
    uow: UnitOfWork,
    theater_id: int,
    seats: Sequence[SeatState],
    lines: list[PriceLine],
    types: Mapping[int, str],
) -> list[PriceLine]:
    """The quote's lines priced for their ticket types (Adult lines as they are); a type not on
    offer at this cinema is refused, as ``set_ticket_types`` would refuse it."""
    wanted = {
        sid: normalise_type_code(code) for sid, code in types.items() if isinstance(code, str)
    }
    if all(code == DEFAULT_TYPE for code in wanted.values()):
        return lines
    offered = {t.code: t for t in effective_types(uow.config.ticket_type_specs(), theater_id)}
    out: list[PriceLine] = []
    for seat, line in zip(seats, lines, strict=True):
        code = wanted.get(seat.show_seat_id, DEFAULT_TYPE)
        if code == DEFAULT_TYPE:
            out.append(line)
            continue
        spec = offered.get(code)
        if spec is None:
            raise ValidationError(
                f"there is no ticket type {code[:20]} at this cinema", field="types"
            )
        price = price_for_type(line.price, spec)
        how = f"{line.explanation}; " if line.explanation else ""
        out.append(
            PriceLine(
                line.label,
                line.seat_type,
                price,
                f"{how}{spec.name} {spec.describe()} = {price:.2f}",
                ticket_type=code,
            )
        )
    return out


def _booking_view(uow: UnitOfWork, ticket_id: int, now: datetime) -> BookingView:
    ticket = uow.booking.ticket(ticket_id)
    if ticket is None:
        raise NotFound(f"ticket {ticket_id} does not exist")
    show = uow.queries.show_summary(ticket.show_id, now)
    assert show is not None
    seats = uow.booking.ticket_seats(ticket_id)
    coupon = uow.booking.coupon_by_id(ticket.coupon_id) if ticket.coupon_id else None
    staff = uow.staff.by_id(ticket.staff_id) if ticket.staff_id else None
    payments = uow.booking.payments(ticket_id)
    approvers = {
        p.approved_by_id: uow.staff.by_id(p.approved_by_id)
        for p in payments
        if p.approved_by_id is not None
    }
    status = TicketStatus(ticket.status)
    expires = ticket.hold_expires_at if status == TicketStatus.PENDING_PAYMENT else None
    if status == TicketStatus.PENDING_PAYMENT and not rules.hold_is_live(expires, now):
        status = TicketStatus.EXPIRED  # lazily: it is expired on every read path
    from bms_desktop.services.receipts import receipt_extras  # issue 11

    cinema, taxes = receipt_extras(uow, ticket.show_id, ticket.total, [s.price for s in seats])
    return BookingView(
        ticket_id=ticket.ticket_id,
        code=ticket.code,
        status=status,
        show=show,
        seat_labels=tuple(s.label for s in seats),
        lines=tuple(  # issue 8 (admin-B): each line names its ticket type
            ticket_price_line(s.label, s.seat_type, s.price, s.ticket_type) for s in seats
        ),
        subtotal=ticket.subtotal,
        discount=ticket.discount,
        total=ticket.total,
        coupon_code=None if coupon is None else coupon.code,
        customer_name=ticket.customer_name,
        customer_phone=ticket.customer_phone,
        counter=ticket.counter,
        clerk=staff.username if staff else "",
        created_at=ticket.created_at,
        confirmed_at=ticket.confirmed_at,
        cancelled_at=ticket.cancelled_at,
        hold_expires_at=expires,
        payments=tuple(
            PaymentView(
                payment_id=p.payment_id,
                kind=p.kind,
                mode=p.mode,
                status=p.status,
                amount=p.amount,
                reference=p.reference,
                tendered=p.tendered,
                change_due=p.change_due,
                created_at=p.created_at,
                approved_by=(
                    None
                    if p.approved_by_id is None
                    else _staff_name(approvers.get(p.approved_by_id))
                ),
            )
            for p in payments
        ),
        cinema=cinema,  # issue 11
        taxes=taxes,  # issue 11
    )


def _staff_name(record: object) -> str | None:
    return getattr(record, "username", None)


def get_booking(box: BoxOffice, ticket_id: int) -> BookingView:
    now = box.now()
    with box.uows() as uow:
        return _booking_view(uow, ticket_id, now)


def find_bookings(
    box: BoxOffice, text: str, *, show_id: int | None = None, limit: int = 50
) -> list[BookingView]:
    """Bookings by ticket code (whole, or a part of at least 3 letters and digits, with or
    without dashes, any case), by the customer's phone number (6 digits or more) or by a part of
    the customer's name; only of ``show_id`` when given (then an empty ``text`` lists the
    show's bookings). Newest first."""
    query = " ".join(text.split())
    if not query and show_id is None:
        raise ValidationError("enter a ticket code, a phone number or a customer's name")
    limits.check_length(query, limits.SEARCH_TEXT_MAX, what="a search", field="search")
    now = box.now()
    with box.uows() as uow:
        code = rules.normalise_ticket_code(query) if query else None
        ticket = uow.booking.ticket_by_code(code) if code else None
        if ticket is not None and show_id in (None, ticket.show_id):
            return [_booking_view(uow, ticket.ticket_id, now)]
        digits = normalise_phone(query) or ""
        phone_like = (
            bool(query)
            and sum(ch.isdigit() for ch in query) >= 6
            and not any(ch.isalpha() for ch in query)
        )
        if phone_like:
            found = [
                t
                for t in uow.booking.tickets_by_phone(digits, limit)
                if show_id is None or t.show_id == show_id
            ]
        else:
            code_part = "".join(ch for ch in query.upper() if ch.isalnum())
            found = uow.booking.search_tickets(
                code_part=code_part if len(code_part) >= 3 else "",
                name_part=query if len(query) >= 2 else "",
                show_id=show_id,
                limit=limit,
            )
            if query and len(code_part) < 3 and len(query) < 2:
                found = []
        return [_booking_view(uow, t.ticket_id, now) for t in found]


def pending_holds(box: BoxOffice, counter: str) -> list[HoldResult]:
    """The seats this counter still holds (a window closed, the program was killed): every
    PENDING_PAYMENT ticket of the counter whose hold has not run out, oldest first, as holds
    the counter can take up again (pay for them or release them)."""
    now = box.now()
    out: list[HoldResult] = []
    with box.uows() as uow:
        for ticket in uow.booking.pending_tickets(counter, now):
            seats = uow.booking.ticket_seats(ticket.ticket_id)
            live = [s for s in seats if s.live]
            if not live or ticket.hold_expires_at is None:
                continue
            lines = tuple(  # each line with its ticket type (issue 8)
                ticket_price_line(s.label, s.seat_type, s.price, s.ticket_type) for s in live
            )
            coupon = uow.booking.coupon_by_id(ticket.coupon_id) if ticket.coupon_id else None
            try:
                strategy = Strategy(ticket.strategy)
            except ValueError:
                strategy = Strategy.PESSIMISTIC
            out.append(
                HoldResult(
                    ticket_id=ticket.ticket_id,
                    ticket_code=ticket.code,
                    show_id=ticket.show_id,
                    seat_labels=tuple(s.label for s in live),
                    show_seat_ids=tuple(s.show_seat_id for s in live),
                    expires_at=ticket.hold_expires_at,
                    quote=Quote(
                        lines,
                        ticket.subtotal,
                        ticket.discount,
                        ticket.total,
                        coupon_code=None if coupon is None else coupon.code,
                    ),
                    report=ConcurrencyReport(strategy=strategy, attempts=0),
                )
            )
    return out

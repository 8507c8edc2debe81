"""The demo box office: realistic cities, cinemas, screens, movies, two weeks of shows, pricing
rules, coupons, staff, and some seats already sold and held today.

Demo passwords exist only in a demo database: they are stored in its settings (so the demo login
screen can show them) and printed by ``bms-desktop seed``.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from bms_desktop.domain import rules
from bms_desktop.domain.errors import DomainError, InvalidState
from bms_desktop.domain.layouts import demo_layouts
from bms_desktop.domain.model import (
    DEFAULT_SEAT_TYPES,
    CouponKind,
    PaymentMode,
    PricingRuleKind,
    Role,
    Strategy,
)
from bms_desktop.domain.pricing import WEEKEND_MASK
from bms_desktop.services import auth, booking, catalog, checkout, demo_history
from bms_desktop.services.context import SYSTEM, BoxOffice, CounterContext, load_settings
from bms_desktop.services.dto import ShowSummary
from bms_desktop.services.ports import NewCoupon, NewPricingRule, ShowFilter

DEMO_TZ = "Asia/Kolkata"
DEMO_STAFF: tuple[tuple[str, str, Role, str], ...] = (
    ("admin", "Anita Rao", Role.ADMIN, "admin-demo"),
    ("supervisor", "Suresh Menon", Role.SUPERVISOR, "supervisor-demo"),
    ("asha", "Asha Patil", Role.CLERK, "asha-demo"),
    ("ravi", "Ravi Kumar", Role.CLERK, "ravi-demo"),
    ("meera", "Meera Iyer", Role.CLERK, "meera-demo"),
    ("usha", "Usha Nair", Role.USHER, "usha-demo"),  # admits at the door only (issue 12)
)

CITIES = (
    (
        "Mumbai",
        "Maharashtra",
        (("Regal Colaba", "Colaba Causeway"), ("Galaxy Bandra", "Hill Road, Bandra West")),
    ),
    (
        "Bengaluru",
        "Karnataka",
        (("Lakeside Cinemas", "Ulsoor Lake Road"), ("Orion Multiplex", "Rajajinagar")),
    ),
    (
        "Delhi",
        "Delhi",
        (
            ("Plaza Connaught Place", "Connaught Place"),
            ("Saket Screens", "Press Enclave Marg, Saket"),
        ),
    ),
)

MOVIES = (
    # title, languages, genre, rating, certificate, runtime
    ("The Monsoon Heist", "Hindi,English", "Thriller", "8.1", "UA", 148),
    ("Kaveri Nights", "Kannada,Tamil", "Drama", "7.6", "U", 132),
    ("Galaxy Runners", "English,Hindi", "Sci-Fi", "7.9", "UA", 141),
    ("Laugh Riot Express", "Hindi", "Comedy", "6.8", "U", 118),
    ("Shadows of Hampi", "Kannada,Telugu", "Mystery", "8.4", "UA", 137),
    ("Dilli Diaries", "Hindi", "Romance", "7.2", "U", 125),
    ("The Last Innings", "English,Hindi", "Sports", "8.6", "U", 154),
    ("Ghost Lane 13", "English", "Horror", "6.4", "A", 104),
    ("Pirates of the Konkan", "Marathi,Hindi", "Adventure", "7.4", "U", 139),
    ("Little Tiger", "English,Tamil", "Animation", "8.0", "U", 96),
    ("Code Red Bandra", "Hindi,English", "Action", "7.1", "A", 151),
    ("Chennai Express Lane", "Tamil,Telugu", "Action", "6.9", "UA", 143),
)

SLOTS = (time(9, 30), time(13, 0), time(16, 30), time(20, 0))  # 3h30 apart; runtime + gap fits

DEMO_SETTING = "demo"
DEMO_PASSWORDS_SETTING = "demo_passwords"
DEMO_SHOW_SALE_MARGIN = timedelta(minutes=20)  # demo_show: time left to sell, if possible
DOOR_DEMO_LAYOUT = "Recliner lounge"  # issue 12: a show whose doors are open as the demo is built
DOOR_DEMO_STARTS_IN = timedelta(minutes=20)


@dataclass(frozen=True)
class SeedSummary:
    counts: dict[str, int]
    passwords: tuple[tuple[str, str, str], ...]  # username, role, password
    sold_seats: int
    held_seats: int


def demo_passwords(box: BoxOffice) -> tuple[tuple[str, str, str], ...]:
    """The demo staff and passwords, only when this is a demo database."""
    with box.uows() as uow:
        if uow.settings.get(DEMO_SETTING) != "1":
            return ()
        raw = uow.settings.get(DEMO_PASSWORDS_SETTING) or "[]"
    return tuple((str(u), str(r), str(p)) for u, r, p in json.loads(raw))


def is_demo(box: BoxOffice) -> bool:
    with box.uows() as uow:
        return uow.settings.get(DEMO_SETTING) == "1"


def is_empty(box: BoxOffice) -> bool:
    """No staff and no real shows. Scratch shows of the race lab (``race --show auto``) do not
    count: they live on their own city and cinema, and the demo can be built beside them."""
    with box.uows() as uow:
        if uow.staff.count() > 0:
            return False
        real = uow.queries.find_shows(
            ShowFilter(include_past=True, include_scratch=False, limit=1), box.now()
        )
    return not real


def seed_demo(
    box: BoxOffice,
    *,
    days: int = 14,
    sell_today: bool = True,
    rng_seed: int = 7,
    history_days: int = demo_history.HISTORY_DAYS,
) -> SeedSummary:
    """Fill an EMPTY database with the demo box office. Refuses on a database with data."""
    if not is_empty(box):
        raise InvalidState(
            "this database already holds data; seed only an empty database (or use --force "
            "to wipe it first)"
        )
    rng = random.Random(rng_seed)
    ctx = SYSTEM
    with box.uows(write=True, label="seed") as uow:
        # Mark it as a demo database first: the marker and the data land together or not at all
        # per step; an interrupted seed is still recognisably a demo database.
        uow.settings.put(DEMO_SETTING, "1")
        uow.settings.put("box_office_timezone", DEMO_TZ)
        uow.settings.put(
            DEMO_PASSWORDS_SETTING,
            json.dumps([[u, r.value, p] for u, _n, r, p in DEMO_STAFF]),
        )
        uow.commit()
    with box.uows() as uow:
        existing = {t.code for t in uow.queries.seat_types()}
    for code, name, _price in DEFAULT_SEAT_TYPES:
        if code in existing:  # made by the race lab's scratch show
            continue
        base = {
            "GOLD": Decimal("150.00"),
            "PLATINUM": Decimal("150.00"),
            "DIAMOND": Decimal("150.00"),
        }
        catalog.add_seat_type(
            box,
            ctx,
            code=code,
            name=name,
            base_price=base[code],
            rank={"GOLD": 1, "PLATINUM": 2, "DIAMOND": 3}[code],
        )
    for username, full_name, role, password in DEMO_STAFF:
        auth.add_staff(
            box, ctx, username=username, full_name=full_name, role=role, password=password
        )
    layouts = list(demo_layouts().items())
    screens: list[tuple[int, int, str]] = []  # screen id, theater id, city
    door_screen: int | None = None  # issue 12: the small screen whose doors are open now
    theaters: list[int] = []
    li = 0
    for city, state, cinemas in CITIES:
        city_id = catalog.add_city(box, ctx, name=city, state=state)
        for cinema, address in cinemas:
            theater_id = catalog.add_theater(
                box, ctx, city_id=city_id, name=cinema, address=address, timezone=DEMO_TZ
            )
            theaters.append(theater_id)
            for n in range(2):
                layout_name, layout = layouts[li % len(layouts)]
                li += 1
                screen_id = catalog.add_screen(
                    box,
                    ctx,
                    theater_id=theater_id,
                    name=f"Screen {n + 1} · {layout_name}",
                    layout_text=layout,
                )
                screens.append((screen_id, theater_id, city))
                if door_screen is None and layout_name == DOOR_DEMO_LAYOUT:
                    door_screen = screen_id
    movie_ids = []
    for title, langs, genre, rating, cert, runtime in MOVIES:
        movie_ids.append(
            catalog.add_movie(
                box,
                ctx,
                title=title,
                languages=langs,
                genre=genre,
                rating=Decimal(rating),
                certificate=cert,
                runtime_min=runtime,
                synopsis=f"{title}: a {genre.lower()} in {langs.replace(',', ' and ')}.",
            )
        )
    _pricing_rules(box, ctx, theaters[0], movie_ids[6])
    _coupons(box, ctx)
    door_show = _door_show(box, ctx, door_screen, movie_ids)  # before the slots: they skip it
    tz = ZoneInfo(DEMO_TZ)
    now = box.now()
    today = now.astimezone(tz).date()
    movie_langs = {mid: MOVIES[i][1].split(",") for i, mid in enumerate(movie_ids)}
    first_today: list[int] = []  # the first upcoming show of each screen
    for si, (screen_id, _theater_id, _city) in enumerate(screens):
        first_of_screen: int | None = None
        for d in range(days):
            day = today + timedelta(days=d)
            for k, slot in enumerate(SLOTS):
                starts = datetime.combine(day, slot, tz)
                if starts <= now + timedelta(minutes=10):
                    continue
                movie_id = movie_ids[(si * 3 + d + k) % len(movie_ids)]
                lang = movie_langs[movie_id][(d + k) % len(movie_langs[movie_id])]
                fmt = "IMAX 3D" if (si + k) % 5 == 0 else ("3D" if (si + k) % 3 == 0 else "2D")
                try:
                    show_id = catalog.schedule_show(
                        box,
                        ctx,
                        movie_id=movie_id,
                        screen_id=screen_id,
                        starts_at=starts.astimezone(UTC),
                        language=lang,
                        format=fmt,
                    )
                except DomainError:  # overlaps the show at the doors (issue 12): skipped
                    continue
                if first_of_screen is None:
                    first_of_screen = show_id
                    first_today.append(show_id)
    # issue 11: the demo cinema's past business days (shifts, sales, cash-ups) and today's shifts
    passwords = {u: p for u, _n, _r, p in DEMO_STAFF}
    showcase = demo_show(box)
    counters: tuple[CounterContext, ...] = ()
    if showcase is not None:
        cinema_screens = [sid for sid, tid, _c in screens if tid == showcase.theater_id]
        if history_days > 0:
            demo_history.play_history(
                box, theater_id=showcase.theater_id, timezone=showcase.timezone,
                screen_ids=cinema_screens, movie_ids=movie_ids,
                languages={mid: langs[0] for mid, langs in movie_langs.items()},
                passwords=passwords, rng=rng, days=history_days,
            )  # fmt: skip
        counters = demo_history.open_today(box, theater_id=showcase.theater_id, passwords=passwords)
    sold, held = (0, 0)
    if sell_today:
        sold, held = _sell_some(
            box, first_today, rng, counters, None if showcase is None else showcase.theater_id
        )
        if door_show is not None:
            sold += _at_the_doors(box, door_show, rng)
    with box.uows() as uow:
        counts = uow.catalog.counts()
    return SeedSummary(
        counts=counts,
        passwords=tuple((u, r.value, p) for u, _n, r, p in DEMO_STAFF),
        sold_seats=sold,
        held_seats=held,
    )


def _pricing_rules(
    box: BoxOffice, ctx: CounterContext, premium_theater: int, event_movie: int
) -> None:
    rules = (
        NewPricingRule(
            "Platinum seats",
            PricingRuleKind.SEAT_TYPE,
            multiplier=Decimal("1.5"),
            seat_type="PLATINUM",
        ),
        NewPricingRule(
            "Diamond recliners",
            PricingRuleKind.SEAT_TYPE,
            multiplier=Decimal("2.2"),
            seat_type="DIAMOND",
        ),
        NewPricingRule(
            "Weekend",
            PricingRuleKind.DAY_OF_WEEK,
            multiplier=Decimal("1.2"),
            days_mask=WEEKEND_MASK,
        ),
        NewPricingRule(
            "Prime time",
            PricingRuleKind.TIME_WINDOW,
            multiplier=Decimal("1.3"),
            start_time=time(18, 0),
            end_time=time(22, 30),
        ),
        NewPricingRule(
            "Morning saver",
            PricingRuleKind.TIME_WINDOW,
            multiplier=Decimal("0.8"),
            start_time=time(6, 0),
            end_time=time(12, 0),
        ),
        NewPricingRule(
            "Regal heritage hall",
            PricingRuleKind.THEATER_MOVIE,
            base_price=Decimal("180.00"),
            theater_id=premium_theater,
        ),
        NewPricingRule(
            "The Last Innings premiere",
            PricingRuleKind.THEATER_MOVIE,
            base_price=Decimal("200.00"),
            movie_id=event_movie,
        ),
    )
    for rule in rules:
        catalog.add_pricing_rule(box, ctx, rule)


def _coupons(box: BoxOffice, ctx: CounterContext) -> None:
    now = box.now()
    coupons = (
        NewCoupon(
            "WELCOME10",
            CouponKind.PERCENT,
            Decimal("10"),
            "10% off, up to 100",
            max_discount=Decimal("100"),
        ),
        NewCoupon(
            "FLAT50",
            CouponKind.FIXED,
            Decimal("50"),
            "50 off orders of 300 or more",
            min_amount=Decimal("300"),
        ),
        NewCoupon(
            "FIRSTSHOW",
            CouponKind.PERCENT,
            Decimal("20"),
            "20% off, once per customer",
            per_customer_limit=1,
        ),
        NewCoupon(
            "LIMITED5",
            CouponKind.FIXED,
            Decimal("75"),
            "75 off, first five sales only",
            usage_limit=5,
        ),
        NewCoupon(
            "DIWALI24",
            CouponKind.PERCENT,
            Decimal("25"),
            "expired festival offer",
            valid_from=now - timedelta(days=400),
            valid_to=now - timedelta(days=30),
        ),
    )
    for coupon in coupons:
        catalog.add_coupon(box, ctx, coupon)


def _sell_some(
    box: BoxOffice,
    show_ids: list[int],
    rng: random.Random,
    clerks: tuple[CounterContext, ...] = (),
    clerks_theater: int | None = None,
) -> tuple[int, int]:
    """Make today's maps look lived-in: groups sold at two counters, a few seats held.

    Issue 11: at the demo's cinema the demo clerks sell in their open shifts (``clerks``);
    elsewhere an unattended online kiosk sells (no drawer: card, UPI, netbanking)."""
    from bms_desktop.services.queries import get_seat_map

    sold = held = 0
    kiosk = CounterContext("Online kiosk", None, "kiosk", Role.CLERK, Strategy.PESSIMISTIC)
    for n, show_id in enumerate(show_ids):
        smap = get_seat_map(box, show_id)
        here = smap.show.theater_id == clerks_theater and bool(clerks)
        counters = [*clerks, kiosk] if here else [kiosk]
        free = [s for s in smap.seats if s.status == "AVAILABLE"]
        by_row: dict[int, list[int]] = {}
        for s in free:
            by_row.setdefault(s.row, []).append(s.show_seat_id)
        target = int(len(free) * rng.uniform(0.15, 0.45))
        done = 0
        rows = sorted(by_row)
        while done < target and rows:
            row = rng.choice(rows)
            ids = by_row[row]
            if len(ids) < 2:
                rows.remove(row)
                continue
            size = min(len(ids), rng.choice((2, 2, 3, 4, 5)))
            start = rng.randrange(0, len(ids) - size + 1)
            group = ids[start : start + size]
            del ids[start : start + size]
            ctx = counters[rng.randrange(len(counters))]
            modes = list(PaymentMode) if ctx.staff_id is not None else _UNATTENDED_MODES
            try:
                hold = booking.hold_seats(box, ctx, show_id=show_id, show_seat_ids=group)
                if n % 2 == 0 and done > target * 0.85:
                    held += len(group)  # left on hold: shows as held by another counter
                else:
                    mode = modes[rng.randrange(len(modes))]
                    checkout.confirm_booking(
                        box,
                        ctx,
                        ticket_id=hold.ticket_id,
                        mode=mode,
                        tendered=hold.quote.total + 100 if mode == PaymentMode.CASH else None,
                        customer_phone=f"98{rng.randrange(10**8):08d}",
                    )
                    sold += len(group)
            except DomainError:
                continue
            done += len(group)
    return sold, held


_UNATTENDED_MODES = [PaymentMode.UPI, PaymentMode.CREDIT_CARD, PaymentMode.NETBANKING]


def prepare_demo_counters(box: BoxOffice) -> ShowSummary | None:
    """The demo's show (``demo_show``), with the demo counters ready to sell it (issue 11): each
    demo clerk has today's open shift at the show's cinema (a shift left from an earlier day is
    closed with the demo supervisor's sign-off first). Only in a demo database."""
    show = demo_show(box)
    if show is None or not is_demo(box):
        return show
    passwords = {u: p for u, _r, p in demo_passwords(box)}
    if "supervisor" in passwords:
        demo_history.ready_counters(box, theater_id=show.theater_id, passwords=passwords)
    return show


def _door_show(
    box: BoxOffice, ctx: CounterContext, screen_id: int | None, movie_ids: list[int]
) -> int | None:
    """Issue 12: a show starting in about 20 minutes on a small screen, so the doors are open
    (30 minutes before) as the demo is built. None if it cannot be scheduled."""
    if screen_id is None:
        return None
    starts = box.now() + DOOR_DEMO_STARTS_IN
    starts = starts.replace(second=0, microsecond=0) + timedelta(minutes=-starts.minute % 5)
    shortest = min(range(len(MOVIES)), key=lambda i: MOVIES[i][5])
    try:
        return catalog.schedule_show(
            box,
            ctx,
            movie_id=movie_ids[shortest],
            screen_id=screen_id,
            starts_at=starts,
            language=MOVIES[shortest][1].split(",")[0],
            format="2D",
        )
    except DomainError:
        return None


def _at_the_doors(box: BoxOffice, show_id: int, rng: random.Random) -> int:
    """Issue 12: sell about half of the show at the doors in groups, and admit most of those
    groups at two doors (one group only in part), as the demo usher. Returns the seats sold."""
    from bms_desktop.services import door
    from bms_desktop.services.queries import get_seat_map

    with box.uows() as uow:
        usher = uow.staff.by_username("usha")
    if usher is None:
        return 0
    rows: dict[int, list[int]] = {}
    for seat in get_seat_map(box, show_id).seats:
        if seat.status == "AVAILABLE":
            rows.setdefault(seat.row, []).append(seat.show_seat_id)
    clerk = CounterContext("Counter 1", None, "asha", Role.CLERK, Strategy.PESSIMISTIC)
    sold: list[tuple[str, int]] = []
    for ids in rows.values():
        while len(ids) >= 4 and rng.random() < 0.6:
            size = rng.choice((1, 2, 2, 3, 4))
            group, ids[:] = ids[:size], ids[size + rng.randrange(0, 3) :]
            try:
                held = booking.hold_seats(box, clerk, show_id=show_id, show_seat_ids=group)
                checkout.confirm_booking(box, clerk, ticket_id=held.ticket_id, mode="UPI")
            except DomainError:
                continue
            sold.append((held.ticket_code, len(group)))
    for i, (code, size) in enumerate(sold):
        if i % 3 == 2:
            continue  # not here yet
        ctx = CounterContext(
            "Door 1" if i % 2 == 0 else "Door 2", usher.staff_id, usher.username, Role.USHER
        )
        try:
            door.admit(
                box,
                ctx,
                code=code,
                door=ctx.counter,
                people=2 if size == 4 and i % 4 == 0 else None,
            )
        except DomainError:
            continue
    return sum(size for _code, size in sold)


def demo_today(box: BoxOffice) -> date:
    return box.now().astimezone(ZoneInfo(DEMO_TZ)).date()


def demo_show(box: BoxOffice) -> ShowSummary | None:
    """The show the demo's counters open at start: the next show on the biggest screen whose
    counter sales are open (for at least ``DEMO_SHOW_SALE_MARGIN`` more, if any is), preferring
    one that already has seats sold or held, so that the learner lands on a lived-in seat map.
    None when no show is on sale."""
    from bms_desktop.services import queries

    now = box.now()
    with box.uows() as uow:
        close_offset = load_settings(uow).sales_close_offset_minutes
    shows = queries.find_shows(box)
    for until in (now + DEMO_SHOW_SALE_MARGIN, now):
        on_sale = [
            s
            for s in shows
            if rules.sales_open(show_start=s.starts_at, now=until, close_offset_min=close_offset)
        ]
        if on_sale:
            biggest = max(s.seats_total for s in on_sale)
            largest = [s for s in on_sale if s.seats_total == biggest]
            lived_in = [s for s in largest if s.seats_available < s.seats_total]
            return (lived_in or largest)[0]
    return None

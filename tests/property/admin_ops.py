"""The admin services the property tests throw random inputs at: one ``AdminOp`` per service.

Adding a service is one entry in ``ADMIN_OPS``: a name, a strategy that draws its arguments
from the seeded world (``Seeded``: ids and codes that exist, so some draws get deep into the
service) mixed with garbage (any text, huge numbers, wrong types), and the call.

An op whose refusals legitimately write (a wrong password counts towards a lockout) must not be
listed with inputs that trigger that; see ``change_password`` below (the old password is right).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from bms_desktop.domain.model import Role
from bms_desktop.services.admin import (
    audit_log,
    coupons,
    places,
    pricing,
    repricing,
    settings,
    staff,
    ticket_types,
)
from bms_desktop.services.admin.dto import CinemaInput, CityInput
from bms_desktop.services.admin.dto_audit import AuditFilter
from bms_desktop.services.admin.dto_coupons import CouponInput
from bms_desktop.services.admin.dto_pricing import PricingRuleInput, SeatTypeInput
from bms_desktop.services.admin.dto_settings import HomeCinema, SettingsInput
from bms_desktop.services.admin.dto_staff import NewStaffInput, StaffEditInput
from bms_desktop.services.admin.dto_ticket_types import SupervisorCredentials, TicketTypeInput
from bms_desktop.services.context import BoxOffice, CounterContext


@dataclass(frozen=True)
class Seeded:
    """What the seeded world holds (see ``test_admin_properties.seed``)."""

    city_ids: tuple[int, ...]
    theater_ids: tuple[int, ...]
    movie_ids: tuple[int, ...]
    staff_ids: tuple[int, ...]
    coupon_ids: tuple[int, ...]
    rule_ids: tuple[int, ...]
    type_ids: tuple[int, ...]
    ticket_id: int
    show_seat_ids: tuple[int, ...]
    seat_types: tuple[str, ...]
    usernames: tuple[str, ...]
    passwords: dict[str, str]


Call = Callable[[BoxOffice, CounterContext, Any, Seeded], object]


@dataclass(frozen=True)
class AdminOp:
    name: str
    args: Callable[[Seeded], st.SearchStrategy[Any]]
    call: Call
    weight: int = 1  # share of the examples


# --------------------------------------------------------------------------- value strategies

GARBAGE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=60),
    st.decimals(allow_nan=True, allow_infinity=True),
)


def text(*good: str, max_size: int = 300) -> st.SearchStrategy[Any]:
    """Plausible text, very long text, control characters, or not text at all."""
    parts: list[st.SearchStrategy[Any]] = [
        st.text(max_size=max_size),
        st.text(alphabet=st.characters(codec="utf-8"), min_size=30, max_size=300),
        st.from_regex(r"[A-Za-z0-9 _-]{0,25}", fullmatch=True),
        GARBAGE,
    ]
    if good:
        parts.insert(0, st.sampled_from(good))
    return st.one_of(*parts)


def number(*good: str) -> st.SearchStrategy[Any]:
    parts: list[st.SearchStrategy[Any]] = [
        st.decimals(min_value=-1000, max_value=100_000, places=3),
        st.integers(min_value=-(2**40), max_value=2**40),
        st.from_regex(r"-?[0-9]{0,16}(\.[0-9]{0,4})?", fullmatch=True),
        GARBAGE,
    ]
    if good:
        parts.insert(0, st.sampled_from(good))
    return st.one_of(*parts)


HASHABLE_GARBAGE = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70), st.text(max_size=20)
)


def ids(
    known: tuple[int, ...], *, stray: bool = True, garbage: bool = True
) -> st.SearchStrategy[Any]:
    """Known ids, ids that do not exist, and garbage (``garbage=False``: integers only, below
    2**31).
    ``stray=False``: random integers stay clear of real rows (rows other ops must not touch)."""
    top = 2**66 if garbage else 2**31  # garbage=False: plain ids a database column holds
    numbers = (
        st.integers(min_value=-5, max_value=top)
        if stray
        else st.one_of(st.integers(-5, 0), st.integers(10**6, top))
    )
    parts: list[st.SearchStrategy[Any]] = [numbers, GARBAGE if garbage else numbers]
    if known:
        parts.insert(0, st.sampled_from(known))
    return st.one_of(*parts)


def optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


TIMES = st.one_of(st.times(), st.none(), GARBAGE)
MOMENTS = st.one_of(
    st.none(),
    st.datetimes(min_value=dt.datetime(1800, 1, 1), max_value=dt.datetime(2500, 1, 1)),
    st.datetimes(timezones=st.timezones()),
    GARBAGE,
)
DATES = st.one_of(st.none(), st.dates(), GARBAGE)
FLAGS = st.one_of(st.booleans(), st.booleans(), GARBAGE)
ROLES = text("ADMIN", "SUPERVISOR", "CLERK", "USHER", "clerk")


# --------------------------------------------------------------------------- inputs


def seat_type_input(s: Seeded) -> st.SearchStrategy[Any]:
    return st.builds(
        SeatTypeInput,
        code=text(*s.seat_types, "RECLINER", "SOFA"),
        name=text("Recliner"),
        base_price=number("120", "0", "99.99"),
        rank=number("1", "0"),
        active=FLAGS,
    )


def rule_input(s: Seeded) -> st.SearchStrategy[Any]:
    return st.builds(
        PricingRuleInput,
        name=text("Weekend", "Prime time"),
        kind=text("SEAT_TYPE", "DAY_OF_WEEK", "TIME_WINDOW", "THEATER_MOVIE"),
        multiplier=number("1.2", "0.5", "10"),
        base_price=number("250", "0"),
        seat_type=optional(text(*s.seat_types)),
        days_mask=st.one_of(st.integers(min_value=-10, max_value=300), GARBAGE),
        start_time=TIMES,
        end_time=TIMES,
        theater_id=optional(ids(s.theater_ids)),
        movie_id=optional(ids(s.movie_ids)),
        priority=number("0", "5"),
        active=FLAGS,
    )


def coupon_input(s: Seeded) -> st.SearchStrategy[Any]:
    return st.builds(
        CouponInput,
        code=text("SAVE10", "FLAT50", "NEWCODE"),
        kind=text("PERCENT", "FIXED"),
        value=number("10", "50", "100"),
        description=text("Ten off"),
        max_discount=optional(number("40")),
        min_amount=number("0", "100"),
        valid_from=MOMENTS,
        valid_to=MOMENTS,
        active=FLAGS,
        usage_limit=optional(number("5", "1")),
        per_customer_limit=optional(number("1", "2")),
    )


def ticket_type_input(s: Seeded) -> st.SearchStrategy[Any]:
    return st.builds(
        TicketTypeInput,
        code=text("CHILD", "ADULT", "KID", "VIP_GUEST"),
        name=text("Kid"),
        kind=text("MULTIPLIER", "FIXED"),
        multiplier=optional(number("0.5", "1", "10")),
        amount=optional(number("0", "50")),
        theater_id=optional(ids(s.theater_ids)),
        needs_approval=FLAGS,
        active=FLAGS,
        rank=number("3"),
    )


def settings_input(s: Seeded) -> st.SearchStrategy[Any]:
    homes = st.lists(
        st.builds(
            HomeCinema, counter=text("Counter 1", "Counter 2"), theater_id=ids(s.theater_ids)
        ),
        max_size=4,
    )
    return st.builds(
        SettingsInput,
        hold_minutes=number("5", "60"),
        cancel_cutoff_minutes=number("60"),
        cancellation_fee=number("0", "20.50"),
        sales_close_offset_minutes=number("0", "-15"),
        cleaning_gap_minutes=number("20"),
        cash_tendered_limit=number("50000", "2000"),
        counter_setup_role=ROLES,
        box_office_timezone=text("Asia/Kolkata", "Europe/London", "Mars/Base"),
        home_cinemas=st.one_of(homes.map(tuple), st.just(())),
    )


def staff_input(s: Seeded) -> st.SearchStrategy[Any]:
    return st.builds(
        NewStaffInput,
        username=text(*s.usernames, "newclerk", "x"),
        full_name=text("New Clerk"),
        role=ROLES,
        password=text("long-enough-1", "short"),
        must_change_password=FLAGS,
    )


def audit_filter(s: Seeded) -> st.SearchStrategy[Any]:
    return st.builds(
        AuditFilter,
        username=text(*s.usernames, ""),
        counter=text("Back office", ""),
        action=text("COUPON_ADDED", ""),
        entity=text("coupon", ""),
        entity_id=text("1", ""),
        date_from=DATES,
        date_to=DATES,
    )


def city_input(s: Seeded) -> st.SearchStrategy[Any]:
    return st.builds(CityInput, name=text("Pune", "Delhi"), state=text("Maharashtra", ""))


def cinema_input(s: Seeded) -> st.SearchStrategy[Any]:
    return st.builds(
        CinemaInput,
        city_id=ids(s.city_ids),
        name=text("Galaxy"),
        address=text("1 MG Road"),
        timezone=text("Asia/Kolkata", "Asia/Mumbai"),
        gstin=text("27AAPFU0939F1ZV", ""),
        phone=text("+91 20 1234 5678", ""),
    )


def types_map(s: Seeded) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.dictionaries(
            st.one_of(st.sampled_from(s.show_seat_ids), HASHABLE_GARBAGE),
            text("CHILD", "SENIOR", "COMPLIMENTARY", "ADULT", "PIRATE", max_size=30),
            max_size=4,
        ),
        GARBAGE,
    )


def approvals(s: Seeded) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.none(),
        st.builds(SupervisorCredentials, username=text(*s.usernames), password=text("wrong")),
        st.just(SupervisorCredentials("sunita", s.passwords["sunita"])),
        GARBAGE,
    )


# --------------------------------------------------------------------------- the registry


def _change_password(box: BoxOffice, username: str, new: object, s: Seeded) -> object:
    """devi's password changes on success: remember it for the next example."""
    view = staff.change_password(box, username, s.passwords["devi"], new)  # type: ignore[arg-type]
    s.passwords["devi"] = str(new)
    return view


ADMIN_OPS: list[AdminOp] = [
    # admin-B: pricing
    AdminOp(
        "create_seat_type", seat_type_input, lambda b, c, a, _s: pricing.create_seat_type(b, c, a)
    ),
    AdminOp(
        "update_seat_type",
        lambda s: st.tuples(text(*s.seat_types), seat_type_input(s)),
        lambda b, c, a, _s: pricing.update_seat_type(b, c, a[0], a[1]),
    ),
    AdminOp(
        "create_pricing_rule",
        rule_input,
        lambda b, c, a, _s: pricing.create_pricing_rule(b, c, a),
        2,
    ),
    AdminOp(
        "update_pricing_rule",
        lambda s: st.tuples(ids(s.rule_ids), rule_input(s)),
        lambda b, c, a, _s: pricing.update_pricing_rule(b, c, a[0], a[1]),
    ),
    AdminOp(
        "set_pricing_rule_active",
        lambda s: st.tuples(ids(s.rule_ids), FLAGS),
        lambda b, c, a, _s: pricing.set_pricing_rule_active(b, c, a[0], a[1]),
    ),
    AdminOp(
        "price_matrix",
        lambda s: st.tuples(optional(ids(s.theater_ids)), optional(ids(s.movie_ids))),
        lambda b, c, a, _s: pricing.price_matrix(b, c, theater_id=a[0], movie_id=a[1]),
    ),
    AdminOp(
        "plan_and_apply_reprice",
        lambda s: st.tuples(optional(ids(s.theater_ids)), st.integers(-3, 1000)),
        lambda b, c, a, _s: repricing.apply_reprice(
            b, c, repricing.plan_reprice(b, c, theater_id=a[0]), batch_shows=a[1]
        ),
    ),
    # admin-B: ticket types
    AdminOp(
        "create_ticket_type",
        ticket_type_input,
        lambda b, c, a, _s: ticket_types.create_ticket_type(b, c, a),
        2,
    ),
    AdminOp(
        "update_ticket_type",
        lambda s: st.tuples(ids(s.type_ids), ticket_type_input(s)),
        lambda b, c, a, _s: ticket_types.update_ticket_type(b, c, a[0], a[1]),
    ),
    AdminOp(
        "set_ticket_types",
        lambda s: st.tuples(st.one_of(st.just(s.ticket_id), ids(())), types_map(s), approvals(s)),
        lambda b, c, a, _s: ticket_types.set_ticket_types(
            b, c, ticket_id=a[0], types=a[1], approval=a[2]
        ),
        2,
    ),
    # admin-B: coupons
    AdminOp("create_coupon", coupon_input, lambda b, c, a, _s: coupons.create_coupon(b, c, a), 2),
    AdminOp(
        "update_coupon",
        lambda s: st.tuples(ids(s.coupon_ids), coupon_input(s)),
        lambda b, c, a, _s: coupons.update_coupon(b, c, a[0], a[1]),
        2,
    ),
    AdminOp(
        "set_coupon_active",
        lambda s: st.tuples(ids(s.coupon_ids), FLAGS),
        lambda b, c, a, _s: coupons.set_coupon_active(b, c, a[0], a[1]),
    ),
    # admin-B: staff
    AdminOp("create_staff", staff_input, lambda b, c, a, _s: staff.create_staff(b, c, a)),
    AdminOp(
        "update_staff",
        lambda s: st.tuples(
            ids(s.staff_ids, stray=False),
            st.builds(StaffEditInput, full_name=text("Name"), role=ROLES, active=FLAGS),
        ),
        lambda b, c, a, _s: staff.update_staff(b, c, a[0], a[1]),
        2,
    ),
    AdminOp(
        "reset_password",
        lambda s: st.tuples(ids(s.staff_ids, stray=False), text("another-pass-1", "short")),
        lambda b, c, a, _s: staff.reset_password(b, c, a[0], a[1]),
    ),
    AdminOp(
        "unlock_staff",
        lambda s: ids(s.staff_ids, stray=False),
        lambda b, c, a, _s: staff.unlock_staff(b, c, a),
    ),
    AdminOp(
        # The old password is always right (a wrong one counts towards a lockout, a write).
        "change_password",
        lambda s: st.tuples(st.sampled_from(["devi", "nobody"]), text("new-pass-word-1", "short")),
        lambda b, c, a, s: _change_password(b, a[0], a[1], s),
    ),
    # admin-B: settings, audit log
    AdminOp(
        "update_settings", settings_input, lambda b, c, a, _s: settings.update_settings(b, c, a), 2
    ),
    AdminOp(
        "audit_log",
        lambda s: st.tuples(
            audit_filter(s), optional(ids(())), st.one_of(st.integers(-5, 2000), GARBAGE)
        ),
        lambda b, c, a, _s: audit_log.audit_log(b, c, a[0], before_id=a[1], limit=a[2]),
    ),
    # admin-A: cities and cinemas. Record ids are drawn as integers only: a Decimal id reaches
    # the driver today (test_findings_in_admin_a_s_places_services).
    AdminOp("create_city", city_input, lambda b, c, a, _s: places.create_city(b, c, a)),
    AdminOp(
        "update_city",
        lambda s: st.tuples(ids(s.city_ids, garbage=False), city_input(s), optional(FLAGS)),
        lambda b, c, a, _s: places.update_city(b, c, a[0], a[1], active=a[2]),
    ),
    AdminOp("create_cinema", cinema_input, lambda b, c, a, _s: places.create_cinema(b, c, a)),
    AdminOp(
        "update_cinema",
        lambda s: st.tuples(ids(s.theater_ids, garbage=False), cinema_input(s)),
        lambda b, c, a, _s: places.update_cinema(b, c, a[0], a[1]),
    ),
]

ROLES_DRAWN = st.sampled_from([Role.ADMIN] * 6 + [Role.SUPERVISOR, Role.CLERK, Role.USHER])

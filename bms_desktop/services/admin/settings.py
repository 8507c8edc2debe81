"""Box-office settings: hold minutes, cancellation cutoff and fee, when counter sales close, the
cleaning gap between shows, the cash ceiling of a drawer, which roles may change a counter's
strategy and processing delay, the box office's time zone, and each counter's home cinema.

The values live in ``app_meta`` (``uow.settings``) under the keys the counter enforces, with
one set of defaults (``services/context.py`` ``SETTING_DEFAULTS``): ``cash_tendered_limit``
(50,000.00; the basket refuses more cash), ``counter_setup_role`` (one role for the strategy and
the processing delay; empty: every clerk in a demo box office, supervisors elsewhere, as
``counter_setup`` decides) and ``counter_home_cinemas`` (JSON {counter: theater id}). Admin only;
validated; one audit row with the values before and after.

Two administrators editing at once do not undo each other: ``update_settings(..., loaded=...)``
writes only the fields this administrator changed since the form was loaded.
"""

from __future__ import annotations

import json
from dataclasses import fields
from decimal import Decimal

from bms_desktop.domain.errors import ValidationError
from bms_desktop.domain.model import Role
from bms_desktop.services.admin.common import (
    audit_change,
    check_timezone,
    clean_text,
    parse_decimal,
    parse_int,
    require_admin,
)
from bms_desktop.services.admin.dto_settings import HomeCinema, SettingsInput, SettingsView
from bms_desktop.services.context import (
    SETTING_DEFAULTS,
    BoxOffice,
    BoxOfficeSettings,
    CounterContext,
)
from bms_desktop.services.ports import UnitOfWork

COUNTER_MAX = 40  # tickets.counter / audit_events.counter
MAX_COUNTERS = 200
CHANGE_ROLES = (Role.CLERK.value, Role.SUPERVISOR.value, Role.ADMIN.value)
HOME_KEY = "counter_home_cinemas"

# field -> (app_meta key, label)
_KEYS = {
    "hold_minutes": "hold_minutes",
    "cancel_cutoff_minutes": "cancel_cutoff_minutes",
    "cancellation_fee": "cancellation_fee",
    "sales_close_offset_minutes": "sales_close_offset_minutes",
    "cleaning_gap_minutes": "cleaning_gap_minutes",
    "cash_tendered_limit": "cash_tendered_limit",
    "counter_setup_role": "counter_setup_role",
    "box_office_timezone": "box_office_timezone",
}


def _home_map(raw: str | None) -> dict[str, int]:
    try:
        data = json.loads(raw or "{}")
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): int(v) for k, v in data.items() if isinstance(v, int)}


def _decimal(raw: str, default: str) -> Decimal:
    try:
        value = Decimal(raw)
    except ArithmeticError:
        value = Decimal(default)
    return value if value.is_finite() else Decimal(default)


def _int(raw: str, default: str) -> int:
    try:
        return int(raw)
    except ValueError:
        return int(default)


def _view(uow: UnitOfWork) -> SettingsView:
    raw = {**SETTING_DEFAULTS, **uow.settings.all()}
    names = {c.id: c.name for c in uow.config.cinema_choices()}
    homes = tuple(
        HomeCinema(counter, theater_id, names.get(theater_id, f"cinema #{theater_id}"))
        for counter, theater_id in sorted(_home_map(raw[HOME_KEY]).items(), key=lambda x: x[0])
    )
    d = SETTING_DEFAULTS
    # The cash limit and the setup role as the counters read them (demo: clerks), shown as is.
    enforced = BoxOfficeSettings.from_mapping(
        {k: raw[k] for k in ("cash_tendered_limit", "counter_setup_role", "demo")}
    )
    return SettingsView(
        hold_minutes=_int(raw["hold_minutes"], d["hold_minutes"]),
        cancel_cutoff_minutes=_int(raw["cancel_cutoff_minutes"], d["cancel_cutoff_minutes"]),
        cancellation_fee=_decimal(raw["cancellation_fee"], d["cancellation_fee"]),
        sales_close_offset_minutes=_int(
            raw["sales_close_offset_minutes"], d["sales_close_offset_minutes"]
        ),
        cleaning_gap_minutes=_int(raw["cleaning_gap_minutes"], d["cleaning_gap_minutes"]),
        cash_tendered_limit=enforced.cash_tendered_limit,
        counter_setup_role=enforced.counter_setup_role.value,
        box_office_timezone=raw["box_office_timezone"],
        home_cinemas=homes,
    )


def get_settings(box: BoxOffice, ctx: CounterContext) -> SettingsView:
    require_admin(ctx, "Looking at the box-office settings")
    with box.uows() as uow:
        return _view(uow)


def home_cinema(box: BoxOffice, counter: str) -> int | None:
    """The cinema a counter's show finder starts at (None: none chosen). Any signed-in user."""
    with box.uows() as uow:
        return _home_map(uow.settings.get(HOME_KEY)).get(counter.strip())


def _role(value: object, field: str, label: str) -> str:
    text = clean_text(value, field=field, label=label).upper()
    if text not in CHANGE_ROLES:
        raise ValidationError(
            f"{label} is one of clerk, supervisor or admin, not '{text.lower()}'", field=field
        )
    return text


def _clean(data: SettingsInput, cinema_ids: set[int]) -> SettingsView:
    homes: list[HomeCinema] = []
    seen: set[str] = set()
    if len(data.home_cinemas) > MAX_COUNTERS:
        raise ValidationError(
            f"at most {MAX_COUNTERS} counters can have a home cinema", field="home_cinemas"
        )
    for home in data.home_cinemas:
        counter = clean_text(
            home.counter, field="home_cinemas", label="A counter's name", max_len=COUNTER_MAX
        )
        if counter.casefold() in seen:
            raise ValidationError(
                f"counter '{counter}' is listed twice; give each counter one home cinema",
                field="home_cinemas",
            )
        seen.add(counter.casefold())
        theater = home.theater_id
        if isinstance(theater, bool) or not isinstance(theater, int) or theater not in cinema_ids:
            raise ValidationError(
                f"choose an existing cinema for counter '{counter}'", field="home_cinemas"
            )
        homes.append(HomeCinema(counter, theater))
    return SettingsView(
        hold_minutes=parse_int(
            data.hold_minutes, field="hold_minutes", label="The hold time", minimum=1, maximum=60
        ),
        cancel_cutoff_minutes=parse_int(
            data.cancel_cutoff_minutes,
            field="cancel_cutoff_minutes",
            label="The cancellation cutoff",
            minimum=0,
            maximum=7 * 24 * 60,
        ),
        cancellation_fee=parse_decimal(
            data.cancellation_fee,
            field="cancellation_fee",
            label="The cancellation fee",
            minimum=Decimal(0),
            maximum=Decimal("100000.00"),
        ),
        sales_close_offset_minutes=parse_int(
            data.sales_close_offset_minutes,
            field="sales_close_offset_minutes",
            label="When sales close (minutes from the start)",
            minimum=-24 * 60,
            maximum=180,
        ),
        cleaning_gap_minutes=parse_int(
            data.cleaning_gap_minutes,
            field="cleaning_gap_minutes",
            label="The cleaning gap",
            minimum=0,
            maximum=240,
        ),
        cash_tendered_limit=parse_decimal(
            data.cash_tendered_limit,
            field="cash_tendered_limit",
            label="The most cash tendered at once",
            minimum=Decimal("1.00"),
            maximum=Decimal("10000000.00"),
        ),
        counter_setup_role=_role(
            data.counter_setup_role,
            "counter_setup_role",
            "Who may change a counter's strategy and delay",
        ),
        box_office_timezone=check_timezone(data.box_office_timezone, field="box_office_timezone"),
        home_cinemas=tuple(sorted(homes, key=lambda h: h.counter)),
    )


def _as_values(view: SettingsView) -> dict[str, object]:
    values: dict[str, object] = {f.name: getattr(view, f.name) for f in fields(view)}
    values["home_cinemas"] = {h.counter: h.theater_id for h in view.home_cinemas}
    return values


def _stored(name: str, value: object) -> str:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if name == "home_cinemas":
        assert isinstance(value, dict)
        return json.dumps(value, sort_keys=True)
    return str(value)


def update_settings(
    box: BoxOffice,
    ctx: CounterContext,
    data: SettingsInput,
    *,
    loaded: SettingsView | None = None,
) -> SettingsView:
    """Validate and save. With ``loaded`` (what the form showed), only the fields changed since
    are written, so a concurrent edit of another field by someone else survives."""
    require_admin(ctx, "Changing the box-office settings")
    now = box.now()
    with box.uows(write=True, label=ctx.counter) as uow:
        cinema_ids = {c.id for c in uow.config.cinema_choices()}
        clean = _clean(data, cinema_ids)
        current = _view(uow)
        wanted = _as_values(clean)
        before = _as_values(current)
        if loaded is not None:
            shown = _as_values(loaded)
            wanted = {k: v for k, v in wanted.items() if _stored(k, v) != _stored(k, shown[k])}
        changes = {k: v for k, v in wanted.items() if _stored(k, v) != _stored(k, before[k])}
        if not changes:
            return current
        for name, value in changes.items():
            key = HOME_KEY if name == "home_cinemas" else _KEYS[name]
            uow.settings.put(key, _stored(name, value))
        after = _view(uow)
        audit_change(
            uow,
            ctx,
            now,
            action="SETTINGS_CHANGED",
            entity="settings",
            entity_id="box office",
            before=before,
            after=_as_values(after),
        )
        uow.commit()
    return after


__all__ = ["get_settings", "home_cinema", "update_settings"]

"""A counter's teaching aids (strategy and processing delay): who may change them.

A processing delay inside the transaction makes every other counter wait for this one's lock (a
5 s delay at one counter stalled another for 4.6 s), so in a real cinema only a supervisor may
change it; the box office's ``counter_setup_role`` setting says who (everyone in the demo box
office, supervisors in a new cinema). The role is read from the staff table, not taken from the
caller's context, and every change is audited with its before and after values.
"""

from __future__ import annotations

from dataclasses import replace

from bms_desktop.domain.errors import PermissionDenied, ValidationError
from bms_desktop.domain.model import Role, Strategy
from bms_desktop.services.auth import current_role
from bms_desktop.services.context import BoxOffice, CounterContext, load_settings
from bms_desktop.services.sale_common import record_audit

MAX_DELAY_MS = 10_000


def _a(role: Role) -> str:
    word = role.value.lower()
    return f"{'an' if word[0] in 'aeiou' else 'a'} {word}"


def counter_setup_role(box: BoxOffice) -> Role:
    """The least role that may change a counter's strategy and processing delay here."""
    return box.settings().counter_setup_role


def may_change_counter_setup(box: BoxOffice, ctx: CounterContext) -> bool:
    with box.uows() as uow:
        needed = load_settings(uow).counter_setup_role
        role = current_role(uow, ctx)
    return role is not None and role.at_least(needed)


def change_counter_setup(
    box: BoxOffice,
    ctx: CounterContext,
    *,
    strategy: Strategy | str | None = None,
    delay_ms: int | None = None,
) -> CounterContext:
    """The counter's context with a new strategy and/or processing delay, if the clerk's role
    (from the staff table) may change them here; PermissionDenied otherwise. Audited."""
    new = ctx
    if strategy is not None:
        try:
            new = new.with_strategy(Strategy(strategy))
        except ValueError as exc:
            raise ValidationError(f"unknown strategy {strategy}", field="strategy") from exc
    if delay_ms is not None:
        if not 0 <= int(delay_ms) <= MAX_DELAY_MS:
            raise ValidationError(
                f"a processing delay is 0 to {MAX_DELAY_MS:,} ms, not {delay_ms}", field="delay"
            )
        new = replace(new, delay_ms=int(delay_ms))
    if new == ctx:
        return ctx
    now = box.now()
    with box.uows(write=True, label=ctx.counter) as uow:
        needed = load_settings(uow).counter_setup_role
        role = current_role(uow, ctx)
        if role is None or not role.at_least(needed):
            raise PermissionDenied(
                f"changing this counter's strategy or processing delay needs "
                f"{_a(needed)} at this box office; {ctx.username} is "
                f"{'not on the staff list' if role is None else _a(role)}"
            )
        record_audit(
            uow,
            ctx,
            now,
            "COUNTER_SETUP",
            entity="counter",
            entity_id=ctx.counter,
            before={"strategy": ctx.strategy.value, "delay_ms": ctx.delay_ms},
            after={"strategy": new.strategy.value, "delay_ms": new.delay_ms},
        )
        uow.commit()
    return new


__all__ = [
    "MAX_DELAY_MS",
    "change_counter_setup",
    "counter_setup_role",
    "may_change_counter_setup",
]

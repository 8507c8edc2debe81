"""Door scanners for the race tests: a scan in a thread of the test process or in a process of
its own (``spawn``: module-level functions, picklable arguments). Outcomes are plain dicts."""

from __future__ import annotations

import traceback
from typing import Any

from bms_desktop.domain.model import Role
from bms_desktop.services import door
from bms_desktop.services.context import BoxOffice, CounterContext
from tests.support.race_workers import START_TIMEOUT_S, FixedClock


def scan(
    box: BoxOffice, *, door_name: str, staff_id: int | None, code: str, people: Any = None
) -> dict[str, Any]:
    ctx = CounterContext(door_name, staff_id, "usha", Role.USHER)
    try:
        result = door.admit(box, ctx, code=code, door=door_name, people=people)
    except Exception as exc:  # reported to the test, which fails on it
        return {"door": door_name, "error": repr(exc), "trace": traceback.format_exc()}
    return {
        "door": door_name,
        "outcome": result.outcome.value,
        "people": result.people_now,
        "named_doors": [a.door for a in result.admissions],
        "message": result.message,
    }


def scan_process(
    url: str, clock_iso: str, barrier: Any, results: Any, kwargs: dict[str, Any]
) -> None:
    """Connect, wait for every scanner at the barrier, scan once, report."""
    from bms_desktop.persistence.engine import create_engines
    from bms_desktop.persistence.uow import SqlUnitOfWorkFactory

    try:
        engines = create_engines(url, pool_size=2)  # the schema is there: no migration check
        box, close = BoxOffice(uows=SqlUnitOfWorkFactory(engines)), engines.dispose
    except Exception as exc:
        barrier.abort()
        results.put({"door": kwargs["door_name"], "error": f"start: {exc!r}"})
        return
    try:
        box.clock = FixedClock(clock_iso)
        barrier.wait(timeout=START_TIMEOUT_S)
        results.put(scan(box, **kwargs))
    except Exception as exc:
        results.put({"door": kwargs["door_name"], "error": repr(exc)})
    finally:
        close()

"""Door check-in, what the Door window shows besides a scan's outcome: the screens to filter on,
the shows at the doors now with people admitted against people on sold tickets, and a ping for
the connection light. Reads only (deferred transactions)."""

from __future__ import annotations

from datetime import timedelta

from bms_desktop.services.context import BoxOffice
from bms_desktop.services.door import door_settings
from bms_desktop.services.door_views import DoorScreen, DoorSetup, DoorShow, DoorShowStatus


def door_setup(box: BoxOffice) -> DoorSetup:
    with box.uows() as uow:
        cfg = door_settings(uow)
        screens = tuple(
            DoorScreen(s.screen_id, s.screen_name, s.theater_id, s.theater_name)
            for s in uow.door.screens()
        )
    return DoorSetup(screens, cfg.opens_minutes, cfg.closes_after_end_minutes)


def shows_at_doors(
    box: BoxOffice,
    *,
    theater_id: int | None = None,
    screen_id: int | None = None,
    hours_ahead: float = 3.0,
    limit: int = 60,
) -> tuple[DoorShowStatus, ...]:
    """Shows whose doors are open now or open within ``hours_ahead``, by start time, with the
    people admitted and the people on sold tickets."""
    now = box.now()
    with box.uows() as uow:
        cfg = door_settings(uow)
        rows = uow.door.shows_at_doors(
            starts_before=now + timedelta(minutes=cfg.opens_minutes, hours=hours_ahead),
            ends_after=now - timedelta(minutes=cfg.closes_after_end_minutes),
            theater_id=theater_id,
            screen_id=screen_id,
            limit=limit,
        )
    out: list[DoorShowStatus] = []
    for r in rows:
        show = DoorShow(
            show_id=r.show_id,
            movie_title=r.movie_title,
            certificate=r.certificate,
            language=r.language,
            format=r.format,
            screen_id=r.screen_id,
            screen_name=r.screen_name,
            theater_id=r.theater_id,
            theater_name=r.theater_name,
            timezone=r.timezone,
            starts_at=r.starts_at,
            ends_at=r.ends_at,
            doors_open_at=cfg.doors_open_at(r.starts_at),
            doors_close_at=cfg.doors_close_at(r.ends_at),
        )
        is_open = show.doors_open_at <= now < show.doors_close_at
        out.append(DoorShowStatus(show, r.sold_people, r.admitted_people, is_open))
    return tuple(out)


def show_counts(box: BoxOffice, show_id: int) -> tuple[int, int]:
    """(people on confirmed tickets, people admitted) of one show."""
    with box.uows() as uow:
        return uow.door.show_counts(show_id)


def ping(box: BoxOffice) -> None:
    """Raises StorageUnavailable when the database does not answer (the door's connection
    light)."""
    with box.uows() as uow:
        uow.door.ping()


__all__ = ["door_setup", "ping", "show_counts", "shows_at_doors"]

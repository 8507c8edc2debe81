"""The first-run checklist: what a new cinema still needs before its first sale."""

from __future__ import annotations

from bms_desktop.services.admin.dto import SetupProgress, SetupStep
from bms_desktop.services.context import BoxOffice

STEPS: tuple[tuple[str, str, str], ...] = (
    # key, what the checklist says, the console area that does it
    ("cinema", "Add a city and a cinema", "places"),
    ("screen", "Add a screen and draw its seat layout", "screens"),
    ("movie", "Add a movie", "movies"),
    ("show", "Schedule a show", "shows"),
    ("clerk", "Add a clerk who sells at the counter", "staff"),
)


def setup_progress(box: BoxOffice) -> SetupProgress:
    """Which first-run steps are done, read from the data itself (so the list ticks itself off
    whoever added the data, and wherever)."""
    with box.uows() as uow:
        counts = uow.admin.setup_counts()
    return SetupProgress(
        steps=tuple(
            SetupStep(key=key, title=title, done=counts.get(key, 0) > 0, area=area)
            for key, title, area in STEPS
        )
    )

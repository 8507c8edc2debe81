"""The race engine: robot clerks sell the seats of one show against each other.

``bms-desktop race`` (``race_cli.py``), the race lab window (``gui/race_lab``, which runs
``race --stream`` in a child process) and the benchmarks all use this one engine, so they share
one source of figures (``RaceResult.to_json``).

* ``model``: configuration, attempt records, the result;
* ``scratch``: the race's own scratch show (real shows are never touched);
* ``clerk``: one robot clerk (and how it survives a lost database);
* ``runner``: clerks as threads or processes, the books, ``run_race``;
* ``summary``: numbers, table and explanation; ``compare``: every strategy, one table.

The verdict (``double_sales``, ``integrity_ok``) does not come from the clerks' counts: it is
``persistence.integrity.check_integrity``, run after the race on a fresh connection.

This package is part of the composition root: it may import ``app``, services and persistence.
"""

from bms_desktop.race.clerk import (
    ClerkSpec,
    connect_clerk,
    error_kind,
    is_database_locked,
    is_unreachable,
    run_clerk,
)
from bms_desktop.race.compare import compare_csv, compare_json, format_compare, run_compare
from bms_desktop.race.model import (
    ALL_STRATEGIES,
    DEFAULT_DURATION_S,
    DEFAULT_SEATS,
    AttemptRecord,
    ClerkOutcome,
    ClerkSummary,
    Outcome,
    RaceConfig,
    RaceMode,
    RaceResult,
    RaceStrategy,
    percentile,
)
from bms_desktop.race.runner import SharedFlag, run_race
from bms_desktop.race.scratch import check_race_show, ensure_scratch_show, seat_map_json
from bms_desktop.race.summary import explain, explain_compare, format_summary, summarise

__all__ = [
    "ALL_STRATEGIES",
    "DEFAULT_DURATION_S",
    "DEFAULT_SEATS",
    "AttemptRecord",
    "ClerkOutcome",
    "ClerkSpec",
    "ClerkSummary",
    "Outcome",
    "RaceConfig",
    "RaceMode",
    "RaceResult",
    "RaceStrategy",
    "SharedFlag",
    "check_race_show",
    "compare_csv",
    "compare_json",
    "connect_clerk",
    "ensure_scratch_show",
    "error_kind",
    "explain",
    "explain_compare",
    "format_compare",
    "format_summary",
    "is_database_locked",
    "is_unreachable",
    "percentile",
    "run_clerk",
    "run_compare",
    "run_race",
    "seat_map_json",
    "summarise",
]

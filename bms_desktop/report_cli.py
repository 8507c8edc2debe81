"""`bms-desktop report`: a report without the window, for a scheduled job at head office.

    bms-desktop report NAME --db URL --from DATE --to DATE [--cinema ID] [--shift ID]
                       [--show ID] [--movie ID] [--format csv|json] [--output FILE]

The figures are the window's: the same service (``services.reports.run_report``) makes both.
Dates are the cinema's business days (YYYY-MM-DD, inclusive). Every refusal is one line on
stderr and exit code 2 (through ``cli.CliError``); nothing is written on a refusal.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from bms_desktop.config import RunConfig
from bms_desktop.domain.errors import DomainError


def add_report_arguments(parser: argparse.ArgumentParser) -> None:
    from bms_desktop.services.reports import CATALOGUE

    names = ", ".join(s.name for s in CATALOGUE)
    parser.add_argument("name", metavar="NAME", help=f"the report: {names}")
    parser.add_argument("--from", dest="date_from", metavar="DATE", help="first business day")
    parser.add_argument("--to", dest="date_to", metavar="DATE", help="last business day")
    parser.add_argument("--cinema", metavar="ID", help="one cinema (needed by z-report)")
    parser.add_argument("--shift", metavar="ID", help="the shift of an x-report")
    parser.add_argument("--show", metavar="ID", help="the show of a seat-heat-map")
    parser.add_argument("--movie", metavar="ID", help="one movie (distributor report)")
    parser.add_argument("--format", default="csv", metavar="csv|json", help="csv (default) or json")
    parser.add_argument("--output", metavar="FILE", help="write to FILE instead of the screen")


def _day(value: str | None, option: str) -> date:
    if not value:
        raise ValueError(f"{option} DATE is needed (YYYY-MM-DD)")
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"{option} '{value}' is not a date; write it as YYYY-MM-DD") from None


def _id(value: str | None, option: str) -> int | None:
    if value is None:
        return None
    try:
        number = int(value)
    except ValueError:
        raise ValueError(f"{option} '{value}' is not an id (a number)") from None
    if number < 1:
        raise ValueError(f"{option} is a positive number")
    return number


def run_report_command(cfg: RunConfig, args: argparse.Namespace) -> int:
    from bms_desktop.app import StartupError, connect
    from bms_desktop.services.context import SYSTEM
    from bms_desktop.services.report_model import ReportFilter, to_csv, to_json
    from bms_desktop.services.reports import BY_NAME, run_report

    try:
        if args.name not in BY_NAME:
            raise ValueError(
                f"there is no report '{args.name}'; the reports are: {', '.join(BY_NAME)}"
            )
        if args.format not in ("csv", "json"):
            raise ValueError(f"--format is csv or json, not '{args.format}'")
        shift = _id(args.shift, "--shift")
        date_from = _day(args.date_from, "--from") if args.date_from or shift is None else None
        date_to = _day(args.date_to, "--to") if args.date_to or shift is None else None
        flt = ReportFilter(
            date_from=date_from or date.today(),
            date_to=date_to or date_from or date.today(),
            theater_id=_id(args.cinema, "--cinema"),
            show_id=_id(args.show, "--show"),
            movie_id=_id(args.movie, "--movie"),
            shift_id=shift,
        )
    except ValueError as exc:
        raise StartupError(str(exc)) from exc
    wiring = connect(cfg.db_url, create=False)
    try:
        report = run_report(wiring.box, SYSTEM, args.name, flt)
    except DomainError as exc:
        raise StartupError(str(exc)) from exc
    finally:
        wiring.close()
    text = to_json(report) if args.format == "json" else to_csv(report)
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8", newline="")
        except OSError as exc:
            raise StartupError(f"cannot write {args.output}: {exc.strerror or exc}") from exc
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    return 0

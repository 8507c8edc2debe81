"""The compare tables of docs/race-lab.md, measured by ``bms-desktop race --compare`` here.

Run: .venv/bin/python bench/make_guide_figures.py [--clerks 8] [--mode processes]
                                                  [--engines sqlite,postgresql]

For each engine (SQLite in a temporary folder; PostgreSQL in a throwaway cluster,
tests/support/pgcluster.py) it runs the same command a reader can type::

    bms-desktop race --db URL --compare --clerks 8 --mode processes --json

keeps the JSON (docs/figures/compare-<engine>.json) and writes the table between the markers
``<!-- compare:<engine>:begin -->`` / ``end`` of docs/race-lab.md, with the machine's load
average, since the 2-core machine is shared and the numbers move with it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

GUIDE = ROOT / "docs" / "race-lab.md"
FIGURES = ROOT / "docs" / "figures"
COLUMNS = (
    ("strategy", "strategy", "{}"),
    ("throughput_per_s", "bookings/s", "{:.0f}"),
    ("latency_ms_p50", "p50 ms", "{:.1f}"),
    ("latency_ms_p99", "p99 ms", "{:.1f}"),
    ("conflicts", "conflicts", "{}"),
    ("retries", "retries", "{}"),
    ("lock_wait_ms_p50", "wait p50 ms", "{:.1f}"),
    ("lock_wait_ms_p99", "wait p99 ms", "{:.1f}"),
    ("safety_net_catches", "safety net", "{}"),
    ("database_locked_errors", '"database is locked"', "{}"),
    ("double_sales", "double sales", "{}"),
)


def compare(url: str, clerks: int, mode: str, data_dir: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "bms_desktop", "race", "--db", url, "--data-dir", data_dir,
         "--compare", "--clerks", str(clerks), "--mode", mode, "--json"],
        capture_output=True, text=True, check=False, cwd=ROOT,
    )  # fmt: skip
    if done.returncode not in (0, 1):
        raise SystemExit(f"race --compare failed: {done.stderr}")
    payload: dict[str, Any] = json.loads(done.stdout)
    return payload


def table(payload: dict[str, Any], engine: str, clerks: int, mode: str) -> str:
    load = os.getloadavg()[0]
    lines = [
        f"`bms-desktop race --db <{engine}> --compare --clerks {clerks} --mode {mode} --json` "
        f"(600-seat scratch shows, 2 seats per booking; load average {load:.1f} on "
        f"{os.cpu_count()} cores):",
        "",
        "| " + " | ".join(h for _k, h, _f in COLUMNS) + " |",
        "|" + "---|" * len(COLUMNS),
    ]
    for entry in payload["strategies"].values():
        lines.append("| " + " | ".join(f.format(entry[k]) for k, _h, f in COLUMNS) + " |")
    return "\n".join(lines) + "\n"


def write(engine: str, text: str) -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    begin, end = f"<!-- compare:{engine}:begin -->", f"<!-- compare:{engine}:end -->"
    start, stop = guide.index(begin) + len(begin), guide.index(end)
    GUIDE.write_text(guide[:start] + "\n" + text + guide[stop:], encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clerks", type=int, default=8)
    parser.add_argument("--mode", default="processes")
    parser.add_argument("--engines", default="sqlite,postgresql")
    args = parser.parse_args()
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    FIGURES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bms-guide-") as folder:
        for engine in engines:
            if engine == "sqlite":
                payload = compare(
                    f"sqlite:///{Path(folder) / 'guide.db'}", args.clerks, args.mode, folder
                )
            else:
                from tests.support.pgcluster import PgCluster

                with PgCluster() as cluster:
                    url = cluster.create_database("guide")
                    payload = compare(url, args.clerks, args.mode, folder)
            (FIGURES / f"compare-{engine}.json").write_text(
                json.dumps(payload, indent=1) + "\n", encoding="utf-8"
            )
            text = table(payload, engine, args.clerks, args.mode)
            write(engine, text)
            print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The one-folder bundle, built from a clean state by build.spec, then run as a clerk's PC would.

The build goes to a temporary dist/work folder (never the repository's). Every run of the frozen
program gets its own temporary data folder. Figures (bundle size, build time, frozen and source
start-up times) are printed and written to ``packaging-report.json`` in the session's temporary
folder; the only figure asserted is the size budget (150 MB), which is not a timing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bms_desktop import APP_NAME
from bms_desktop.persistence.migrate import head_revision

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SIZE_BUDGET_MB = 150.0
START_RUNS = 3


@dataclass
class Bundle:
    folder: Path
    exe: Path
    work: Path
    build_s: float
    report_file: Path
    report: dict[str, object] = field(default_factory=dict)
    start_up: dict[str, object] = field(default_factory=dict)

    def save_report(self) -> None:
        everything = {**self.report, "start_up": self.start_up}
        self.report_file.write_text(json.dumps(everything, indent=2) + "\n")


def _clean_env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("BMS_", "PYTHON", "QT_")) and k != "XDG_DATA_HOME"
    }
    env["QT_QPA_PLATFORM"] = "offscreen"
    env.update(extra)
    return env


def _run(
    args: list[str],
    *,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 180,
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args,
        capture_output=True,
        text=True,
        env=env or _clean_env(),
        cwd=cwd,
        timeout=timeout,
        check=False,
    )


def _explain(done: subprocess.CompletedProcess[str]) -> str:
    out, err = done.stdout[-3000:], done.stderr[-3000:]
    return f"exit {done.returncode}\n--- stdout\n{out}\n--- stderr\n{err}"


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(folder)): (p.lstat().st_size, p.lstat().st_mtime_ns)
        for p in folder.rglob("*")
    }


def _size_bytes(folder: Path) -> int:
    """Apparent size of every file; symbolic links count as links, not as what they point to."""
    return sum(p.lstat().st_size for p in folder.rglob("*") if not p.is_dir() or p.is_symlink())


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bundle]:
    base = tmp_path_factory.mktemp("bundle")
    dist, work = base / "dist", base / "work"
    t0 = time.perf_counter()
    done = _run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--clean",
            "--distpath",
            str(dist),
            "--workpath",
            str(work),
            str(ROOT / "build.spec"),
        ],
        cwd=ROOT,
        env={**os.environ},
        timeout=600,
    )
    build_s = time.perf_counter() - t0
    assert done.returncode == 0, _explain(done)
    folder = dist / APP_NAME
    exe = folder / (APP_NAME + (".exe" if sys.platform == "win32" else ""))
    assert exe.is_file(), f"no executable at {exe}"
    trim = work / "build" / "trim-report.txt"
    report_file = tmp_path_factory.getbasetemp() / "packaging-report.json"
    b = Bundle(folder=folder, exe=exe, work=work, build_s=build_s, report_file=report_file)
    b.report.update(
        build_s=round(build_s, 1),
        bundle=str(folder),
        trimmed=trim.read_text().splitlines() if trim.exists() else [],
    )
    yield b
    b.save_report()
    shutil.rmtree(work, ignore_errors=True)


def _sqlite(path: Path) -> str:
    return f"sqlite:///{path}"


# ---------------------------------------------------------------- contents and size


def test_bundle_holds_resources_migrations_and_only_the_qt_parts_a_terminal_needs(
    bundle: Bundle,
) -> None:
    internal = bundle.folder / "_internal"
    migrations = internal / "bms_desktop" / "persistence" / "migrations"
    assert (migrations / "env.py").is_file()
    assert list((migrations / "versions").glob(f"{head_revision()}_*.py")), (
        "Alembic versions missing"
    )
    assert (internal / "resources" / "icons" / "app.svg").is_file()
    assert list((internal / "resources" / "styles").glob("*.qss"))
    packed = (bundle.work / "build" / "PYZ-00.toc").read_text()
    for form in (ROOT / "bms_desktop" / "gui" / "forms").glob("ui_*.py"):
        assert f"'bms_desktop.gui.forms.{form.stem}'" in packed, f"{form.name} not bundled"
    for module in (
        "psycopg",
        "psycopg_binary.pq",
        "sqlalchemy.dialects.postgresql.psycopg",
        "bms_desktop.race",
        "bms_desktop.gui.launcher",
        "bms_desktop.logsetup",
    ):
        assert f"'{module}'" in packed or list(internal.glob(f"{module.replace('.', '/')}*")), (
            module
        )
    qt = internal / "PySide6" / "Qt"
    assert not (qt / "translations").exists()
    plugins = {p.relative_to(qt / "plugins").as_posix() for p in (qt / "plugins").rglob("*.*")}
    if sys.platform.startswith("linux"):
        for needed in (
            "platforms/libqoffscreen.so",
            "platforms/libqxcb.so",
            "imageformats/libqsvg.so",
            "iconengines/libqsvgicon.so",
        ):
            assert needed in plugins
        assert not any("wayland" in p or "eglfs" in p or "gtk3" in p for p in plugins), plugins
        assert not list(internal.rglob("libQt6Quick*")) and not list(internal.rglob("libQt6Qml*"))


def test_bundle_stays_within_the_size_budget(bundle: Bundle) -> None:
    size = _size_bytes(bundle.folder)
    mb, mib = size / 1e6, size / 2**20
    bundle.report.update(size_bytes=size, size_mb=round(mb, 1), size_mib=round(mib, 1))
    bundle.save_report()
    print(f"\nbundle: {mb:.1f} MB ({mib:.1f} MiB), built in {bundle.build_s:.1f} s")
    if sys.platform.startswith("linux"):
        assert mb <= SIZE_BUDGET_MB, f"the bundle is {mb:.1f} MB; the budget is {SIZE_BUDGET_MB} MB"


# ---------------------------------------------------------------- the frozen program at work


def test_frozen_smoke_test_prints_smoke_ok(bundle: Bundle, tmp_path: Path) -> None:
    data = tmp_path / "data"
    done = _run([str(bundle.exe), "--smoke", "--data-dir", str(data)])
    assert done.returncode == 0, _explain(done)
    assert done.stdout.startswith("SMOKE OK"), _explain(done)
    assert (data / "boxoffice.db").is_file()
    assert "smoke test passed" in (data / "logs" / "bms-desktop.log").read_text()


@pytest.fixture(scope="module")
def frozen_demo_db(bundle: Bundle, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo database built by the frozen program (two days of shows, to keep it quick)."""
    folder = tmp_path_factory.mktemp("demo")
    db = folder / "demo.db"
    args = ["seed", "--days", "2", "--db", _sqlite(db), "--data-dir", str(folder)]
    done = _run([str(bundle.exe), *args])
    assert done.returncode == 0, _explain(done)
    assert "Demo box office created" in done.stdout, _explain(done)
    return db


def test_frozen_seed_builds_a_demo_database(
    bundle: Bundle, frozen_demo_db: Path, tmp_path: Path
) -> None:
    with sqlite3.connect(frozen_demo_db) as conn:
        shows = conn.execute("SELECT count(*) FROM shows").fetchone()[0]
        staff = conn.execute("SELECT count(*) FROM staff").fetchone()[0]
        sold = conn.execute("SELECT count(*) FROM show_seats WHERE status = 'SOLD'").fetchone()[0]
    assert shows > 0 and staff > 0 and sold > 0
    db = _sqlite(frozen_demo_db)
    status = _run([str(bundle.exe), "db", "status", "--db", db, "--data-dir", str(tmp_path)])
    assert status.returncode == 0 and f"schema {head_revision()}" in status.stdout, _explain(status)
    again = _run([str(bundle.exe), "seed", "--db", db, "--data-dir", str(tmp_path)])
    assert again.returncode == 2 and "already holds data" in again.stderr, _explain(again)


def _race(exe: list[str], db: Path, data: Path, show: str = "auto") -> list[str]:
    return [
        *exe,
        "race",
        "--db",
        _sqlite(db),
        "--data-dir",
        str(data),
        "--show",
        show,
        "--clerks",
        "2",
        "--mode",
        "processes",
        "--json",
    ]


def test_frozen_race_between_clerk_processes_sells_no_seat_twice(
    bundle: Bundle, tmp_path: Path
) -> None:
    done = _run(_race([str(bundle.exe)], tmp_path / "race.db", tmp_path))
    assert done.returncode == 0, _explain(done)
    result = json.loads(done.stdout)
    assert result["mode"] == "processes" and result["clerks"] == 2
    assert result["double_sales"] == 0
    assert result["integrity_ok"] is True
    assert result["bookings"] > 0 and result["db_sold_seats"] == result["sold_seats"]


def test_frozen_and_source_instances_share_one_sqlite_file(
    bundle: Bundle, frozen_demo_db: Path, tmp_path: Path
) -> None:
    """Two frozen programs and one run from source, each with two clerk processes, sell the same
    demo show at once from one file: no double sale, no "database is locked", and the seats they
    say they sold add up to what the database shows."""
    db = tmp_path / "shared.db"
    shutil.copyfile(frozen_demo_db, db)
    with sqlite3.connect(db) as conn:
        show_id, sold_before = conn.execute(
            "SELECT s.id, (SELECT count(*) FROM show_seats ss WHERE ss.show_id = s.id "
            "AND ss.status = 'SOLD') FROM shows s ORDER BY s.starts_at DESC, s.id LIMIT 1"
        ).fetchone()
    instances = [[str(bundle.exe)], [str(bundle.exe)], [sys.executable, "-m", "bms_desktop"]]
    procs = [
        subprocess.Popen(
            _race(exe, db, tmp_path, show=str(show_id)),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_clean_env(),
            cwd=ROOT,
        )
        for exe in instances
    ]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=180)
        # 1 is expected: each run sees seats it did not sell (the others did) and says so
        assert proc.returncode in (0, 1), f"exit {proc.returncode}\n{out[-2000:]}\n{err[-2000:]}"
        results.append(json.loads(out))
    for r in results:
        assert r["show_id"] == show_id
        assert r["double_sales"] == 0 and r["integrity_ok"] is True, r["integrity"]
        assert r["database_locked_errors"] == 0 and r["unexpected_errors"] == 0, r["errors"]
    with sqlite3.connect(db) as conn:
        sold = conn.execute(
            "SELECT count(*) FROM show_seats WHERE show_id = ? AND status = 'SOLD'", (show_id,)
        ).fetchone()[0]
    assert sold == sold_before + sum(r["sold_seats"] for r in results)
    assert sum(r["bookings"] for r in results) > 0


def test_frozen_program_reaches_psycopg_for_a_postgres_url(bundle: Bundle, tmp_path: Path) -> None:
    done = _run(
        [
            str(bundle.exe),
            "db",
            "status",
            "--data-dir",
            str(tmp_path),
            "--db",
            "postgresql://nobody@127.0.0.1:1/x",
        ]
    )
    assert done.returncode == 2, _explain(done)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "cannot reach PostgreSQL" in lines[0], _explain(done)
    assert "connection" in lines[0].lower()  # libpq's own words: the driver is bundled and ran


@pytest.mark.postgres
def test_frozen_race_on_postgresql_sells_no_seat_twice(
    bundle: Bundle, pg_url: str, tmp_path: Path
) -> None:
    """psycopg 3 and libpq work frozen, in the clerk processes too (the throwaway cluster)."""
    args = [
        str(bundle.exe),
        "race",
        "--db",
        pg_url,
        "--data-dir",
        str(tmp_path),
        "--show",
        "auto",
        "--clerks",
        "2",
        "--mode",
        "processes",
        "--seats",
        "120",
        "--json",
    ]
    done = _run(args)
    assert done.returncode == 0, _explain(done)
    result = json.loads(done.stdout)
    assert result["dialect"] == "postgresql"
    assert result["double_sales"] == 0 and result["integrity_ok"] is True
    assert result["bookings"] > 0 and result["db_sold_seats"] == result["sold_seats"]


def test_frozen_program_keeps_its_data_in_the_users_app_data_folder(
    bundle: Bundle, tmp_path: Path
) -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("the expected folder below is the Linux one")
    home = tmp_path / "home"
    home.mkdir()
    before = _snapshot(bundle.folder)
    done = _run(
        [str(bundle.exe), "db", "upgrade"], env=_clean_env(HOME=str(home)), cwd=bundle.folder
    )
    assert done.returncode == 0, _explain(done)
    assert (home / ".local" / "share" / APP_NAME / "boxoffice.db").is_file()
    assert _snapshot(bundle.folder) == before, "the program wrote beside the bundle"


def test_frozen_program_without_stdout_and_stderr_logs_instead_of_crashing(
    bundle: Bundle, tmp_path: Path
) -> None:
    """A windowed build starts with sys.stdout/sys.stderr None: prints must not raise."""
    if sys.platform == "win32":
        pytest.skip("closing the standard descriptors through sh is a POSIX test")
    db = tmp_path / "demo.db"
    done = _run(
        [
            "sh",
            "-c",
            'exec "$@" >&- 2>&-',
            "sh",
            str(bundle.exe),
            "seed",
            "--days",
            "1",
            "--db",
            _sqlite(db),
            "--data-dir",
            str(tmp_path),
        ],
    )
    assert done.returncode == 0, _explain(done)
    log = (tmp_path / "logs" / "bms-desktop.log").read_text()
    assert "Demo box office created" in log  # the print() went to the log
    assert db.is_file()


# ---------------------------------------------------------------- start-up: figures, not asserts


def _median_wall_s(args: list[str], cwd: Path | None = None) -> tuple[float, list[str]]:
    walls, outs = [], []
    for _ in range(START_RUNS):
        t0 = time.perf_counter()
        done = _run(args, cwd=cwd)
        walls.append(time.perf_counter() - t0)
        assert done.returncode == 0, _explain(done)
        outs.append(done.stdout.strip())
    return statistics.median(walls), outs


def _inner_ms(outs: list[str]) -> float | None:
    found = [re.search(r"(\d+) ms\s*$", o.splitlines()[0]) for o in outs if o]
    values = [float(m.group(1)) for m in found if m]
    return statistics.median(values) if values else None


def test_start_up_time_frozen_and_from_source(bundle: Bundle, tmp_path: Path) -> None:
    """--smoke wall time (start, open the database, write, build the windows offscreen, exit),
    median of a few runs each, frozen and from source, on one already-migrated database."""
    data = tmp_path / "data"
    warm = _run([str(bundle.exe), "db", "upgrade", "--data-dir", str(data)])
    assert warm.returncode == 0, _explain(warm)
    smoke = ["--smoke", "--data-dir", str(data)]
    frozen_s, frozen_out = _median_wall_s([str(bundle.exe), *smoke])
    source_s, source_out = _median_wall_s([sys.executable, "-m", "bms_desktop", *smoke], cwd=ROOT)
    version_frozen_s, _ = _median_wall_s([str(bundle.exe), "--version"])
    version_source_s, _ = _median_wall_s(
        [sys.executable, "-m", "bms_desktop", "--version"], cwd=ROOT
    )
    figures = {
        "runs_each": START_RUNS,
        "smoke_wall_s_frozen": round(frozen_s, 3),
        "smoke_wall_s_source": round(source_s, 3),
        "smoke_inner_ms_frozen": _inner_ms(frozen_out),
        "smoke_inner_ms_source": _inner_ms(source_out),
        "version_wall_s_frozen": round(version_frozen_s, 3),
        "version_wall_s_source": round(version_source_s, 3),
    }
    bundle.start_up.update(figures)
    bundle.save_report()
    print(
        f"\nstart-up, median of {START_RUNS}: --smoke frozen {frozen_s:.2f} s vs source "
        f"{source_s:.2f} s; --version frozen {version_frozen_s:.2f} s vs source "
        f"{version_source_s:.2f} s; report: {bundle.report_file}"
    )
    assert all(o.startswith("SMOKE OK") for o in frozen_out + source_out)


# ---------------------------------------------------------------- a real window (X11)


@pytest.fixture(scope="module")
def xserver() -> Iterator[str]:
    """A virtual X server (Xvfb) on a display number it picks itself."""
    if not (shutil.which("Xvfb") and shutil.which("xwininfo")):
        pytest.skip("needs Xvfb and xwininfo (apt-get install xvfb x11-utils)")
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen(
        # -noreset: a server that resets when its last client leaves refuses the next one briefly
        [
            "Xvfb",
            "-displayfd",
            str(write_fd),
            "-screen",
            "0",
            "1366x768x24",
            "-nolisten",
            "tcp",
            "-noreset",
        ],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        number = pipe.readline().strip()  # written once the server accepts connections
    try:
        assert number.isdigit(), "Xvfb did not start"
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def _window_is_viewable(env: dict[str, str], title: str) -> bool:
    tree = _run(["xwininfo", "-root", "-tree"], env=env, timeout=10).stdout
    for line in tree.splitlines():
        if f'"{title}' in line:
            info = _run(["xwininfo", "-id", line.split()[0]], env=env, timeout=10).stdout
            if "IsViewable" in info:
                return True
    return False


def _time_to_first_window(args: list[str], env: dict[str, str], title: str) -> float:
    """From starting the program to its first window being mapped on the X server (polled
    every 10 ms; the program is ended once the window is there)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        args, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    try:
        while not _window_is_viewable(env, title):
            if proc.poll() is not None:
                _out, err = proc.communicate()
                pytest.fail(f"exited {proc.returncode} before its first window: {err[-2000:]}")
            assert time.perf_counter() - t0 < 60, "no window within 60 s"
            time.sleep(0.01)  # polling interval of the measurement, not a synchronisation
        return time.perf_counter() - t0
    finally:
        proc.terminate()
        proc.communicate(timeout=30)


def test_frozen_app_opens_its_sign_in_window_on_x11_and_time_to_first_window(
    bundle: Bundle, frozen_demo_db: Path, xserver: str, tmp_path: Path
) -> None:
    """The xcb platform plugin and its libraries work frozen: the sign-in window appears on a
    real (virtual) X server. Time to that window, frozen and from source, is a figure."""
    env = _clean_env(DISPLAY=xserver, QT_QPA_PLATFORM="xcb")
    db = tmp_path / "demo.db"
    shutil.copyfile(frozen_demo_db, db)
    common = ["--db", _sqlite(db), "--data-dir", str(tmp_path)]
    title = "Sign in to"
    frozen = [_time_to_first_window([str(bundle.exe), *common], env, title) for _ in range(3)]
    source = [
        _time_to_first_window([sys.executable, "-m", "bms_desktop", *common], env, title)
        for _ in range(3)
    ]
    figures = {
        "first_window_s_frozen": round(statistics.median(frozen), 3),
        "first_window_s_source": round(statistics.median(source), 3),
        "first_window_runs_frozen": [round(t, 3) for t in frozen],
        "first_window_runs_source": [round(t, 3) for t in source],
    }
    bundle.start_up.update(figures)
    bundle.save_report()
    print(
        f"\ntime to the sign-in window (Xvfb, xcb), median of 3: frozen "
        f"{statistics.median(frozen):.2f} s vs source {statistics.median(source):.2f} s"
    )
    assert "Unexpected error" not in (tmp_path / "logs" / "bms-desktop.log").read_text()

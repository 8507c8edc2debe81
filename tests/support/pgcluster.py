"""Throwaway PostgreSQL clusters for the test suite (stdlib + psycopg only).

``PgCluster`` runs ``initdb`` into a fresh temporary directory and starts a server that
listens only on 127.0.0.1, on a free port, with durability switched off (fsync,
synchronous_commit and full_page_writes are off: the cluster is deleted afterwards)::

    with PgCluster() as cluster:
        url = cluster.create_database("scratch")  # postgresql+psycopg://postgres@127.0.0.1:PORT/scratch
        ...

PostgreSQL refuses to run as root. When this process is root, every server program
(initdb, pg_ctl, and through pg_ctl the postmaster) is run as the ``postgres`` system user
(``subprocess`` ``user=``/``group=``/``extra_groups=[]``, i.e. setuid in the child before
exec, with no shell and no ``su``/``runuser``), and the temporary directory is chowned to
that user. It is made under the system temporary directory, not under pytest's
``/tmp/pytest-of-root`` (mode 0700, unreachable for ``postgres``). Otherwise the programs
run as the current user.

The server programs are looked up on PATH first, then in the highest-versioned
``/usr/lib/postgresql/*/bin``. ``pg_available()`` says whether a cluster can be started, and
if not, why (with the ``apt-get install postgresql`` hint).

``stop()`` is ``pg_ctl -m immediate stop`` followed by removal of the directory. Every
started cluster is also registered with ``atexit``, so a test session that ends on an
exception or Ctrl-C does not leave a server behind (a SIGKILLed Python process still can).
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Final, Protocol, Self
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

__all__ = [
    "INSTALL_HINT",
    "ExternalServer",
    "PgCluster",
    "PgClusterError",
    "PgServer",
    "PgUnavailableError",
    "create_database",
    "drop_database",
    "find_bindir",
    "libpq_url",
    "pg_available",
    "redact_url",
    "with_database",
]

INSTALL_HINT: Final = "install the PostgreSQL server programs: apt-get install postgresql"
SERVER_PROGRAMS: Final = ("initdb", "pg_ctl", "postgres")
# Debian/Ubuntu keep the server programs off PATH, in one directory per major version.
VERSIONED_BINDIR_GLOB = "/usr/lib/postgresql/*/bin"
RUN_AS_WHEN_ROOT: Final = "postgres"

_DEFAULT_SETTINGS: Final[Mapping[str, str]] = {
    "listen_addresses": "127.0.0.1",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",
    "shared_buffers": "32MB",
    "wal_level": "minimal",
    "max_wal_senders": "0",
    "jit": "off",
}
_START_ATTEMPTS: Final = 5
_PORT_CLASH: Final = re.compile(r"could not bind .*: Address already in use")
_DB_NAME: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")
_LOG_TAIL_LINES: Final = 40


class PgClusterError(RuntimeError):
    """A throwaway cluster could not be created, started or stopped."""


class PgUnavailableError(PgClusterError):
    """PostgreSQL server programs (or a user to run them as) are missing."""


class PgServer(Protocol):
    """What the test fixtures need from a server: ours (PgCluster) or an external one."""

    @property
    def url(self) -> str: ...

    def create_database(self, name: str, template: str | None = None) -> str: ...

    def drop_database(self, name: str) -> None: ...


# ---------------------------------------------------------------- discovery


def _version_key(version: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in version.split("."))
    except ValueError:
        return (-1,)


def _has_programs(directory: Path) -> bool:
    return all(os.access(directory / name, os.X_OK) for name in SERVER_PROGRAMS)


def find_bindir() -> Path | None:
    """The directory holding initdb, pg_ctl and postgres: PATH first, then the newest
    ``/usr/lib/postgresql/<version>/bin``; None if there is none."""
    candidates: list[Path] = []
    for name in SERVER_PROGRAMS:
        found = shutil.which(name)
        if found is not None:
            candidates.append(Path(found).parent)
    versioned = sorted(
        (Path(d) for d in glob.glob(VERSIONED_BINDIR_GLOB)),
        key=lambda d: _version_key(d.parent.name),
        reverse=True,
    )
    candidates.extend(versioned)
    for directory in dict.fromkeys(candidates):
        if _has_programs(directory):
            return directory
    return None


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


class _RunAs:
    """The OS account the server programs run as, when that is not us (we are root)."""

    def __init__(self, name: str, uid: int, gid: int) -> None:
        self.name = name
        self.uid = uid
        self.gid = gid


def _run_as(os_user: str) -> _RunAs | None:
    """None when we run the programs as ourselves (not root); raises if we are root and
    ``os_user`` does not exist."""
    if not _is_root():
        return None
    import pwd  # POSIX only; keep the module importable elsewhere

    try:
        entry = pwd.getpwnam(os_user)
    except KeyError:
        raise PgUnavailableError(
            f"this process runs as root, PostgreSQL refuses to run as root, and there is no "
            f"{os_user!r} system user to run it as (apt-get install postgresql creates it)"
        ) from None
    if entry.pw_uid == 0:
        raise PgUnavailableError(f"the system user {os_user!r} is root; PostgreSQL refuses that")
    return _RunAs(os_user, entry.pw_uid, entry.pw_gid)


def pg_available(bindir: Path | None = None, os_user: str = RUN_AS_WHEN_ROOT) -> str | None:
    """None if a throwaway cluster can be started here, else the reason why not."""
    if os.name != "posix":
        return "throwaway PostgreSQL clusters are only supported on POSIX systems"
    if bindir is None:
        bindir = find_bindir()
        if bindir is None:
            return (
                "PostgreSQL server programs (initdb, pg_ctl, postgres) were not found on PATH "
                f"or in {VERSIONED_BINDIR_GLOB}; {INSTALL_HINT}"
            )
    elif not _has_programs(bindir):
        return f"{bindir} does not hold initdb, pg_ctl and postgres; {INSTALL_HINT}"
    try:
        run_as = _run_as(os_user)
    except PgUnavailableError as exc:
        return str(exc)
    try:
        proc = subprocess.run(
            [str(bindir / "postgres"), "--version"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
            user=None if run_as is None else run_as.uid,
            group=None if run_as is None else run_as.gid,
            extra_groups=None if run_as is None else [],
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return f"cannot run {bindir / 'postgres'}: {exc}; {INSTALL_HINT}"
    if proc.returncode != 0:
        return (
            f"{bindir / 'postgres'} --version failed (exit {proc.returncode}): "
            f"{(proc.stdout + proc.stderr).strip()}; {INSTALL_HINT}"
        )
    return None


# ---------------------------------------------------------------- URLs and databases


def libpq_url(url: str) -> str:
    """``postgresql+psycopg://...`` (SQLAlchemy) -> ``postgresql://...`` (libpq/psycopg)."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise ValueError(f"not a URL: {url!r}")
    return f"{scheme.split('+', 1)[0]}://{rest}"


def with_database(url: str, name: str) -> str:
    """``url`` pointing at database ``name`` instead (scheme and query kept)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def redact_url(url: str) -> str:
    """``url`` with any password replaced by ``***`` (for error messages)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def _check_name(name: str) -> None:
    if not _DB_NAME.fullmatch(name):
        raise ValueError(
            f"database name {name!r} must be 1-63 ASCII letters, digits or _ "
            "and not start with a digit"
        )


def _connect(url: str) -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(libpq_url(url), autocommit=True, connect_timeout=10)


def create_database(
    admin_url: str, name: str, *, file_copy: bool = False, template: str | None = None
) -> str:
    """Create database ``name`` through the server at ``admin_url``; return its URL.
    ``template``: a copy of that database (which nobody may be connected to).

    ``file_copy`` uses ``STRATEGY = FILE_COPY`` (PostgreSQL 15+): on a cluster with fsync
    off it is 2-3x faster than the default WAL_LOG; on a durable server it forces two
    checkpoints, so it is only used for our own throwaway clusters.
    """
    _check_name(name)
    with _connect(admin_url) as conn:
        strategy = sql.SQL("")
        if file_copy and conn.info.server_version >= 150000:
            strategy = sql.SQL(" STRATEGY = FILE_COPY")
        if template is not None:
            _check_name(template)
            strategy = sql.SQL(" TEMPLATE {}").format(sql.Identifier(template)) + strategy
        conn.execute(sql.SQL("CREATE DATABASE {}{}").format(sql.Identifier(name), strategy))
    return with_database(admin_url, name)


def drop_database(admin_url: str, name: str) -> None:
    """Drop database ``name`` if it exists, first locking out and terminating every
    connection to it (pg_terminate_backend), so leaked test connections do not block it."""
    _check_name(name)
    ident = sql.Identifier(name)
    with _connect(admin_url) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            return
        conn.execute(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS false").format(ident))
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        )
        # pg_terminate_backend only signals; DROP waits (up to 5 s) for the backends to
        # go, and FORCE (PostgreSQL 13+) terminates any that remain.
        force = sql.SQL(" WITH (FORCE)") if conn.info.server_version >= 130000 else sql.SQL("")
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}{}").format(ident, force))


class ExternalServer:
    """A server someone else runs (e.g. ``BMS_TEST_PG_URL``); ``url`` is its maintenance
    database, where databases are created and dropped from."""

    def __init__(self, url: str) -> None:
        self._url = url

    @property
    def url(self) -> str:
        return self._url

    def check(self) -> None:
        """Raise psycopg.Error unless ``SELECT 1`` works."""
        with _connect(self._url) as conn:
            conn.execute("SELECT 1")

    def create_database(self, name: str, template: str | None = None) -> str:
        return create_database(self._url, name, template=template)

    def drop_database(self, name: str) -> None:
        drop_database(self._url, name)

    def __repr__(self) -> str:
        return f"ExternalServer({redact_url(self._url)!r})"


# ---------------------------------------------------------------- the cluster


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _reachable_by_others(directory: Path) -> bool:
    """Whether every directory from / down to ``directory`` is o+x (searchable by the
    ``postgres`` user)."""
    try:
        resolved = directory.resolve()
        return all(p.stat().st_mode & stat.S_IXOTH for p in (resolved, *resolved.parents))
    except OSError:
        return False


def _temp_parent(for_other_user: bool) -> str:
    parent = Path(tempfile.gettempdir())
    # Unix socket paths are limited to ~107 bytes; keep the directory short.
    if len(str(parent)) > 60 or (for_other_user and not _reachable_by_others(parent)):
        return "/tmp"
    return str(parent)


def _quote_setting(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"


def _tail(text: str, lines: int = _LOG_TAIL_LINES) -> str:
    return "\n".join(text.splitlines()[-lines:])


class PgCluster:
    """A throwaway PostgreSQL cluster on 127.0.0.1 in its own temporary directory.

    ``settings`` override or extend the postgresql.conf defaults; ``port`` pins the port
    (default: a free one, retried on a clash); ``bindir`` pins the server programs;
    ``os_user`` is who runs the server when we are root.
    """

    def __init__(
        self,
        *,
        superuser: str = "postgres",
        dbname: str = "postgres",
        settings: Mapping[str, str | int] | None = None,
        port: int | None = None,
        bindir: Path | str | None = None,
        os_user: str = RUN_AS_WHEN_ROOT,
        start_timeout: int = 60,
        parent_dir: Path | str | None = None,
    ) -> None:
        self.superuser = superuser
        self.dbname = dbname
        self._settings = {**_DEFAULT_SETTINGS, **{k: str(v) for k, v in (settings or {}).items()}}
        self._requested_port = port
        self._bindir = None if bindir is None else Path(bindir)
        self._os_user = os_user
        self._start_timeout = start_timeout
        # Where the temporary directory goes (default: the system's); e.g. a small tmpfs to
        # make the server's disk fill up.
        self._parent_dir = None if parent_dir is None else str(parent_dir)
        self._run_as: _RunAs | None = None
        self._env: dict[str, str] = {}
        self._base: Path | None = None
        self._port: int | None = None
        self._server_down = False
        self._owner_pid = os.getpid()

    # -- public API

    @property
    def port(self) -> int:
        if self._port is None:
            raise PgClusterError("the cluster is not running")
        return self._port

    @property
    def url(self) -> str:
        """SQLAlchemy URL of the maintenance database: postgresql+psycopg://USER@127.0.0.1:PORT/DB."""
        return f"postgresql+psycopg://{self.superuser}@127.0.0.1:{self.port}/{self.dbname}"

    @property
    def directory(self) -> Path | None:
        """The temporary directory (data/, server.log, the unix socket); None when stopped."""
        return self._base

    @property
    def data_dir(self) -> Path:
        return self._require_base() / "data"

    @property
    def log_file(self) -> Path:
        return self._require_base() / "server.log"

    @property
    def running(self) -> bool:
        return self._port is not None

    def start(self) -> Self:
        """initdb + ``pg_ctl -w start``; raises PgUnavailableError or PgClusterError (with
        the tail of the server log). A no-op if already running."""
        if self._port is not None:
            return self
        if self._base is not None:
            raise PgClusterError("start() is already in progress")
        bindir = self._bindir or find_bindir()
        reason = pg_available(bindir, self._os_user)
        if reason is not None or bindir is None:
            raise PgUnavailableError(reason or INSTALL_HINT)
        self._bindir = bindir
        self._run_as = _run_as(self._os_user)
        self._base = Path(
            tempfile.mkdtemp(
                prefix="bms-pg-",
                dir=self._parent_dir or _temp_parent(self._run_as is not None),
            )
        )
        self._env = self._make_env()
        self._owner_pid = os.getpid()
        atexit.register(self._stop_at_exit)
        try:
            if self._run_as is not None:
                os.chown(self._base, self._run_as.uid, self._run_as.gid)
            self._initdb()
            self._write_config()
            self._start_server()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """``pg_ctl -m immediate stop`` and remove the directory. Idempotent."""
        base = self._base
        if base is None:
            return
        try:
            if (base / "data" / "postmaster.pid").exists():
                try:
                    proc = self._pg_ctl("-m", "immediate", "-w", "-t", "30", "stop", timeout=60)
                    stopped = proc.returncode == 0
                except subprocess.TimeoutExpired:
                    stopped = False
                if not stopped:
                    self._kill_postmaster()
        finally:
            shutil.rmtree(base, ignore_errors=True)
            self._base = None
            self._port = None
            atexit.unregister(self._stop_at_exit)

    # -- faults (issue 13): the server goes away and comes back, data and port kept

    @property
    def accepting(self) -> bool:
        """Whether the server is up (False between ``stop_server`` and ``start_server``)."""
        return self._port is not None and not self._server_down

    def stop_server(self, mode: str = "fast") -> None:
        """``pg_ctl -m MODE stop`` (smart | fast | immediate), keeping the data directory and
        the port: ``start_server`` brings the same server back at the same URL. ``fast`` is
        what an administrator's restart does: every session is terminated (57P01)."""
        if self._port is None:
            raise PgClusterError("the cluster is not running")
        if mode not in ("smart", "fast", "immediate"):
            raise ValueError(f"unknown shutdown mode {mode!r}")
        proc = self._pg_ctl("-m", mode, "-w", "-t", "60", "stop", timeout=90)
        if proc.returncode != 0:
            raise PgClusterError(f"pg_ctl stop -m {mode} failed: {proc.stdout.strip()}")
        self._server_down = True

    def start_server(self) -> None:
        """Start the stopped server again, on the same port (waits until it accepts)."""
        if self._port is None:
            raise PgClusterError("the cluster is not running")
        timeout = self._start_timeout
        args = ("-l", str(self.log_file), "-w", "-t", str(timeout), "-o", f"-p {self._port}")
        proc = self._pg_ctl(*args, "start", timeout=timeout + 30)
        if proc.returncode != 0:
            raise PgClusterError(
                f"PostgreSQL did not start again on port {self._port}: {proc.stdout.strip()}\n"
                f"--- tail of {self.log_file} ---\n{_tail(self._read_log())}"
            )
        self._server_down = False

    def restart(self, mode: str = "fast", *, down_s: float = 0.0) -> None:
        """``pg_ctl restart -m MODE`` in two steps (stop, start), same port, same data: every
        open connection is cut. ``down_s`` keeps it down that long first (the outage itself)."""
        self.stop_server(mode)
        if down_s > 0:
            time.sleep(down_s)  # the outage itself, not a synchronisation
        self.start_server()

    def create_database(self, name: str, template: str | None = None) -> str:
        """Create database ``name`` (a copy of ``template``); return its SQLAlchemy URL."""
        return create_database(self.url, name, file_copy=True, template=template)

    def drop_database(self, name: str) -> None:
        """Terminate connections to database ``name`` and drop it (no error if absent)."""
        drop_database(self.url, name)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = f"port {self._port}" if self._port is not None else "stopped"
        return f"<PgCluster {where} dir={self._base}>"

    # -- internals

    def _require_base(self) -> Path:
        if self._base is None:
            raise PgClusterError("the cluster is not running")
        return self._base

    def _make_env(self) -> dict[str, str]:
        # PG* variables (PGDATA, PGPORT, PGOPTIONS, ...) must not leak into our cluster.
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env.update(LC_ALL="C", LANG="C")
        env.pop("LANGUAGE", None)
        if self._run_as is not None:
            env.update(HOME=str(self._base), USER=self._run_as.name, LOGNAME=self._run_as.name)
        return env

    def _run(self, program: str, *args: str, timeout: float) -> subprocess.CompletedProcess[str]:
        assert self._bindir is not None and self._base is not None
        run_as = self._run_as
        return subprocess.run(
            [str(self._bindir / program), *args],
            cwd=self._base,
            env=self._env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=timeout,
            check=False,
            user=None if run_as is None else run_as.uid,
            group=None if run_as is None else run_as.gid,
            extra_groups=None if run_as is None else [],
        )

    def _pg_ctl(self, *args: str, timeout: float) -> subprocess.CompletedProcess[str]:
        return self._run("pg_ctl", "-D", str(self.data_dir), *args, timeout=timeout)

    def _initdb(self) -> None:
        proc = self._run(
            "initdb",
            "-D",
            str(self.data_dir),
            "-U",
            self.superuser,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
            timeout=180,
        )
        if proc.returncode != 0:
            raise PgClusterError(f"initdb failed (exit {proc.returncode}):\n{_tail(proc.stdout)}")

    def _write_config(self) -> None:
        settings = {"unix_socket_directories": str(self._base), **self._settings}
        lines = [f"{name} = {_quote_setting(value)}" for name, value in settings.items()]
        with (self.data_dir / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write("\n# throwaway test cluster (tests/support/pgcluster.py)\n")
            conf.write("\n".join(lines) + "\n")

    def _read_log(self, offset: int = 0) -> str:
        try:
            with self.log_file.open("rb") as log:
                log.seek(offset)
                return log.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def _log_size(self) -> int:
        try:
            return self.log_file.stat().st_size
        except OSError:
            return 0

    def _start_server(self) -> None:
        attempts = 1 if self._requested_port is not None else _START_ATTEMPTS
        for attempt in range(1, attempts + 1):
            port = self._requested_port or _free_port()
            offset = self._log_size()
            timeout = self._start_timeout
            args = ("-l", str(self.log_file), "-w", "-t", str(timeout), "-o", f"-p {port}")
            try:
                proc = self._pg_ctl(*args, "start", timeout=timeout + 30)
                output, ok = proc.stdout.strip(), proc.returncode == 0
            except subprocess.TimeoutExpired:
                output, ok = f"pg_ctl start did not return within {timeout + 30} s", False
            if ok:
                self._port = port
                return
            log = self._read_log(offset)
            if attempt < attempts and _PORT_CLASH.search(log):
                continue  # somebody took the port between _free_port() and the bind
            raise PgClusterError(
                f"PostgreSQL did not start on 127.0.0.1:{port} (attempt {attempt}/{attempts}):"
                f" {output}\n--- tail of {self.log_file} ---\n{_tail(log) or '(empty)'}"
            )

    def _kill_postmaster(self) -> None:
        """Last resort when pg_ctl stop failed: SIGKILL the postmaster named in
        postmaster.pid, if it really is ours (its command line names our data dir)."""
        try:
            pid = int((self.data_dir / "postmaster.pid").read_text().split("\n", 1)[0])
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode("utf-8", "replace")
        except (OSError, ValueError):
            return
        if str(self.data_dir) in cmdline:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)

    def _stop_at_exit(self) -> None:
        # A forked child (multiprocessing) inherits atexit handlers; only the owner stops.
        if os.getpid() == self._owner_pid:
            with contextlib.suppress(Exception):
                self.stop()

"""Making database faults really happen, for the fault tests (issue 13).

* ``terminate_backend``: ``pg_terminate_backend`` of a unit of work's server process from another
  connection, waiting until the server has let it go.
* ``lose_next_commit``: a one-shot ``SqlUnitOfWorkFactory.fault_hook`` that breaks the next write
  unit of work's connection at its commit, in one of two honest ways:

  - ``committed=False``: the backend is terminated just BEFORE the COMMIT is sent. The COMMIT then
    fails with the driver's real error and the server has rolled the transaction back: the
    outcome is "not saved", but the terminal cannot know that.
  - ``committed=True``: the COMMIT goes through, then the backend is terminated and the reply is
    taken to be lost: the hook raises the real driver error that the dead connection gives for
    the next statement, as the COMMIT would have had its reply been lost on the wire. This one
    is a simulation of where the error arrives (a real lost reply cannot be timed from a test),
    not of the error itself.
"""

from __future__ import annotations

import time
from typing import Any

import psycopg

from bms_desktop.persistence.uow import SqlUnitOfWork, SqlUnitOfWorkFactory
from tests.support.pgcluster import libpq_url


def backend_pid(uow: SqlUnitOfWork) -> int:
    driver: Any = uow.connection.connection.driver_connection
    return int(driver.info.backend_pid)


def terminate_backend(db_url: str, pid: int, *, timeout_s: float = 10.0) -> None:
    """Terminate server process ``pid`` and wait until it is gone."""
    with psycopg.connect(libpq_url(db_url), autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(%s)", (pid,))
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            row = conn.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", (pid,)).fetchone()
            if row is None:
                return
            conn.execute("SELECT pg_sleep(0.01)")  # server side: not a test-side sleep
        raise AssertionError(f"backend {pid} was not terminated within {timeout_s} s")


class LoseNextCommit:
    """A one-shot fault hook; ``fired`` tells whether it broke a commit."""

    def __init__(self, factory: SqlUnitOfWorkFactory, db_url: str, *, committed: bool) -> None:
        self.factory = factory
        self.db_url = db_url
        self.committed = committed
        self.fired = False

    def __call__(self, stage: str, uow: SqlUnitOfWork) -> None:
        if self.fired or not uow.write:
            return
        wanted = "after_commit" if self.committed else "before_commit"
        if stage != wanted:
            return
        self.fired = True
        self.factory.fault_hook = None
        pid = backend_pid(uow)
        terminate_backend(self.db_url, pid)
        if self.committed:
            # The reply is lost: the dead connection's real error, where the COMMIT's was due.
            uow.connection.exec_driver_sql("SELECT 1")


def lose_next_commit(
    factory: SqlUnitOfWorkFactory, db_url: str, *, committed: bool
) -> LoseNextCommit:
    hook = LoseNextCommit(factory, db_url, committed=committed)
    factory.fault_hook = hook
    return hook

"""Small and read-only disks for the fault tests (issue 13).

* ``small_disk(path, size)``: a tmpfs of ``size`` mounted at ``path`` (root only), unmounted after;
  ``fill(path)`` writes a filler file until the disk is full, ``free(path)`` removes it.
* ``read_only_file(path)``: the file cannot be opened for writing, even by root: ``chattr +i``
  when this process is root (root ignores permission bits), ``chmod a-w`` otherwise.
"""

from __future__ import annotations

import contextlib
import os
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

FILLER = "filler.bin"


class DiskUnavailable(Exception):
    """The kind of disk cannot be made here (not root, no tmpfs): the test says why it skips."""


@contextlib.contextmanager
def small_disk(path: Path, size: str = "4m") -> Iterator[Path]:
    if os.geteuid() != 0:
        raise DiskUnavailable("mounting a small tmpfs needs root")
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise DiskUnavailable(f"cannot mount a tmpfs: {done.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True, check=False)


def fill(path: Path) -> int:
    """Write a filler file into ``path`` until the disk is full; returns its size."""
    written = 0
    chunk = b"\0" * 4096
    fh = (path / FILLER).open("wb", buffering=0)
    try:
        while True:
            written += fh.write(chunk)
    except OSError:
        pass
    finally:
        with contextlib.suppress(OSError):
            fh.close()
    return written


def free(path: Path) -> None:
    (path / FILLER).unlink(missing_ok=True)


@contextlib.contextmanager
def read_only_file(path: Path) -> Iterator[None]:
    if os.geteuid() == 0:
        done = subprocess.run(
            ["chattr", "+i", str(path)], check=False, capture_output=True, text=True
        )
        if done.returncode != 0:
            raise DiskUnavailable(f"chattr +i is not supported here: {done.stderr.strip()}")
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(path)], capture_output=True, check=False)
        return
    mode = path.stat().st_mode
    path.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    try:
        yield
    finally:
        path.chmod(mode)

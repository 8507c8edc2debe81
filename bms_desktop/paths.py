"""Where things live: the user's application-data folder (never beside the program), and the
read-only resources shipped with the program (found from this file, also when frozen)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from platformdirs import user_data_dir

from bms_desktop import APP_NAME

DB_FILE = "boxoffice.db"


def default_data_dir() -> Path:
    override = os.environ.get("BMS_DATA_DIR")
    if override:
        return Path(override).expanduser()
    return Path(user_data_dir(APP_NAME, appauthor=False))


def default_db_url(data_dir: Path) -> str:
    return f"sqlite:///{(data_dir / DB_FILE).resolve()}"


def resources_dir() -> Path:
    """``resources/`` of the source tree, or of the PyInstaller bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def log_dir(data_dir: Path) -> Path:
    return data_dir / "logs"

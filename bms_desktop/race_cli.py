"""Placeholder replaced by the race engine."""

from __future__ import annotations

import argparse

from bms_desktop.config import RunConfig


def add_race_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--show", default="auto")


def run_race(cfg: RunConfig, args: argparse.Namespace) -> int:
    raise NotImplementedError

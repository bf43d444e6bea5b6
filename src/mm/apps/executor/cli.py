"""Parser of `mm trade` (placeholder until its issue lands)."""

from __future__ import annotations

import argparse
from typing import Any


def _run(args: argparse.Namespace) -> int:
    raise SystemExit("mm trade is not built yet")


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("trade", help="(not built yet)")
    parser.set_defaults(run=_run)

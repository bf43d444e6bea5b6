"""Parser of `mm ingest`."""

from __future__ import annotations

import argparse
from typing import Any


def _run(args: argparse.Namespace) -> int:
    from mm.apps.ingestor.__main__ import run

    return run(args)


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "ingest",
        help="record best bid/offer, trades, mark and index prices into md_* and latest_*",
        description="Record Extended public market data for SYMBOL (one or several markets) into Postgres.",
    )
    parser.set_defaults(run=_run)

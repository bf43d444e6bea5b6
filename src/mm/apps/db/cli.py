"""Parser of `mm db upgrade | status | partitions`."""

from __future__ import annotations

import argparse
from typing import Any


def _run(args: argparse.Namespace) -> int:
    from mm.apps.db.__main__ import run

    return run(args)


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("db", help="migrate and maintain the database", description=__doc__)
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    upgrade = actions.add_parser("upgrade", help="apply migrations up to head (creates every table)")
    upgrade.add_argument("--revision", default="head", help="target revision (default: head)")
    actions.add_parser("status", help="show the database's revision and the head revision")
    partitions = actions.add_parser(
        "partitions", help="create upcoming md_* day partitions and drop those past the retention"
    )
    partitions.add_argument("--days-ahead", type=int, default=7, help="days of partitions to create (default 7)")
    partitions.add_argument(
        "--retention-days",
        type=int,
        default=None,
        help="drop partitions older than this many days (default: keep)",
    )
    partitions.add_argument(
        "--ledger-days",
        type=int,
        default=7,
        help="delete ingestor batch-ledger rows older than this many days (default 7; keep above any spool's age)",
    )
    parser.set_defaults(run=_run)

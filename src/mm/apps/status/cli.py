"""Parser of `mm status`."""

from __future__ import annotations

import argparse
from typing import Any

from mm.apps.cli_types import positive_float


def _run(args: argparse.Namespace) -> int:
    from mm.apps.status.__main__ import run

    return run(args)


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "status",
        help="each market's mode, quotes, position, PnL, fills and proposals, and each app's heartbeat",
        description=(
            "Read the database and show, per market: the mode and since when, our resting quotes against the "
            "book, the position, realized and marked PnL of the UTC day, the last fills with their markouts, "
            "open recording gaps, the last proposal and rollout; and each app's heartbeat (its last write). "
            "SYMBOL limits it to some markets."
        ),
    )
    parser.add_argument("--watch", action="store_true", help="refresh every --interval-s seconds until Ctrl-C")
    parser.add_argument(
        "--interval-s", type=positive_float, default=2.0, metavar="S", help="refresh interval with --watch (2)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON document (one per refresh with --watch)")
    parser.add_argument("--fills", type=int, default=5, metavar="N", help="last fills shown per market (5)")
    parser.set_defaults(run=_run)

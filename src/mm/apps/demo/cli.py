"""Parser of `mm demo`."""

from __future__ import annotations

import argparse
from decimal import Decimal
from pathlib import Path
from typing import Any

from mm.apps.cli_types import positive_float


def _run(args: argparse.Namespace) -> int:
    from mm.apps.demo.__main__ import run

    return run(args)


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="run the whole system on this machine against a fake venue replaying real data, with a live view",
        description=(
            "Start the fake Extended venue replaying a real recording (the slice shipped with mm unless --data), "
            "then mm ingest, live mm trade (signed orders against the fake), mm summarize --loop, mm reflect --loop "
            "(the offline model, on one-minute windows) and mm dashboard, on one database (the embedded one "
            "unless DATABASE_URL), and "
            "show per market the mode and why, our quotes against the book, position, PnL, the last fills with "
            "markouts and the proposals. At the end, or on Ctrl-C, every app stops cleanly, a summary is "
            "printed and a report written. No settings, credentials or network needed."
        ),
    )
    parser.add_argument("--data", type=Path, default=None, metavar="PREFIX", help="recorded set <PREFIX>.bbo.csv[.gz]")
    parser.add_argument("--speed", type=positive_float, default=1.0, help="replay speed, 1 = real time (1)")
    parser.add_argument(
        "--minutes",
        type=positive_float,
        default=None,
        help="stop after this long; the recording repeats if it is shorter (default: one pass of it)",
    )
    parser.add_argument("--market", default="BTC-USD", help="the market's name on the fake venue (BTC-USD)")
    parser.add_argument("--tick", type=Decimal, default=Decimal("0.1"), help="price tick of --data (0.1)")
    parser.add_argument("--step", type=Decimal, default=Decimal("0.001"), help="size step of --data (0.001)")
    parser.add_argument("--min-size", type=Decimal, default=Decimal("0.001"), help="minimum order size of --data")
    parser.set_defaults(run=_run)

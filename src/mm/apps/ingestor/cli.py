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
        description=(
            "Record Extended public market data for SYMBOL (one or several markets, comma separated) into "
            "md_bbo, md_trade and md_price, and keep latest_top and latest_price current. BBO_THINNING thins "
            "best bid/offer rows per market (e.g. price_change, or BTC-USD:change+100ms); trades and prices are "
            "never thinned. While Postgres is down, batches wait in LOG_DIR/ingest-spool and are stored, exactly "
            "once, when it is back. SIGTERM or Ctrl-C stores everything received before exiting."
        ),
    )
    parser.set_defaults(run=_run)

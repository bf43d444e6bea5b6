"""The recording the demo replays: the slice shipped with `mm` by default, or any recorded set with its grid."""

from __future__ import annotations

import argparse
import gzip
from decimal import Decimal
from pathlib import Path

from mm.apps.backtest.shipped_slice import shipped_prefix
from mm.apps.demo.cast import Recording

# The shipped slice is Binance BTCUSDT: tick 0.1, lot 0.001 (src/mm/data/README.md).
_SHIPPED_GRID = (Decimal("0.1"), Decimal("0.001"), Decimal("0.001"))


class RecordingMissing(ValueError):
    """`--data` names no recorded set with best bid/offer rows: a bad option, found before anything starts."""


def recording_of(args: argparse.Namespace) -> Recording:
    if args.data is None:
        tick, step, min_size = _SHIPPED_GRID
        return Recording(shipped_prefix(), args.market, tick, step, min_size)
    book_file(args.data)
    return Recording(args.data, args.market, args.tick, args.step, args.min_size)


def book_file(prefix: Path) -> Path:
    """`<prefix>.bbo.csv.gz` or `<prefix>.bbo.csv`: the venue's book needs it (trades alone are not a market)."""
    for suffix in (".bbo.csv.gz", ".bbo.csv"):
        candidate = prefix.with_name(prefix.name + suffix)
        if candidate.is_file():
            return candidate
    raise RecordingMissing(f"--data {prefix}: no {prefix}.bbo.csv[.gz] (a recorded set of best bid/offer rows)")


def replay_seconds(prefix: Path, speed: float) -> float:
    """How long the fake venue takes to replay the set at `speed` (its book's first to last row)."""
    book = book_file(prefix)
    opener = gzip.open if book.suffix == ".gz" else open
    with opener(book, "rt") as handle:
        handle.readline()
        first = handle.readline()
        last = first
        for line in handle:
            if line.strip():
                last = line
    span_s = (int(last.split(",", 1)[0]) - int(first.split(",", 1)[0])) / 1000
    return span_s / speed if speed > 0 else span_s

"""Time `mm.domain.decision.decide` on recorded market data: median and p99 microseconds per call.

Replays a recorded best bid/offer + trades set from ../shared/data (default: Binance USD-M BTCUSDT,
2024-08-08) in time order: every book row updates the windows and the latest book, then a snapshot
is built and `decide` is timed alone with `time.perf_counter_ns` (one decision per book row, the
worst case; the engine decides only on throttled ticks). A crude touch-fill inventory (a trade at
or through a resting quote fills it whole, once) keeps skew, position limits and DEFENSIVE in play.

The set has no mark/index prices and no liquidations. The first pass runs with
`requires_mark_index=False`; the second feeds proxies (last trade price as mark, mid as index)
to time the divergence path too. Run: `python benchmarks/bench_decision.py [name]`.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import os
import platform
import statistics
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from mm.domain.decision import Decision, decide
from mm.domain.instrument import Instrument
from mm.domain.mode import ModeState
from mm.domain.params import StrategyParams
from mm.domain.risk import NO_RISK_COUNTERS
from mm.domain.snapshot import MarketSnapshot
from mm.domain.tick_grid import TickGrid
from mm.domain.windows import MarketWindows

DATA_DIR = Path(__file__).resolve().parents[2] / "shared" / "data"
# Binance BTCUSDT's grid (tick 0.1, lot 0.001), as the data README states.
INSTRUMENT = Instrument("BTC-USD", Decimal("0.1"), Decimal("0.001"), Decimal("0.001"))
BOOK, TRADE = 0, 1


@dataclass(slots=True)
class Row:
    ts_ms: int
    kind: int
    values: tuple[float, ...]  # book: bid, bid size, ask, ask size; trade: price, size, +1 buy/-1 sell


@dataclass(slots=True)
class PassResult:
    decide_ns: list[int]
    prepare_ns: list[int]
    modes: Counter[str]
    quoted_both: int
    no_quote: int


def read_rows(name: str) -> list[Row]:
    """Book and trade rows merged in time order; a book row goes first within one millisecond."""
    rows = list(_book_rows(DATA_DIR / f"{name}.bbo.csv.gz")) + list(_trade_rows(DATA_DIR / f"{name}.trades.csv.gz"))
    rows.sort(key=lambda row: (row.ts_ms, row.kind))
    return rows


def _book_rows(path: Path) -> Iterator[Row]:
    with gzip.open(path, "rt", newline="") as file:
        for record in csv.DictReader(file):
            values = (record["bid_px"], record["bid_sz"], record["ask_px"], record["ask_sz"])
            yield Row(int(record["ts_ms"]), BOOK, tuple(float(value) for value in values))


def _trade_rows(path: Path) -> Iterator[Row]:
    with gzip.open(path, "rt", newline="") as file:
        for record in csv.DictReader(file):
            sign = 1.0 if record["side"] == "buy" else -1.0
            yield Row(int(record["ts_ms"]), TRADE, (float(record["px"]), float(record["sz"]), sign))


def replay(rows: list[Row], params: StrategyParams, *, with_mark_proxies: bool) -> PassResult:
    grid = TickGrid(INSTRUMENT)
    windows = MarketWindows(params.liquidation_window_ms)
    result = PassResult([], [], Counter(), 0, 0)
    state = ModeState.starting(rows[0].ts_ms)
    book: tuple[float, ...] = ()
    last_trade_px: float | None = None
    position = 0.0
    resting: Decision | None = None
    for row in rows:
        if row.kind == TRADE:
            last_trade_px = row.values[0]
            filled_position = _touch_fill(resting, row.values, position)
            if filled_position != position:
                position, resting = filled_position, None  # a filled quote is gone until the next decision
            continue
        started_ns = time.perf_counter_ns()
        book = row.values
        windows.on_book(row.ts_ms, book[0], book[2])
        mid = (book[0] + book[2]) * 0.5
        snapshot = MarketSnapshot(
            now_ts_ms=row.ts_ms,
            grid=grid,
            bid_px=book[0],
            bid_sz=book[1],
            ask_px=book[2],
            ask_sz=book[3],
            bbo_ts_ms=row.ts_ms,
            mark_px=last_trade_px if with_mark_proxies else None,
            mark_ts_ms=row.ts_ms if with_mark_proxies and last_trade_px is not None else None,
            index_px=mid if with_mark_proxies else None,
            index_ts_ms=row.ts_ms if with_mark_proxies else None,
            volatility=windows.volatility_stats(row.ts_ms),
            liquidation_count=windows.liquidation_count(row.ts_ms),
        )
        decided_ns = time.perf_counter_ns()
        decision = decide(snapshot, position, params, state, NO_RISK_COUNTERS)
        finished_ns = time.perf_counter_ns()
        result.prepare_ns.append(decided_ns - started_ns)
        result.decide_ns.append(finished_ns - decided_ns)
        state = decision.mode_state
        resting = decision
        result.modes[decision.mode] += 1
        quotes = decision.quotes
        if quotes is None:
            result.no_quote += 1
        elif quotes.bid is not None and quotes.ask is not None:
            result.quoted_both += 1
    return result


def _touch_fill(resting: Decision | None, trade: tuple[float, ...], position: float) -> float:
    """A sell print at or below our bid fills the bid; a buy print at or above our ask fills the ask."""
    if resting is None or resting.quotes is None:
        return position
    price, _, sign = trade
    bid, ask = resting.quotes.bid, resting.quotes.ask
    if sign < 0 and bid is not None and price <= float(bid.price):
        return position + float(bid.size)
    if sign > 0 and ask is not None and price >= float(ask.price):
        return position - float(ask.size)
    return position


def _percentile_us(samples_ns: list[int], fraction: float) -> float:
    ordered = sorted(samples_ns)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] / 1000


def report(label: str, result: PassResult) -> None:
    decisions = len(result.decide_ns)
    print(f"\n{label}")
    print(
        f"  decide: median {statistics.median(result.decide_ns) / 1000:.2f} us, "
        f"p99 {_percentile_us(result.decide_ns, 0.99):.2f} us, "
        f"mean {statistics.fmean(result.decide_ns) / 1000:.2f} us over {decisions} decisions"
    )
    print(
        f"  windows + snapshot (not part of decide): median {statistics.median(result.prepare_ns) / 1000:.2f} us, "
        f"p99 {_percentile_us(result.prepare_ns, 0.99):.2f} us"
    )
    modes = ", ".join(f"{mode} {count}" for mode, count in sorted(result.modes.items()))
    print(f"  modes: {modes}; both sides quoted {result.quoted_both}; no quote {result.no_quote}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", nargs="?", default="binance_usdm_btcusdt_20240808", help="data set in ../shared/data")
    args = parser.parse_args()
    rows = read_rows(args.name)
    book_rows = sum(1 for row in rows if row.kind == BOOK)
    print(f"data: {args.name}: {len(rows)} rows ({book_rows} book, {len(rows) - book_rows} trades)")
    print(
        f"python {platform.python_version()} ({platform.python_implementation()}), {platform.machine()}, "
        f"{os.cpu_count()} cpus, load average {os.getloadavg()[0]:.2f} (other processes skew the p99)"
    )
    base = StrategyParams()
    report(
        "pass 1: no mark/index (requires_mark_index=False)",
        replay(rows, replace_params(base, False), with_mark_proxies=False),
    )
    report("pass 2: mark/index proxies (mark = last trade, index = mid)", replay(rows, base, with_mark_proxies=True))


def replace_params(params: StrategyParams, requires_mark_index: bool) -> StrategyParams:
    values = params.to_mapping()
    values["requires_mark_index"] = requires_mark_index
    return StrategyParams.from_mapping(values)


if __name__ == "__main__":
    main()

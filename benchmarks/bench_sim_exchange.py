"""Per-event cost of the simulated exchange's market-data path, with one resting order each side.

Run: `.venv/bin/python benchmarks/bench_sim_exchange.py [--events N] [--repeats R]`. Prints the
median nanoseconds per `on_bbo` / `on_trade` call (a Python loop over prepared lists, as a
column-oriented replay would call it) and, for reference, the same loop calling a no-op.

Scenarios: orders five ticks away from the touch (the fast path: no fill check), and orders at
the touch, where the queue model must follow every change of its level.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from collections.abc import Callable
from decimal import Decimal
from functools import partial

from mm.adapters.sim import FillModel, QueuePositionFillModel, SimulatedExchange, TouchFillModel
from mm.domain.instrument import Instrument
from mm.domain.orders import OrderRequest
from mm.domain.side import Side

INSTRUMENT = Instrument(
    "BTC-USD", tick_size=Decimal("0.1"), step_size=Decimal("0.001"), min_order_size=Decimal("0.001")
)
START_MS = 1_700_000_000_000
BEST_BID, BEST_ASK = 60_000.0, 60_000.1
DEEP_SIZE = 1e12  # a queue ahead that never drains, so orders at the touch stay put while measured

BboRows = tuple[list[int], list[float], list[float], list[float], list[float]]
TradeRows = tuple[list[int], list[float], list[float], list[Side]]


def bbo_rows(n: int) -> BboRows:
    """Best bid/offer rows that wiggle sizes and, every fourth row, move the bid down a tick."""
    ts = [START_MS + i for i in range(n)]
    bid_px = [BEST_BID - (0.1 if i % 4 == 3 else 0.0) for i in range(n)]
    bid_sz = [DEEP_SIZE - (i % 7) for i in range(n)]
    ask_px = [BEST_ASK] * n
    ask_sz = [DEEP_SIZE - (i % 5) for i in range(n)]
    return ts, bid_px, bid_sz, ask_px, ask_sz


def trade_rows(n: int) -> TradeRows:
    """Small prints alternating between the best bid (sells) and the best ask (buys)."""
    ts = [START_MS + i for i in range(n)]
    px = [BEST_BID if i % 2 else BEST_ASK for i in range(n)]
    sz = [0.01] * n
    side = [Side.SELL if i % 2 else Side.BUY for i in range(n)]
    return ts, px, sz, side


def exchange_with_orders(fill_model: FillModel, ticks_from_touch: int) -> SimulatedExchange:
    exchange = SimulatedExchange(INSTRUMENT, fill_model=fill_model, start_ts_ms=START_MS)
    exchange.on_bbo(START_MS, BEST_BID, DEEP_SIZE, BEST_ASK, DEEP_SIZE)
    offset = Decimal(ticks_from_touch) * INSTRUMENT.tick_size
    for client_order_id, side, price in (
        ("bid", Side.BUY, Decimal(str(BEST_BID)) - offset),
        ("ask", Side.SELL, Decimal(str(BEST_ASK)) + offset),
    ):
        exchange.submit_place(OrderRequest(client_order_id, INSTRUMENT.symbol, side, price, Decimal("0.01")))
    exchange.drain_events()
    return exchange


def time_bbo(on_bbo: Callable[[int, float, float, float, float], None], rows: BboRows) -> float:
    ts, bid_px, bid_sz, ask_px, ask_sz = rows
    started = time.perf_counter_ns()
    for row in zip(ts, bid_px, bid_sz, ask_px, ask_sz, strict=True):
        on_bbo(*row)
    return (time.perf_counter_ns() - started) / len(ts)


def time_trades(on_trade: Callable[[int, float, float, Side], None], rows: TradeRows) -> float:
    ts, px, sz, side = rows
    started = time.perf_counter_ns()
    for row in zip(ts, px, sz, side, strict=True):
        on_trade(*row)
    return (time.perf_counter_ns() - started) / len(ts)


def median_ns(measure: Callable[[], float], repeats: int) -> str:
    """Median (and, in brackets, fastest) ns per event over `repeats` runs; the fastest is the least disturbed."""
    runs = [measure() for _ in range(repeats)]
    return f"{statistics.median(runs):5.0f} ({min(runs):4.0f})"


def no_op(*_row: object) -> None:
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    bbos, trades = bbo_rows(args.events), trade_rows(args.events)

    print(f"python {platform.python_version()} on {platform.machine()} ({platform.processor() or 'unknown cpu'})")
    print(f"{args.events} events x {args.repeats} repeats: median (fastest) ns per event")
    print(
        f"{'loop calling a no-op':<44} bbo {median_ns(partial(time_bbo, no_op, bbos), args.repeats)}"
        f"   trade {median_ns(partial(time_trades, no_op, trades), args.repeats)}"
    )
    for label, model, ticks in (
        ("touch model, orders 5 ticks from the touch", TouchFillModel(), 5),
        ("queue model, orders 5 ticks from the touch", QueuePositionFillModel(), 5),
        ("touch model, orders at the touch", TouchFillModel(), 0),
        ("queue model, orders at the touch", QueuePositionFillModel(), 0),
    ):
        exchange = exchange_with_orders(model, ticks)
        bbo_ns = median_ns(partial(time_bbo, exchange.on_bbo, bbos), args.repeats)
        # Prints at a touch-model order's price fill it at once: no steady state to time.
        fills_every_trade = ticks == 0 and not model.tracks_queue
        trade_ns = (
            "  n/a" if fills_every_trade else median_ns(partial(time_trades, exchange.on_trade, trades), args.repeats)
        )
        print(f"{label:<44} bbo {bbo_ns}   trade {trade_ns}   (fills during run: {exchange.account.fill_count})")


if __name__ == "__main__":
    main()

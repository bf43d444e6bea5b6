"""The peer for the backtest benchmark: a one-level post-only quoter in hftbacktest (PyPI `hftbacktest`).

It reads the same recorded best bid/offer and trade rows, quotes the same way as `mm`'s engine with
the benchmark's parameters (bid floor / ask ceil of mid -+ half-spread, clamped off the opposite best,
the ask a tick above the bid when both round to one price, fixed size, a side dropped at the
position limit, re-quoting at most every `requote_ms`), and fills
with hftbacktest's risk-averse queue model and no partial fills. Only used by benchmarks; needs the
`bench` extra.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

MS_NS = 1_000_000


@dataclass(frozen=True, slots=True)
class PeerQuoter:
    half_spread_bps: float
    order_size: float
    max_position: float
    requote_ms: int
    tick_size: float
    lot_size: float


@dataclass(frozen=True, slots=True)
class PeerResult:
    fills: int
    seconds_first_run: float  # includes numba compilation
    seconds_compiled: float  # a second run on fresh state, compiled code only


def to_events(
    bbo_ts_ms: NDArray[np.int64],
    bid_px: NDArray[np.float64],
    bid_sz: NDArray[np.float64],
    ask_px: NDArray[np.float64],
    ask_sz: NDArray[np.float64],
    trade_ts_ms: NDArray[np.int64],
    trade_px: NDArray[np.float64],
    trade_sz: NDArray[np.float64],
    trade_is_buy: NDArray[np.bool_],
) -> NDArray[np.void]:
    """Turn L1 rows into hftbacktest events: a level moving away is cleared, then the new top is set.

    Rows of one millisecond keep their order; best bid/offer rows come before trades of the same
    millisecond, as in `mm`'s replay.
    """
    from hftbacktest import (
        BUY_EVENT,
        DEPTH_CLEAR_EVENT,
        DEPTH_EVENT,
        EXCH_EVENT,
        LOCAL_EVENT,
        SELL_EVENT,
        TRADE_EVENT,
    )
    from hftbacktest.binding import event_dtype

    both = EXCH_EVENT | LOCAL_EVENT
    events: list[tuple[int, int, int, int, float, float]] = []  # (ts, kind order, seq, flags, px, qty)
    prev_bid, prev_ask = -1.0, -1.0
    for i in range(len(bbo_ts_ms)):
        ts = int(bbo_ts_ms[i])
        if prev_bid > 0 and bid_px[i] < prev_bid:
            events.append((ts, 0, len(events), both | DEPTH_CLEAR_EVENT | BUY_EVENT, float(bid_px[i]), 0.0))
        events.append((ts, 0, len(events), both | DEPTH_EVENT | BUY_EVENT, float(bid_px[i]), float(bid_sz[i])))
        if prev_ask > 0 and ask_px[i] > prev_ask:
            events.append((ts, 0, len(events), both | DEPTH_CLEAR_EVENT | SELL_EVENT, float(ask_px[i]), 0.0))
        events.append((ts, 0, len(events), both | DEPTH_EVENT | SELL_EVENT, float(ask_px[i]), float(ask_sz[i])))
        prev_bid, prev_ask = float(bid_px[i]), float(ask_px[i])
    for j in range(len(trade_ts_ms)):
        side = BUY_EVENT if trade_is_buy[j] else SELL_EVENT
        events.append(
            (int(trade_ts_ms[j]), 1, len(events), both | TRADE_EVENT | side, float(trade_px[j]), float(trade_sz[j]))
        )
    events.sort(key=lambda e: (e[0], e[1], e[2]))
    out = np.zeros(len(events), dtype=event_dtype)
    for k, (ts, _order, _seq, flags, px, qty) in enumerate(events):
        out[k] = (flags, ts * MS_NS, ts * MS_NS, px, qty, 0, 0, 0.0)
    return out


def quote_loop(quoter: PeerQuoter):  # type: ignore[no-untyped-def]
    from hftbacktest import GTX, LIMIT
    from numba import njit

    half = quoter.half_spread_bps / 10_000.0
    size, max_pos, tick = quoter.order_size, quoter.max_position, quoter.tick_size
    step_ns = quoter.requote_ms * MS_NS

    @njit  # type: ignore[misc]
    def run(hbt):  # type: ignore[no-untyped-def]
        next_id = 1
        bid_id = 0
        ask_id = 0
        while hbt.elapse(step_ns) == 0:
            hbt.clear_inactive_orders(0)
            depth = hbt.depth(0)
            best_bid, best_ask = depth.best_bid, depth.best_ask
            if not (best_bid > 0 and best_ask > best_bid):
                continue
            mid = (best_bid + best_ask) / 2.0
            bid = min(np.floor(mid * (1.0 - half) / tick + 1e-9) * tick, best_ask - tick)
            ask = max(np.ceil(mid * (1.0 + half) / tick - 1e-9) * tick, best_bid + tick)
            if ask < bid + tick / 2:  # a mid on the grid with no half-spread: mm's quoter never locks itself
                ask = bid + tick
            position = hbt.position(0)
            orders = hbt.orders(0)
            # bid side
            live_bid = bid_id != 0 and orders.__contains__(bid_id)
            want_bid = position + size <= max_pos + 1e-12
            if live_bid and (not want_bid or abs(orders.get(bid_id).price - bid) > tick / 2):
                hbt.cancel(0, bid_id, False)
                live_bid = False
            if want_bid and not live_bid:
                bid_id = next_id
                next_id += 1
                hbt.submit_buy_order(0, bid_id, bid, size, GTX, LIMIT, False)
            # ask side
            live_ask = ask_id != 0 and orders.__contains__(ask_id)
            want_ask = position - size >= -max_pos - 1e-12
            if live_ask and (not want_ask or abs(orders.get(ask_id).price - ask) > tick / 2):
                hbt.cancel(0, ask_id, False)
                live_ask = False
            if want_ask and not live_ask:
                ask_id = next_id
                next_id += 1
                hbt.submit_sell_order(0, ask_id, ask, size, GTX, LIMIT, False)
        return True

    return run


def backtest(events: NDArray[np.void], quoter: PeerQuoter):  # type: ignore[no-untyped-def]
    from hftbacktest import BacktestAsset, HashMapMarketDepthBacktest

    asset = (
        BacktestAsset()
        .data([events])
        .linear_asset(1.0)
        .constant_order_latency(0, 0)
        .risk_adverse_queue_model()
        .no_partial_fill_exchange()
        .trading_value_fee_model(0.0, 0.0)
        .tick_size(quoter.tick_size)
        .lot_size(quoter.lot_size)
    )
    return HashMapMarketDepthBacktest([asset])


def run_peer(events: NDArray[np.void], quoter: PeerQuoter) -> PeerResult:
    """Run the quoter twice: once with numba's compile time, once compiled; count fills."""
    loop = quote_loop(quoter)
    timings: list[float] = []
    fills = 0
    for _ in range(2):
        hbt = backtest(events, quoter)
        started = time.perf_counter()
        loop(hbt)
        timings.append(time.perf_counter() - started)
        fills = int(hbt.state_values(0).num_trades)
        hbt.close()
    return PeerResult(fills=fills, seconds_first_run=timings[0], seconds_compiled=timings[1])


def events_from_columns(
    bbo_ts_ms: NDArray[np.int64],
    bid_px: NDArray[np.float64],
    bid_sz: NDArray[np.float64],
    ask_px: NDArray[np.float64],
    ask_sz: NDArray[np.float64],
    trade_ts_ms: NDArray[np.int64],
    trade_px: NDArray[np.float64],
    trade_sz: NDArray[np.float64],
    trade_is_buy: NDArray[np.bool_],
) -> NDArray[np.void]:
    """The events of `to_events`, built with numpy (what a script of a hftbacktest user would do)."""
    from hftbacktest import (
        BUY_EVENT,
        DEPTH_CLEAR_EVENT,
        DEPTH_EVENT,
        EXCH_EVENT,
        LOCAL_EVENT,
        SELL_EVENT,
        TRADE_EVENT,
    )
    from hftbacktest.binding import event_dtype

    both = EXCH_EVENT | LOCAL_EVENT
    rows = len(bbo_ts_ms)
    bid_down = np.zeros(rows, dtype=np.bool_)
    ask_up = np.zeros(rows, dtype=np.bool_)
    bid_down[1:] = bid_px[1:] < bid_px[:-1]
    ask_up[1:] = ask_px[1:] > ask_px[:-1]
    always = np.ones(rows, dtype=np.bool_)
    parts = [  # (mask, flags, px, qty), in the order of one row's events
        (bid_down, both | DEPTH_CLEAR_EVENT | BUY_EVENT, bid_px, np.zeros(rows)),
        (always, both | DEPTH_EVENT | BUY_EVENT, bid_px, bid_sz),
        (ask_up, both | DEPTH_CLEAR_EVENT | SELL_EVENT, ask_px, np.zeros(rows)),
        (always, both | DEPTH_EVENT | SELL_EVENT, ask_px, ask_sz),
    ]
    ts, kind, seq, flags, px, qty = [], [], [], [], [], []
    for sub, (mask, flag, prices, sizes) in enumerate(parts):
        ts.append(bbo_ts_ms[mask])
        kind.append(np.zeros(int(mask.sum()), dtype=np.int8))
        seq.append(np.flatnonzero(mask) * 4 + sub)
        flags.append(np.full(int(mask.sum()), flag, dtype=np.uint64))
        px.append(prices[mask])
        qty.append(sizes[mask])
    trades = len(trade_ts_ms)
    ts.append(trade_ts_ms)
    kind.append(np.ones(trades, dtype=np.int8))
    seq.append(np.arange(trades))
    flags.append(
        np.where(trade_is_buy, both | TRADE_EVENT | BUY_EVENT, both | TRADE_EVENT | SELL_EVENT).astype(np.uint64)
    )
    px.append(trade_px)
    qty.append(trade_sz)
    all_ts, all_kind, all_seq = np.concatenate(ts), np.concatenate(kind), np.concatenate(seq)
    order = np.lexsort((all_seq, all_kind, all_ts))
    out = np.zeros(len(order), dtype=event_dtype)
    out["ev"] = np.concatenate(flags)[order]
    out["exch_ts"] = all_ts[order] * MS_NS
    out["local_ts"] = all_ts[order] * MS_NS
    out["px"] = np.concatenate(px)[order]
    out["qty"] = np.concatenate(qty)[order]
    return out


def main() -> None:
    """One run of the quoter on a recorded set, as a user's script would: read the CSV files, build the
    events, run (numba compiles in it), print the fills. Timed from outside by bench_backtest.py."""
    import argparse
    from pathlib import Path

    import pandas as pd

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("prefix", type=Path)
    parser.add_argument("--half-spread-bps", type=float, default=0.1)
    parser.add_argument("--order-size", type=float, default=0.001)
    parser.add_argument("--max-position", type=float, default=0.01)
    parser.add_argument("--requote-ms", type=int, default=50)
    parser.add_argument("--tick-size", type=float, required=True)
    parser.add_argument("--lot-size", type=float, required=True)
    parser.add_argument("--ask-offset", type=float, default=0.0)
    args = parser.parse_args()

    def path(kind: str) -> Path:
        return next(p for p in (Path(f"{args.prefix}.{kind}.csv.gz"), Path(f"{args.prefix}.{kind}.csv")) if p.exists())

    bbo = pd.read_csv(path("bbo"))
    trades = pd.read_csv(path("trades"))
    events = events_from_columns(
        bbo["ts_ms"].to_numpy(np.int64),
        bbo["bid_px"].to_numpy(np.float64),
        bbo["bid_sz"].to_numpy(np.float64),
        bbo["ask_px"].to_numpy(np.float64) + args.ask_offset,
        bbo["ask_sz"].to_numpy(np.float64),
        trades["ts_ms"].to_numpy(np.int64),
        trades["px"].to_numpy(np.float64),
        trades["sz"].to_numpy(np.float64),
        (trades["side"] == "buy").to_numpy(np.bool_),
    )
    quoter = PeerQuoter(
        half_spread_bps=args.half_spread_bps,
        order_size=args.order_size,
        max_position=args.max_position,
        requote_ms=args.requote_ms,
        tick_size=args.tick_size,
        lot_size=args.lot_size,
    )
    hbt = backtest(events, quoter)
    quote_loop(quoter)(hbt)
    print(f"fills {int(hbt.state_values(0).num_trades)} events {len(events)}")
    hbt.close()


if __name__ == "__main__":
    main()

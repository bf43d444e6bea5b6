"""Time the executor's quote engine from a market event to its commands, on recorded data.

Replays a recorded best bid/offer + trades set from ../shared/data (default: Binance USD-M BTCUSDT,
2024-08-08, 66k book rows) through `QuoteEngine` in time order, as the live executor and the
backtest drive it: timers when due, then the event. Each call is timed with
`time.perf_counter_ns`; a tiny in-process venue then accepts every order command (outside the
timing) so the planner always works against resting orders. Printed, in microseconds:

- every book event on the fast path (`on_bbo_values`: floats, what the backtest calls);
- events that ran a tick (decision + plan), and market inputs (an event, or the timer serving a
  held event) that produced order commands: the latency from market event to command, the
  figure the goal (p99 < 200 us) is about;
- the same on the live path (`on_market_event` with a normalized `BestBidOffer`, Decimals).

Both engines are timed, one after the other in a child process each: the compiled hot modules and
the same modules as Python (`MM_PURE_PYTHON=1`); the last lines compare their p99 input -> command
in CPU time.

The set has no mark/index prices, so `requires_mark_index` is off. Run:
`python benchmarks/bench_engine.py [name] [--tick 0.1 --step 0.001]`.
"""

from __future__ import annotations

import argparse
import csv
import gc
import gzip
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path

from mm.domain.engine_commands import CancelOrder, EngineCommand, PlaceOrder, ReplaceOrder
from mm.domain.instrument import Instrument
from mm.domain.market_events import BestBidOffer
from mm.domain.orders import OpenOrder, OrderStatus, OrderUpdate, RejectReason
from mm.domain.params import StrategyParams
from mm.engine_build import PURE_ENV, engine_build
from mm.usecases.trading.engine_config import EngineConfig
from mm.usecases.trading.quote_engine import QuoteEngine

DATA_DIR = Path(__file__).resolve().parents[2] / "shared" / "data"
SYMBOL = "BTC-USD"


def read_bbo(name: str) -> list[tuple[int, float, float, float, float, str]]:
    with gzip.open(DATA_DIR / f"{name}.bbo.csv.gz", "rt", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        return [
            (int(ts), float(bid), float(bsz), float(ask), float(asz), ",".join((bid, bsz, ask, asz)))
            for ts, bid, bsz, ask, asz in reader
        ]


class InstantVenue:
    """Accepts every order command at once and reports it open (or closed), like a venue with no latency."""

    def __init__(self, engine: QuoteEngine) -> None:
        self._engine = engine
        self.counts = {"place": 0, "replace": 0, "cancel": 0, "cancel_all": 0}

    def answer(self, commands: Sequence[EngineCommand], now_ms: int) -> None:
        for command in commands:
            if isinstance(command, PlaceOrder | ReplaceOrder):
                self.counts["place" if isinstance(command, PlaceOrder) else "replace"] += 1
                self._engine.on_command_succeeded(command, command.request.client_order_id)
                self._report(command.request.client_order_id, OrderStatus.NEW, now_ms)
                if isinstance(command, ReplaceOrder):
                    self._report(command.previous_client_order_id, OrderStatus.CANCELLED, now_ms)
            elif isinstance(command, CancelOrder):
                self.counts["cancel"] += 1
                self._engine.on_command_succeeded(command)
                self._report(command.client_order_id, OrderStatus.CANCELLED, now_ms)

    def _report(self, client_order_id: str, status: OrderStatus, now_ms: int) -> None:
        order = self._engine.orders.get(client_order_id)
        if order is None:
            return
        update = OpenOrder(
            client_order_id=client_order_id,
            exchange_order_id=client_order_id,
            symbol=SYMBOL,
            side=order.side,
            price=order.price,
            size=order.size,
            filled_size=Decimal(0),
            status=status,
            created_ts_ms=now_ms,
            updated_ts_ms=now_ms,
            reason=RejectReason.NONE,
        )
        self._engine.on_account_event(OrderUpdate(update, now_ms), now_ms)


def new_engine(tick: Decimal, step: Decimal, start_ms: int) -> QuoteEngine:
    instrument = Instrument(SYMBOL, tick, step, step)
    params = StrategyParams(
        requires_mark_index=False,
        order_size=float(step) * 2,
        max_position=float(step) * 20,
        hard_max_position=float(step) * 40,
    )
    return QuoteEngine(EngineConfig("bench", SYMBOL), instrument, params, start_ms)


def replay(
    rows: list[tuple[int, float, float, float, float, str]],
    engine: QuoteEngine,
    feed: Callable[[int, int], Sequence[EngineCommand]],
) -> dict[str, list[int]]:
    """Feed every row; `feed(index, ts_ms)` calls the engine. Returns latencies (ns) by category.

    A book event inside the tick throttle's minimum interval is held and decided on by the timer
    at the end of that interval; the timer call is then that event's path to its commands, so
    "market input -> order command" counts both the events and the timer calls that sent orders.
    Each of those is timed twice: on the wall clock, and in this thread's CPU time, which leaves
    out the time the OS gave the CPU to other processes (a 2-core machine shared with other work
    preempts a process for whole 4 ms scheduler ticks).
    """
    venue = InstantVenue(engine)
    wall, cpu = time.perf_counter_ns, time.thread_time_ns
    all_ns: list[int] = []
    tick_ns: list[int] = []
    command_ns: list[int] = []
    command_cpu_ns: list[int] = []
    for index, row in enumerate(rows):
        ts_ms = row[0]
        due = engine.next_timer_ms()
        if due is None or due <= ts_ms:
            started, started_cpu = wall(), cpu()
            commands = engine.on_timer(ts_ms if due is None else due)
            elapsed, elapsed_cpu = wall() - started, cpu() - started_cpu
            if _has_orders(commands):
                command_ns.append(elapsed)
                command_cpu_ns.append(elapsed_cpu)
            venue.answer(commands, ts_ms)
        ticks_before = engine.tick_count
        started, started_cpu = wall(), cpu()
        commands = feed(index, ts_ms)
        elapsed, elapsed_cpu = wall() - started, cpu() - started_cpu
        all_ns.append(elapsed)
        if engine.tick_count != ticks_before:
            tick_ns.append(elapsed)
        if _has_orders(commands):
            command_ns.append(elapsed)
            command_cpu_ns.append(elapsed_cpu)
        venue.answer(commands, ts_ms)
    return {
        "every book event": all_ns,
        "events that ticked": tick_ns,
        "input -> order command": command_ns,
        "  same, thread CPU time": command_cpu_ns,
    }


def _has_orders(commands: Sequence[EngineCommand]) -> bool:
    return any(isinstance(c, PlaceOrder | ReplaceOrder | CancelOrder) for c in commands)


def p99(values: list[int]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] / 1000


def report(title: str, latencies: dict[str, list[int]]) -> None:
    print(f"  {title}")
    for name, values in latencies.items():
        if not values:
            print(f"    {name:<24} (none)")
            continue
        median_us = statistics.median(values) / 1000
        print(f"    {name:<24} n={len(values):>7}  median {median_us:8.2f} us   p99 {p99(values):8.2f} us")


def _fast_feed(
    engine: QuoteEngine, rows: list[tuple[int, float, float, float, float, str]]
) -> Callable[[int, int], Sequence[EngineCommand]]:
    on_bbo = engine.on_bbo_values
    return lambda i, ts: on_bbo(ts, rows[i][1], rows[i][2], rows[i][3], rows[i][4])


def bbo_events(rows: list[tuple[int, float, float, float, float, str]]) -> Iterator[BestBidOffer]:
    for seq, (ts, _b, _bs, _a, _as, text) in enumerate(rows, start=1):
        bid, bsz, ask, asz = (Decimal(part) for part in text.split(","))
        yield BestBidOffer("bench", SYMBOL, ts, ts, seq, bid, bsz, ask, asz)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", nargs="?", default="binance_usdm_btcusdt_20240808")
    parser.add_argument("--tick", type=Decimal, default=Decimal("0.1"))
    parser.add_argument("--step", type=Decimal, default=Decimal("0.001"))
    parser.add_argument("--passes", type=int, default=3, help="replays of the fast path, for more samples")
    parser.add_argument("--one-engine", action="store_true", help="time only the engine this process runs")
    args = parser.parse_args()
    if not args.one_engine:
        both_engines()
        return
    rows = read_bbo(args.name)
    # The recorded rows are a few hundred thousand long-lived objects; a live executor holds none of
    # them. Freezing them keeps the collector from scanning them during the timed calls.
    gc.freeze()
    print(f"{engine_build().describe()}")
    print(f"engine latency on {args.name}: {len(rows)} book events, {rows[-1][0] - rows[0][0]} ms of market time")
    print(
        f"  {platform.python_implementation()} {platform.python_version()} on {platform.machine()}, "
        f"{platform.processor() or 'unknown cpu'}, {os.cpu_count()} cpus"
    )

    fast_latencies: dict[str, list[int]] = {}
    for _ in range(args.passes):
        fast = new_engine(args.tick, args.step, rows[0][0])
        one_pass = replay(rows, fast, _fast_feed(fast, rows))
        for name, values in one_pass.items():
            fast_latencies.setdefault(name, []).extend(values)
    report(f"fast path, {args.passes} passes: on_bbo_values(ts, bid, bid_sz, ask, ask_sz)", fast_latencies)

    events = list(bbo_events(rows))
    gc.freeze()
    live = new_engine(args.tick, args.step, rows[0][0])
    on_event = live.on_market_event
    report(
        "live path, 1 pass: on_market_event(BestBidOffer)", replay(rows, live, lambda i, ts: on_event(events[i], ts))
    )

    wall_us, cpu_us = p99(fast_latencies["input -> order command"]), p99(fast_latencies["  same, thread CPU time"])
    verdict = "met" if wall_us < 200 else ("met in CPU time, not on the wall clock" if cpu_us < 200 else "NOT met")
    print(f"  goal p99 market event -> command < 200 us: {verdict} (wall {wall_us:.1f} us, CPU {cpu_us:.1f} us)")
    print(f"  load average while running: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cpus")
    print(f"RESULT p99_cpu_us={cpu_us:.2f} p99_wall_us={wall_us:.2f}")


def both_engines() -> None:
    """Each engine in its own process (the engine is chosen once per process, at `import mm`)."""
    figures: dict[str, str] = {}
    for label, pure in (("compiled", False), ("pure Python", True)):
        env = {key: value for key, value in os.environ.items() if key != PURE_ENV}
        if pure:
            env[PURE_ENV] = "1"
        done = subprocess.run(
            [sys.executable, __file__, *sys.argv[1:], "--one-engine"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        for line in done.stdout.splitlines():
            if line.startswith("RESULT "):
                figures[label] = line.removeprefix("RESULT ")
            else:
                print(line)
        print()
    for label, figure in figures.items():
        print(
            f"{label:<12} p99 input -> command: {figure.replace('p99_cpu_us=', 'CPU ').replace(' p99_wall_us=', ' us, wall ')} us"
        )


if __name__ == "__main__":
    main()

"""Replay speed of `mm backtest` against hftbacktest, compiled and pure engine, on the recorded sets in ../shared/data.

For each set (default: the largest one by rows, plus Binance BTCUSDT, the cleanest) three child
processes each load the rows once: `mm` on the compiled engine, `mm` on the pure-Python engine
(`MM_PURE_PYTHON=1`), and the same quoter in hftbacktest (PyPI `hftbacktest`, risk-averse queue model,
no partial fills). Then `--rounds` interleaved rounds ask each for one run in turn, so that a busy
machine slows all three alike; medians are printed. Timed: the replay of every row (an event = one
best bid/offer change or one trade) through the executor's engine and the simulated exchange (touch
fill model), in CPU time of the process and on the wall clock; the scoring after it (markouts, PnL) is
not timed. Printed: CPU and wall seconds, rows per CPU second, fills, strategy ticks and requests of
each engine (the compiled and the pure engine must agree), the ratios to hftbacktest compiled (goal:
compiled/hftbacktest >= 0.3 on the largest set, >= 0.15 on the others), hftbacktest's first run with
numba's compile, the hardware and a sha256 of the data files. Then, unless `--no-single-run`, the
single-run experience on every shared set (see single_run.py): `mm backtest` with its start-up
against a script running the peer quoter with its imports and numba compile.

The quoter is made comparable: a fixed half-spread (no volatility term, no skew, no DEFENSIVE
widening, no calm period), replaced whenever its price changes (tolerance 0), request budgets
beyond reach, one size, the same position limit, ticks at most every 50 ms. The peer re-quotes on
a fixed 50 ms grid; ours ticks on events (at most every 50 ms) and at least every second. Our
engine also waits 10 s for its volatility windows and pauses on a book older than 60 s; the peer
does neither. StandX asks are lifted by 0.09 (its book is floor-bucketed, see the data README)
for both.

`--half-spread-bps 0` quotes at the touch, as the peer's reference measurement did; the strategy's
own lower bound is 0.1 bps, so that run sets the field past the bound on purpose (benchmark only).

Run: `python benchmarks/bench_backtest.py [--sets NAME ...] [--half-spread-bps X] [--rounds N] [--no-single-run]`.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from mm.adapters.files.recorded_tape import read_tape, recording_paths
from mm.apps.backtest.simulated_venue import simulated_venue
from mm.domain.market_tape import MarketTape
from mm.domain.params import StrategyParams
from mm.engine_build import PURE_ENV
from mm.usecases.backtest.backtest import BacktestSpec, instrument_for, prepare_tape, replay_tape
from mm.usecases.trading.engine_config import EngineConfig
from peer_hftbacktest import PeerQuoter, events_from_columns  # the sibling module: run as a script

DATA_DIR = Path(__file__).resolve().parents[2] / "shared" / "data"
FIDELITY_SET = "binance_usdm_btcusdt_20240808"
GOAL_LARGEST = 0.3  # compiled mm / hftbacktest compiled, CPU time, on the largest set
GOAL_OTHER = 0.15  # the same on the other sets (Binance BTCUSDT)
ORDER_SIZE = 0.001
MAX_POSITION = 0.01
REQUOTE_MS = 50


def largest_set() -> str:
    """The recorded set with the most book and trade rows (gz files are counted by their lines)."""
    sizes: dict[str, int] = {}
    for book in DATA_DIR.glob("*.bbo.csv*"):
        name = book.name.split(".bbo.csv")[0]
        sizes[name] = sum(_line_count(path) for path in recording_paths(DATA_DIR / name) if path is not None)
    return max(sizes, key=lambda name: sizes[name])


def _line_count(path: Path) -> int:
    import gzip

    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as handle:
        return sum(1 for _ in handle) - 1


def data_sha256(name: str) -> str:
    digest = hashlib.sha256()
    for path in recording_paths(DATA_DIR / name):
        if path is not None:
            digest.update(path.read_bytes())
    return digest.hexdigest()


def hardware() -> str:
    model = platform.processor() or "unknown cpu"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()} {platform.machine()}"
    )


def comparable_params(half_spread_bps: float) -> StrategyParams:
    params = StrategyParams(
        base_half_spread_bps=max(half_spread_bps, 0.1),
        vol_multiplier=0.0,
        inventory_skew_bps=0.0,
        order_size=ORDER_SIZE,
        max_position=MAX_POSITION,
        hard_max_position=2 * MAX_POSITION,
        defensive_widen_mult=1.0,
        vol_soft_bps=1_000.0,
        refresh_interval_ms=3_600_000,
        price_tolerance_bps=0.0,
        min_tick_interval_ms=REQUOTE_MS,
        max_tick_interval_ms=1_000,
        stale_after_ms=60_000,
        requires_mark_index=False,
        calm_period_ms=0,
    )
    if half_spread_bps < 0.1:
        object.__setattr__(params, "base_half_spread_bps", half_spread_bps)  # past the bound: benchmark only
    return params


def peer_events(tape: MarketTape) -> np.ndarray:
    book, trades = tape.book, tape.trades
    live = np.frombuffer(trades.is_history, dtype=np.int8) == 0
    return events_from_columns(
        np.frombuffer(book.ts_ms, dtype=np.int64),
        np.frombuffer(book.bid_px, dtype=np.float64),
        np.frombuffer(book.bid_sz, dtype=np.float64),
        np.frombuffer(book.ask_px, dtype=np.float64),
        np.frombuffer(book.ask_sz, dtype=np.float64),
        np.frombuffer(trades.ts_ms, dtype=np.int64)[live],
        np.frombuffer(trades.px, dtype=np.float64)[live],
        np.frombuffer(trades.sz, dtype=np.float64)[live],
        np.frombuffer(trades.is_buy, dtype=np.int8)[live].astype(np.bool_),
    )


def prepared(name: str, half_spread_bps: float) -> tuple[MarketTape, BacktestSpec]:
    raw = read_tape(DATA_DIR / name, "recorded", name)
    spec = BacktestSpec(
        "recorded",
        name,
        comparable_params(half_spread_bps),
        ask_offset=0.09 if name.startswith("standx") else 0.0,
    )
    return prepare_tape(raw, spec), spec


@dataclass(frozen=True, slots=True)
class Timed:
    """One replay: CPU and wall seconds of the replay itself, and what it did."""

    cpu_s: float
    wall_s: float
    fills: int = 0
    ticks: int = 0
    requests: int = 0
    skipped: int = 0

    def line(self) -> str:
        return json.dumps(asdict(self))


def replay_once(tape: MarketTape, spec: BacktestSpec) -> Timed:
    """The replay of every row through engine and venue; the scoring after it (markouts, PnL) is not timed."""
    budget = EngineConfig(
        spec.exchange, spec.symbol, max_requests_per_second=100_000, max_requests_per_minute=6_000_000
    )
    walls: list[int] = []

    def stopwatch_ns() -> int:  # replay_tape reads it at the replay's start and end
        walls.append(time.perf_counter_ns())
        return time.process_time_ns()

    gc.collect()
    result = replay_tape(tape, spec, simulated_venue, stopwatch_ns=stopwatch_ns, engine_config=budget)
    counts = result.counts
    return Timed(
        cpu_s=result.wall_seconds,
        wall_s=(walls[-1] - walls[0]) / 1e9,
        fills=int(result.summary["fills"]),
        ticks=counts.ticks,
        requests=counts.places + counts.replaces + counts.cancels + counts.cancel_alls,
        skipped=counts.skipped_ticks,
    )


def peer_worker(name: str, half_spread_bps: float) -> None:
    """Answers each `run` line with one hftbacktest run of the set (the first one includes numba's compile)."""
    from peer_hftbacktest import backtest, quote_loop

    tape, spec = prepared(name, half_spread_bps)
    instrument = infer_instrument(tape, spec)
    quoter = PeerQuoter(
        half_spread_bps=half_spread_bps,
        order_size=ORDER_SIZE,
        max_position=MAX_POSITION,
        requote_ms=REQUOTE_MS,
        tick_size=instrument[0],
        lot_size=instrument[1],
    )
    events = peer_events(tape)
    loop = quote_loop(quoter)
    print("ready", flush=True)
    for _ in iter(sys.stdin.readline, ""):
        hbt = backtest(events, quoter)
        gc.collect()
        wall, cpu = time.perf_counter(), time.process_time()
        loop(hbt)
        timed = Timed(cpu_s=time.process_time() - cpu, wall_s=time.perf_counter() - wall)
        fills = int(hbt.state_values(0).num_trades)
        hbt.close()
        print(json.dumps({**json.loads(timed.line()), "fills": fills}), flush=True)


def infer_instrument(tape: MarketTape, spec: BacktestSpec) -> tuple[float, float]:
    """The tick and lot size `mm` infers from the rows, for the peer (one short replay reads them)."""
    instrument = instrument_for(tape, spec)
    return float(instrument.tick_size), float(instrument.step_size)


def mm_worker(name: str, half_spread_bps: float) -> None:
    """Answers each `run` line with one replay of the set through this process's engine."""
    tape, spec = prepared(name, half_spread_bps)
    replay_once(tape, spec)  # warm-up: first-call costs (imports, caches) are not the engine's speed
    print("ready", flush=True)
    for _ in iter(sys.stdin.readline, ""):
        print(replay_once(tape, spec).line(), flush=True)


class Worker:
    """A child process replaying one set with one engine, a run per request (rounds interleave across workers)."""

    def __init__(self, label: str, role: str, name: str, half_spread_bps: float, pure: bool = False) -> None:
        env = {key: value for key, value in os.environ.items() if key != PURE_ENV}
        if pure:
            env[PURE_ENV] = "1"
        self.label = label
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--worker", role, "--sets", name, "--half-spread-bps", str(half_spread_bps)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        self.runs: list[dict[str, float]] = []

    def wait_ready(self) -> None:
        line = self._read()
        if line != "ready":
            raise RuntimeError(f"{self.label}: worker said {line!r}")

    def run(self) -> dict[str, float]:
        assert self.process.stdin is not None
        self.process.stdin.write("run\n")
        self.process.stdin.flush()
        figures: dict[str, float] = json.loads(self._read())
        self.runs.append(figures)
        return figures

    def _read(self) -> str:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"{self.label}: worker ended (exit {self.process.wait()})")
        return line.strip()

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait()

    def median(self, key: str, runs: list[dict[str, float]] | None = None) -> float:
        return statistics.median(run[key] for run in (runs if runs is not None else self.runs))


def engine_line(pure: bool) -> str:
    env = {key: value for key, value in os.environ.items() if key != PURE_ENV}
    if pure:
        env[PURE_ENV] = "1"
    probe = "from mm.engine_build import engine_build; print(engine_build().describe())"
    return subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    ).stdout.strip()


def bench_set(name: str, half_spread_bps: float, rounds: int, goal: float) -> None:
    print(f"\n=== {name}  (sha256 of its files {data_sha256(name)})")
    workers = [
        Worker("mm compiled", "mm", name, half_spread_bps),
        Worker("mm pure Python", "mm", name, half_spread_bps, pure=True),
        Worker("hftbacktest", "peer", name, half_spread_bps),
    ]
    try:
        for worker in workers:
            worker.wait_ready()
        peer = workers[2]
        first_peer = peer.run()  # numba compiles in this run
        for _ in range(rounds):
            for worker in workers:
                worker.run()
        _print_set(name, workers, first_peer, peer.runs[1:], goal)
    finally:
        for worker in workers:
            worker.close()


def _print_set(
    name: str, workers: list[Worker], first_peer: dict[str, float], peer_runs: list[dict[str, float]], goal: float
) -> None:
    compiled, pure, peer = workers
    tape_rows = _rows(name)
    print(f"rows {tape_rows:,}; {len(peer_runs)} interleaved rounds (compiled, pure, hftbacktest), medians")
    print(f"  {'':<28} {'CPU s':>8} {'wall s':>8} {'rows/s CPU':>12} {'fills':>6} {'ticks':>8} {'requests':>9}")
    peer_cpu, peer_wall = peer.median("cpu_s", peer_runs), peer.median("wall_s", peer_runs)
    for worker in (compiled, pure):
        last = worker.runs[-1]
        cpu = worker.median("cpu_s")
        print(
            f"  {worker.label:<28} {cpu:8.3f} {worker.median('wall_s'):8.3f} {tape_rows / cpu:12,.0f} "
            f"{int(last['fills']):6d} {int(last['ticks']):8,d} {int(last['requests']):9,d}"
        )
    print(
        f"  {'hftbacktest compiled':<28} {peer_cpu:8.3f} {peer_wall:8.3f} {tape_rows / peer_cpu:12,.0f} {int(peer_runs[-1]['fills']):6d}"
    )
    print(f"  {'hftbacktest incl. compile':<28} {first_peer['cpu_s']:8.3f} {first_peer['wall_s']:8.3f}")
    for worker in (compiled, pure):
        cpu_ratio = peer_cpu / worker.median("cpu_s")
        wall_ratio = peer_wall / worker.median("wall_s")
        verdict = ""
        if worker is compiled:
            verdict = f"  (goal >= {goal}: {'met' if cpu_ratio >= goal else 'NOT met'})"
        print(f"  ratio {worker.label} / hftbacktest compiled: CPU {cpu_ratio:.3f}, wall {wall_ratio:.3f}{verdict}")
    last = compiled.runs[-1]
    print(
        f"  ticks skipped as unchanged (output reused, see QuoteEngine._tick_inputs): {int(last['skipped']):,} of {int(last['ticks']):,}"
    )
    same = {tuple(int(r[k]) for k in ("fills", "ticks", "requests")) for r in compiled.runs + pure.runs}
    print(
        f"  compiled and pure: fills, ticks and requests {'identical' if len(same) == 1 else 'DIFFER: ' + str(sorted(same))}"
    )


def _rows(name: str) -> int:
    return sum(_line_count(path) for path in recording_paths(DATA_DIR / name) if path is not None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", nargs="*", help="recorded set names (default: the largest, and Binance BTCUSDT)")
    parser.add_argument("--half-spread-bps", type=float, default=0.1, help="the quoter's half-spread (default 0.1)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds per set (default 3)")
    parser.add_argument("--no-single-run", action="store_true", help="skip the single-run wall times on every set")
    parser.add_argument("--worker", choices=["mm", "peer"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        (mm_worker if args.worker == "mm" else peer_worker)(args.sets[0], args.half_spread_bps)
        return
    largest = largest_set()
    names = args.sets or list(dict.fromkeys([largest, FIDELITY_SET]))
    print(f"hardware: {hardware()}")
    print(f"engines: {engine_line(pure=False)}; {engine_line(pure=True)}")
    print(
        f"quoter: half-spread {args.half_spread_bps} bps, size {ORDER_SIZE}, max position {MAX_POSITION}, re-quote {REQUOTE_MS} ms"
    )
    for name in names:
        bench_set(name, args.half_spread_bps, args.rounds, GOAL_LARGEST if name == largest else GOAL_OTHER)
    if not args.no_single_run:
        from single_run import single_runs

        single_runs(DATA_DIR, comparable_params(args.half_spread_bps), ORDER_SIZE, MAX_POSITION, REQUOTE_MS)


if __name__ == "__main__":
    main()

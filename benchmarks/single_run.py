"""Single-run experience, for bench_backtest.py: `mm backtest` with its start-up against a script running the
comparable hftbacktest quoter (`peer_hftbacktest.py`) with its imports and numba compile, on every shared set.

Both are child processes timed from outside on the wall clock (and in the CPU time the children used).
`mm backtest` replays the CSV files (`--data`) with the comparable parameters and the touch fill model,
stores its run in the database (`DATABASE_URL` if set, else the embedded Postgres, as for a user) and
writes no report; the peer reads the same files with pandas, builds its events with numpy and runs once.
The peer is given the tick and lot size `mm` infers from the rows.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass, fields
from pathlib import Path

from mm.adapters.files.recorded_tape import read_tape
from mm.domain.params import StrategyParams
from mm.usecases.backtest.backtest import BacktestSpec, instrument_for, prepare_tape

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True, slots=True)
class Timed:
    wall_s: float
    cpu_s: float
    output: str


def timed(command: list[str]) -> Timed:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{command[:3]} failed ({done.returncode}): {done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timed(wall, cpu, done.stdout + done.stderr)


def param_options(params: StrategyParams) -> list[str]:
    """`--set name=value` for every field that differs from the default parameters."""
    defaults = StrategyParams()
    options = []
    for field in fields(StrategyParams):
        value = getattr(params, field.name)
        if value != getattr(defaults, field.name):
            options += ["--set", f"{field.name}={json.dumps(value)}"]
    return options


def shared_sets(data_dir: Path) -> list[str]:
    return sorted(path.name.split(".bbo.csv")[0] for path in data_dir.glob("*.bbo.csv*"))


def single_runs(
    data_dir: Path, params: StrategyParams, order_size: float, max_position: float, requote_ms: int
) -> None:
    mm = [str(Path(sys.executable).with_name("mm"))]
    print("\n=== single run, wall time incl. start-up (one run each, child processes)")
    print(
        f"  mm backtest stores its run in {'DATABASE_URL' if os.environ.get('DATABASE_URL') else 'the embedded Postgres'}"
    )
    print(f"  {'set':<32} {'mm backtest':>12} {'CPU':>7} {'hftbacktest':>12} {'CPU':>7}  faster")
    trades_only = sorted(
        path.name.split(".trades.csv")[0]
        for path in data_dir.glob("*.trades.csv*")
        if not any(data_dir.glob(path.name.split(".trades.csv")[0] + ".bbo.csv*"))
    )
    for name in shared_sets(data_dir):
        prefix = data_dir / name
        ask_offset = 0.09 if name.startswith("standx") else 0.0
        spec = BacktestSpec("recorded", name, params, ask_offset=ask_offset)
        instrument = instrument_for(prepare_tape(read_tape(prefix, "recorded", name), spec), spec)
        ours = timed(
            [
                *mm,
                "backtest",
                "--data",
                str(prefix),
                "--no-report",
                "--fill-model",
                "touch",
                "--ask-offset",
                str(ask_offset),
                *param_options(params),
            ]
        )
        peer = timed(
            [
                sys.executable,
                str(HERE / "peer_hftbacktest.py"),
                str(prefix),
                "--half-spread-bps",
                str(params.base_half_spread_bps),
                "--order-size",
                str(order_size),
                "--max-position",
                str(max_position),
                "--requote-ms",
                str(requote_ms),
                "--tick-size",
                str(instrument.tick_size),
                "--lot-size",
                str(instrument.step_size),
                "--ask-offset",
                str(ask_offset),
            ]
        )
        faster = "mm" if ours.wall_s < peer.wall_s else "hftbacktest"
        print(
            f"  {name:<32} {ours.wall_s:10.2f} s {ours.cpu_s:6.2f}s {peer.wall_s:10.2f} s {peer.cpu_s:6.2f}s  {faster}"
        )
    for name in trades_only:
        print(f"  {name:<32} trades only (no best bid/offer rows): neither quoter can run on it")

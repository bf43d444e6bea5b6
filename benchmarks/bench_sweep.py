"""A 16-run sweep (4 x 4 grid) over the largest recorded set in ../shared/data: wall time in one
process against the process pool (goal on a 2-core machine: at least 1.8x), and each runner's
overhead per run.

Overhead per run = (wall time x workers - the runs' own replay time) / runs: what a runner spends
per run on anything but replaying (starting workers, sending the job, loading the data in the
worker, pickling the record back). Nothing is stored (in-memory stores), so no run is reused.

`--hours H` bounds the replay to the set's first H hours (default: the whole set). Ray is timed
when it is installed (a local cluster of `--workers` CPUs; its start-up is timed apart).

Run: `python benchmarks/bench_sweep.py [--hours H] [--workers N] [--no-ray]`.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import pandas as pd

import mm.backtest
from mm.adapters.files.recorded_tape import read_book_columns, recording_paths
from mm.apps.backtest.sweep.runners import default_workers

DATA_DIR = Path(__file__).resolve().parents[2] / "shared" / "data"
LARGEST_SET = "standx_btcusd_20260106"  # 346,165 rows, 24 h (the data README's table)
GRID = {"base_half_spread_bps": [1.0, 2.0, 3.0, 4.0], "inventory_skew_bps": [2.0, 4.0, 6.0, 8.0]}
RESULT_COLUMNS = ["base_half_spread_bps", "inventory_skew_bps", "fills", "marked_pnl"]


def _sweep(prefix: Path, end_ms: int | None, **where: object) -> tuple[float, pd.DataFrame, float]:
    """Wall seconds, the table, and the runs' own replay seconds summed."""
    started = time.perf_counter()
    frame = mm.backtest.sweep(
        GRID,
        data=prefix,
        exchange="standx",
        symbol="BTC-USD",
        fill_model="touch",
        ask_offset=0.09,
        end_ms=end_ms,
        **where,  # type: ignore[arg-type]
    )
    return time.perf_counter() - started, frame, float(frame["replay_seconds"].sum())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, help="replay only the set's first H hours")
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument("--no-ray", action="store_true")
    args = parser.parse_args()
    prefix = DATA_DIR / LARGEST_SET
    first_ms = read_book_columns(recording_paths(prefix)[0]).ts_ms[0]
    end_ms = first_ms + int(args.hours * 3_600_000) if args.hours else None
    runs = len(GRID["base_half_spread_bps"]) * len(GRID["inventory_skew_bps"])
    print(
        f"set {LARGEST_SET} ({f'first {args.hours:g} h' if args.hours else 'whole, 24 h'}), {runs} runs, cores {os.cpu_count()}"
    )

    results: dict[str, tuple[float, pd.DataFrame, float]] = {}
    results["sequential"] = _sweep(prefix, end_ms, workers=1)
    results[f"pool x{args.workers}"] = _sweep(prefix, end_ms, workers=args.workers)
    if not args.no_ray:
        try:
            import ray
        except ImportError:
            print("ray: not installed (pip install 'mm[ray]'), skipped")
        else:
            started = time.perf_counter()
            ray.init(num_cpus=args.workers, include_dashboard=False, log_to_driver=False)
            print(f"ray: local cluster started in {time.perf_counter() - started:.1f} s (not in its sweep's time)")
            results[f"ray x{args.workers}"] = _sweep(prefix, end_ms, ray="local", workers=args.workers)
            ray.shutdown()

    sequential_wall, reference, _ = results["sequential"]
    print(f"{'runner':<12} {'wall s':>8} {'speed-up':>9} {'replay s':>9} {'overhead/run s':>15}  same results")
    for name, (wall, frame, replay) in results.items():
        workers = 1 if name == "sequential" else args.workers
        overhead = (wall * workers - replay) / runs
        same = frame[RESULT_COLUMNS].equals(reference[RESULT_COLUMNS])
        print(f"{name:<12} {wall:>8.1f} {sequential_wall / wall:>8.2f}x {replay:>9.1f} {overhead:>15.2f}  {same}")


if __name__ == "__main__":
    main()

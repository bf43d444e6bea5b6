"""Parsers of `mm backtest sweep`, `mm backtest runs` and `mm backtest compare` (nothing heavy imported here)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def _run_sweep(args: argparse.Namespace) -> int:
    from mm.apps.backtest.sweep.main import run_sweep

    return run_sweep(args)


def _run_runs(args: argparse.Namespace) -> int:
    from mm.apps.backtest.sweep.main import run_list

    return run_list(args)


def _run_compare(args: argparse.Namespace) -> int:
    from mm.apps.backtest.sweep.main import run_compare

    return run_compare(args)


def _positive_int(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {text}")
    return value


def _span(text: str) -> tuple[int | None, int | None]:
    """`START,END` (either may be empty): epoch ms or ISO 8601 times, END exclusive."""
    from mm.apps.backtest.cli import parse_time_ms

    start, sep, end = text.partition(",")
    if not sep:
        raise argparse.ArgumentTypeError(f"expected START,END, got {text!r}")
    return (parse_time_ms(start) if start else None, parse_time_ms(end) if end else None)


def _grid_axis(text: str) -> Any:
    from mm.domain.param_grid import BadGrid, parse_axis

    try:
        return parse_axis(text)
    except BadGrid as error:
        raise argparse.ArgumentTypeError(str(error)) from error


def _add_sweep(subparsers: Any) -> None:
    from mm.apps.backtest.cli import add_data_options, add_params_options, add_simulation_options

    parser = subparsers.add_parser(
        "sweep",
        help="a grid or an Optuna search of backtests on a process pool or a Ray cluster",
        description=(
            "Run a parameter grid (--grid NAME=V1,V2 per parameter) or a search (--optimize OBJECTIVE --trials N) "
            "over one or more recorded sets (--data, repeatable) or database ranges (--from-db --range START,END). "
            "Runs go to a pool of worker processes (every core by default) or a Ray cluster (--ray). Every run is "
            "stored with the sweep's id; a run already stored (same data, params, settings and engine) is reused. "
            "With --train/--test each point is replayed on both spans and the report shows both sides."
        ),
    )
    add_data_options(parser, many_sets=True)
    parser.add_argument(
        "--range",
        dest="ranges",
        type=_span,
        action="append",
        default=[],
        metavar="START,END",
        help="with --from-db: a span of md_* rows to replay (repeatable; default --start/--end)",
    )
    add_simulation_options(parser)
    add_params_options(parser)
    search = parser.add_argument_group("grid or search")
    search.add_argument(
        "--grid",
        dest="grid",
        type=_grid_axis,
        action="append",
        default=[],
        metavar="NAME=V1,V2,...",
        help="one parameter's values (repeatable: every combination is run)",
    )
    search.add_argument(
        "--optimize",
        choices=("marked_pnl", "sharpe", "mean_markout_10s"),
        help="search with Optuna for the params maximizing this objective (the --grid axes bound the search space)",
    )
    search.add_argument("--trials", type=_positive_int, default=20, help="search: trials in total (default 20)")
    search.add_argument(
        "--min-fills", type=int, default=0, metavar="N", help="a run with fewer fills has no objective value"
    )
    search.add_argument("--seed", type=int, default=0, help="search: the sampler's seed (default 0)")
    search.add_argument(
        "--study", metavar="NAME", help="search: the Optuna study name (default: derived from the search); resumes"
    )
    search.add_argument("--train", type=_span, metavar="START,END", help="fit on this span ...")
    search.add_argument("--test", type=_span, metavar="START,END", help="... and check on this one")
    where = parser.add_argument_group("where the runs go")
    where.add_argument(
        "--workers", type=_positive_int, metavar="N", help="worker processes (default: every core; 1: this process)"
    )
    where.add_argument("--ray", metavar="auto|ADDRESS", help="run on a Ray cluster (needs the ray extra)")
    out = parser.add_argument_group("output")
    out.add_argument("--name", help="the sweep's name (default: the grid or objective)")
    out.add_argument(
        "--report", type=Path, metavar="PATH", help="HTML report (default BACKTEST_REPORT_DIR/sweep-<id>.html)"
    )
    out.add_argument("--no-report", action="store_true", help="write no HTML report")
    parser.set_defaults(run=_run_sweep)


def add_research_commands(parser: argparse.ArgumentParser) -> None:
    """`sweep`, `runs` and `compare` under `mm backtest` (a plain `mm backtest` still runs one backtest)."""
    subparsers = parser.add_subparsers(dest="research_command", metavar="{sweep,runs,compare}")
    _add_sweep(subparsers)
    runs = subparsers.add_parser("runs", help="list stored backtest runs, newest first")
    runs.add_argument("--sweep", type=int, metavar="ID", help="only the runs of this sweep")
    runs.add_argument("--limit", type=_positive_int, default=30, help="at most this many (default 30)")
    runs.set_defaults(run=_run_runs)
    compare = subparsers.add_parser(
        "compare", help="stored runs side by side, and a comparison report", description="Compare stored runs."
    )
    compare.add_argument("run_ids", type=int, nargs="+", metavar="RUN")
    compare.add_argument(
        "--report", type=Path, metavar="PATH", help="HTML report (default BACKTEST_REPORT_DIR/compare-<ids>.html)"
    )
    compare.add_argument("--no-report", action="store_true", help="write no HTML report")
    compare.set_defaults(run=_run_compare)

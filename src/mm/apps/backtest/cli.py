"""Parser of `mm backtest`."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def _run(args: argparse.Namespace) -> int:
    from mm.apps.backtest.__main__ import run

    return run(args)


def _non_negative_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, got {text}")
    return value


def _positive_int(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {text}")
    return value


def parse_time_ms(text: str) -> int:
    """Epoch milliseconds, or an ISO 8601 time (UTC unless it says otherwise)."""
    if text.lstrip("-").isdigit():
        return int(text)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not epoch ms or ISO 8601: {text!r}") from error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


def _assignment(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return name.strip(), value.strip()


def add_data_options(parser: argparse.ArgumentParser, *, many_sets: bool = False) -> None:
    """The data options; `many_sets`: --data may be given several times (a sweep replays each set)."""
    data = parser.add_argument_group(
        "data (default: the slice shipped with mm, imported into md_* once, then replayed from the database)"
    )
    source = data.add_mutually_exclusive_group()
    source.add_argument(
        "--data",
        type=Path,
        metavar="PREFIX",
        action="append" if many_sets else "store",
        help="replay recorded CSV files PREFIX.bbo.csv[.gz] and PREFIX.trades.csv[.gz] directly"
        + (" (repeatable: one set each)" if many_sets else ""),
    )
    source.add_argument(
        "--from-db", action="store_true", help="replay md_* rows of --exchange/--symbol between --start and --end"
    )
    data.add_argument("--exchange", help="venue the data is from (default: binance for the shipped slice)")
    data.add_argument("--symbol", help="market the data is from (default: BTCUSDT for the shipped slice)")
    data.add_argument("--start", type=parse_time_ms, metavar="TIME", help="first instant, epoch ms or ISO 8601 (UTC)")
    data.add_argument("--end", type=parse_time_ms, metavar="TIME", help="end instant (exclusive)")
    data.add_argument(
        "--ask-offset",
        type=float,
        default=0.0,
        metavar="PRICE",
        help="add this to every recorded ask: StandX books are floor-bucketed to 0.1, use 0.09 there",
    )
    data.add_argument(
        "--max-book-age-ms",
        type=_non_negative_int,
        default=None,
        metavar="MS",
        help="prints this far behind the last book row are resent history and fill nothing (default 30000)",
    )
    data.add_argument("--tick-size", metavar="PRICE", help="price tick (default: inferred from the data)")
    data.add_argument("--step-size", metavar="SIZE", help="size step (default: inferred from the data)")
    data.add_argument("--min-order-size", metavar="SIZE", help="minimum order size (default: the step)")


def add_simulation_options(parser: argparse.ArgumentParser) -> None:
    sim = parser.add_argument_group("simulation")
    sim.add_argument(
        "--fill-model",
        choices=("touch", "queue"),
        default="queue",
        help="queue: fill only after the visible size ahead has traded (default); touch: optimistic bound",
    )
    sim.add_argument(
        "--partial-fills", action="store_true", help="queue model: fill only the size traded beyond the queue"
    )
    sim.add_argument(
        "--md-latency-ms",
        type=_non_negative_int,
        default=0,
        metavar="MS",
        help="market data (and the venue's answers) reach the engine this much later",
    )
    sim.add_argument(
        "--order-latency-ms",
        type=_non_negative_int,
        default=0,
        metavar="MS",
        help="order requests reach the venue this much later",
    )
    sim.add_argument(
        "--tick-interval-ms",
        type=_positive_int,
        default=None,
        metavar="MS",
        help="minimum interval between the strategy's ticks (params min_tick_interval_ms)",
    )
    sim.add_argument(
        "--max-tick-interval-ms",
        type=_positive_int,
        default=None,
        metavar="MS",
        help="the strategy ticks at least this often (params max_tick_interval_ms)",
    )
    sim.add_argument(
        "--timer-resolution-ms",
        type=_non_negative_int,
        default=None,
        metavar="MS",
        help="poll the engine's timer on this grid (default: the live executor's, 10 ms; 0: exactly when due)",
    )


def add_params_options(parser: argparse.ArgumentParser) -> None:
    params = parser.add_argument_group(
        "strategy params (default: STRATEGY_PARAMS, else the defaults without mark/index)"
    )
    params.add_argument(
        "--set",
        dest="param_overrides",
        type=_assignment,
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override one StrategyParams field, e.g. --set base_half_spread_bps=3 (repeatable)",
    )
    params.add_argument("--params-file", type=Path, metavar="JSON", help="a JSON object of StrategyParams fields")


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "backtest",
        help="replay recorded market data through the executor's engine against a simulated exchange",
        description=(
            "Replay recorded best bid/offer and trade rows through the live executor's own quote engine, with a "
            "simulated exchange (touch or queue-position fills, maker fee MAKER_FEE_RATE) and simulated time. "
            "With no options it replays a 3-minute Binance BTCUSDT slice shipped with mm (imported into the "
            "database first). The run is stored in backtest_run / backtest_fill / backtest_mode; a summary is "
            "printed and an HTML report with plots written. Deterministic: equal data and settings give equal fills."
        ),
    )
    add_data_options(parser)
    add_simulation_options(parser)
    add_params_options(parser)
    out = parser.add_argument_group("output")
    out.add_argument(
        "--report", type=Path, metavar="PATH", help="HTML report file (default BACKTEST_REPORT_DIR/backtest-<run>.html)"
    )
    out.add_argument("--no-report", action="store_true", help="write no HTML report")
    parser.set_defaults(run=_run)
    from mm.apps.backtest.sweep.cli import add_research_commands

    add_research_commands(parser)

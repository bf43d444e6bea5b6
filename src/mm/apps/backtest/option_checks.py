"""`mm backtest`'s options checked before any database starts: every bad one named at once, one line each."""

from __future__ import annotations

import argparse
from dataclasses import fields
from pathlib import Path
from typing import Any

import pandas as pd

from mm.adapters.files.recorded_csv import HEADERS, RecordingKind, first_problem
from mm.adapters.files.recorded_tape import recording_paths
from mm.apps.backtest.run_options import OptionError, backtest_spec
from mm.apps.backtest.settings import BacktestSettings
from mm.domain.params import StrategyParams
from mm.ports.errors import RecordNotFound

# Any resolution will do: the check builds a spec to validate the options, never to run it.
_CHECK_TIMER_MS = 10


def option_problems(args: argparse.Namespace, settings: BacktestSettings | None) -> list[str]:
    """The `bad options: ...` lines; `settings` None (they are bad too) checks the params over the defaults."""
    problems: list[str] = []
    if args.data is None and not args.from_db and (args.exchange or args.symbol):
        problems.append("--exchange/--symbol name the data of --data or --from-db; give one of those too")
    if args.from_db and not (args.exchange and args.symbol):
        problems.append("--from-db needs --exchange and --symbol")
    if args.data is not None:
        problems.extend(_recording_problems(args.data))
    problems.extend(_params_problems(args, settings or BacktestSettings.model_construct()))
    return [f"bad options: {problem}" for problem in dict.fromkeys(problems)]


def _params_problems(args: argparse.Namespace, settings: BacktestSettings) -> list[str]:
    """Each source of params on its own, so one bad source (or an unknown name) hides no other problem."""
    known = {field.name for field in fields(StrategyParams)}
    unknown = [name for name, _ in args.param_overrides if name not in known]
    known_sets = [(name, text) for name, text in args.param_overrides if name in known]
    problems = [f"--set: unknown strategy params: {', '.join(unknown)}"] if unknown else []
    no_params: dict[str, Any] = {"params_file": None, "param_overrides": []}
    variants = [
        vars(args) | {"param_overrides": []},  # --params-file (over STRATEGY_PARAMS)
        vars(args) | {"params_file": None, "param_overrides": known_sets},  # --set
        vars(args) | no_params | {"tick_interval_ms": None, "max_tick_interval_ms": None},  # the rest
    ]
    for variant in variants:
        try:
            backtest_spec(argparse.Namespace(**variant), settings, "check", "check", _CHECK_TIMER_MS)
        except OptionError as error:
            problems.append(str(error))
    return problems


def _recording_problems(prefix: Path) -> list[str]:
    """The files of `--data` exist and their headers name the columns a replay reads."""
    try:
        book, trades = recording_paths(prefix)
    except RecordNotFound as error:
        return [f"--data: {error}"]
    kinds = [(book, RecordingKind.BBO)] + ([(trades, RecordingKind.TRADES)] if trades is not None else [])
    return [problem for path, kind in kinds if (problem := _header_problem(path, HEADERS[kind]))]


def _header_problem(path: Path, required: list[str]) -> str | None:
    try:
        columns = list(pd.read_csv(path, nrows=0, compression="infer").columns)
    except (OSError, EOFError, ValueError, pd.errors.ParserError) as error:
        located = first_problem(path, as_replayed=True)  # row by row: names the line (a cut gzip, a bad byte)
        if located is not None:
            return f"--data: {located}"
        return f"--data: {path.name} is unreadable: {' '.join(str(error).split())}"
    missing = [column for column in required if column not in columns]
    if missing:
        return (
            f"--data: {path.name} lacks the columns {','.join(missing)} (header must start with {','.join(required)})"
        )
    return None

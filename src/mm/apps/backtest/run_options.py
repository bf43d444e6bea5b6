"""`mm backtest`'s command-line options and settings turned into a `BacktestSpec`."""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from types import MappingProxyType
from typing import Any

from mm.apps.backtest.settings import BacktestSettings
from mm.domain.params import StrategyParams, merge_overrides, params_with_overrides
from mm.domain.tape_cleaning import DEFAULT_MAX_BOOK_AGE_MS
from mm.usecases.backtest.backtest import BacktestSpec, FillModelKind


class OptionError(ValueError):
    """A command-line option names something invalid; the message says which."""


RECORDED_DATA_PARAMS: Mapping[str, Any] = MappingProxyType({"requires_mark_index": False})
"""What a backtest changes in the default params: recorded data carries no mark or index price, so
unless told otherwise the strategy does not require them (it would never quote)."""


def backtest_params(*overrides: Mapping[str, Any] | None) -> StrategyParams:
    """The defaults for recorded data with `overrides` merged over them, in order."""
    return params_with_overrides(RECORDED_DATA_PARAMS, *overrides)


def strategy_params(args: argparse.Namespace, settings: BacktestSettings) -> StrategyParams:
    """STRATEGY_PARAMS, then --params-file, then --set and the tick options, over the backtest defaults."""
    file_values = _params_file(args.params_file) if args.params_file is not None else None
    set_values = {name: _value(text) for name, text in args.param_overrides}
    merged = merge_overrides(RECORDED_DATA_PARAMS, settings.strategy_params, file_values, set_values)
    try:
        return params_with_overrides(merged, _tick_options(args, merged))
    except (ValueError, TypeError) as error:
        raise OptionError(str(error)) from error


def _tick_options(args: argparse.Namespace, merged: Mapping[str, Any]) -> dict[str, Any]:
    """--tick-interval-ms raises the maximum interval with it when needed; --max-tick-interval-ms wins."""
    ticks: dict[str, Any] = {}
    if args.tick_interval_ms is not None:
        ticks["min_tick_interval_ms"] = args.tick_interval_ms
        ticks["max_tick_interval_ms"] = max(args.tick_interval_ms, merged.get("max_tick_interval_ms", 1_000))
    if args.max_tick_interval_ms is not None:
        ticks["max_tick_interval_ms"] = args.max_tick_interval_ms
    return ticks


def _params_file(path: Path) -> dict[str, Any]:
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise OptionError(f"--params-file {path}: {error}") from error
    if not isinstance(loaded, dict):
        raise OptionError(f"--params-file {path} must hold a JSON object")
    return loaded


def _value(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def _decimal(text: str | None, option: str) -> Decimal | None:
    if text is None:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation as error:
        raise OptionError(f"{option} must be a number, got {text!r}") from error
    if not value.is_finite() or value <= 0:
        raise OptionError(f"{option} must be positive, got {text!r}")
    return value


def backtest_spec(
    args: argparse.Namespace, settings: BacktestSettings, exchange: str, symbol: str, executor_timer_ms: int
) -> BacktestSpec:
    """`executor_timer_ms` is how often the live executor polls its engine's timer: the default resolution."""
    try:
        return BacktestSpec(
            exchange=exchange,
            symbol=symbol,
            params=strategy_params(args, settings),
            fill_model=FillModelKind(args.fill_model),
            partial_fills=args.partial_fills,
            market_data_latency_ms=args.md_latency_ms,
            order_latency_ms=args.order_latency_ms,
            timer_resolution_ms=args.timer_resolution_ms if args.timer_resolution_ms is not None else executor_timer_ms,
            maker_fee_rate=settings.maker_fee_rate,
            start_ms=args.start,
            end_ms=args.end,
            tick_size=_decimal(args.tick_size, "--tick-size"),
            step_size=_decimal(args.step_size, "--step-size"),
            min_order_size=_decimal(args.min_order_size, "--min-order-size"),
            max_book_age_ms=args.max_book_age_ms if args.max_book_age_ms is not None else DEFAULT_MAX_BOOK_AGE_MS,
            ask_offset=args.ask_offset,
        )
    except ValueError as error:
        raise OptionError(str(error)) from error

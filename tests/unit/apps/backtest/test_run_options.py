"""`mm backtest`'s strategy params: STRATEGY_PARAMS, then --params-file, then --set and the tick options."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from mm.apps.backtest.cli import add_parser
from mm.apps.backtest.run_options import OptionError, strategy_params
from mm.apps.backtest.settings import NotebookBacktestSettings


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_parser(parser.add_subparsers())
    return parser.parse_args(["backtest", *argv])


def _settings(strategy_params: dict[str, object] | None = None) -> NotebookBacktestSettings:
    return NotebookBacktestSettings(STRATEGY_PARAMS=strategy_params)


def test_with_no_overrides_the_strategy_does_not_require_mark_and_index_prices() -> None:
    assert strategy_params(_args(), _settings()).requires_mark_index is False


def test_a_set_option_wins_over_the_params_file_which_wins_over_the_settings(tmp_path: Path) -> None:
    params_file = tmp_path / "params.json"
    params_file.write_text(json.dumps({"order_size": 0.003, "vol_multiplier": 2.0}))
    args = _args("--params-file", str(params_file), "--set", "vol_multiplier=3")

    params = strategy_params(args, _settings({"order_size": 0.002, "inventory_skew_bps": 4.0}))

    assert (params.inventory_skew_bps, params.order_size, params.vol_multiplier) == (4.0, 0.003, 3.0)


def test_a_version_in_the_params_file_is_ignored(tmp_path: Path) -> None:
    params_file = tmp_path / "params.json"
    params_file.write_text(json.dumps({"version": 5, "order_size": 0.003}))

    assert strategy_params(_args("--params-file", str(params_file)), _settings()).version == 1


def test_a_tick_interval_above_the_maximum_raises_the_maximum_with_it() -> None:
    params = strategy_params(_args("--tick-interval-ms", "2000"), _settings())

    assert (params.min_tick_interval_ms, params.max_tick_interval_ms) == (2000, 2000)


def test_an_unknown_param_is_refused_naming_it() -> None:
    with pytest.raises(OptionError, match="unknown strategy params: half_spread"):
        strategy_params(_args("--set", "half_spread=3"), _settings())


def test_a_params_file_holding_no_object_is_refused(tmp_path: Path) -> None:
    params_file = tmp_path / "params.json"
    params_file.write_text("[1, 2]")

    with pytest.raises(OptionError, match="must hold a JSON object"):
        strategy_params(_args("--params-file", str(params_file)), _settings())

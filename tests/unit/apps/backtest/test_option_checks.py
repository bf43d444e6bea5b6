"""`mm backtest`'s options are checked before any database starts, every bad one named at once."""

from __future__ import annotations

import argparse
import gzip
from pathlib import Path

import pytest

from mm.apps.backtest.cli import add_parser
from mm.apps.backtest.option_checks import option_problems
from mm.apps.backtest.settings import BacktestSettings


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("STRATEGY_PARAMS", "SYMBOL", "MAKER_FEE_RATE", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_parser(parser.add_subparsers())
    return parser.parse_args(["backtest", *argv])


def _recording(tmp_path: Path, name: str, bbo_header: str) -> Path:
    with gzip.open(tmp_path / f"{name}.bbo.csv.gz", "wt") as handle:
        handle.write(f"{bbo_header}\n1700000000000,100,1,101,1\n")
    return tmp_path / name


def test_the_default_options_have_no_problem() -> None:
    assert option_problems(_args(), BacktestSettings()) == []


def test_an_unknown_set_name_and_a_missing_params_file_are_both_named() -> None:
    problems = option_problems(_args("--set", "nonsense=3", "--params-file", "missing.json"), BacktestSettings())
    assert [line.split(":")[1].strip() for line in problems] == ["--set", "--params-file missing.json"]


def test_an_unknown_set_name_does_not_hide_a_range_error() -> None:
    problems = option_problems(_args("--set", "nonsense=3", "--set", "order_size=-1"), BacktestSettings())
    assert len(problems) == 2
    assert "order_size=-1 is outside" in problems[1]


def test_data_that_does_not_exist_is_named() -> None:
    assert option_problems(_args("--data", "/nonexistent"), BacktestSettings()) == [
        "bad options: --data: no /nonexistent.bbo.csv[.gz]: a replay needs the best bid/offer rows"
    ]


def test_data_without_the_book_columns_is_named(tmp_path: Path) -> None:
    prefix = _recording(tmp_path, "garbage", "garbage")
    assert option_problems(_args("--data", str(prefix)), BacktestSettings()) == [
        "bad options: --data: garbage.bbo.csv.gz lacks the columns ts_ms,bid_px,bid_sz,ask_px,ask_sz "
        "(header must start with ts_ms,bid_px,bid_sz,ask_px,ask_sz)"
    ]


def test_data_with_the_book_columns_passes(tmp_path: Path) -> None:
    prefix = _recording(tmp_path, "good", "ts_ms,bid_px,bid_sz,ask_px,ask_sz")
    assert option_problems(_args("--data", str(prefix)), BacktestSettings()) == []


def test_a_file_that_is_not_gzip_despite_its_name_is_named_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "broken.bbo.csv.gz").write_text("not gzip at all")
    problems = option_problems(_args("--data", str(tmp_path / "broken")), BacktestSettings())
    assert [line.startswith("bad options: --data: ") for line in problems] == [True]
    assert f"{tmp_path / 'broken.bbo.csv.gz'}: line 1: the file is damaged or cut short" in problems[0]


def test_the_params_options_are_checked_even_when_the_settings_are_bad() -> None:
    assert option_problems(_args("--set", "nonsense=3"), None) == [
        "bad options: --set: unknown strategy params: nonsense"
    ]


def test_a_bad_tick_size_is_named_beside_a_bad_set() -> None:
    problems = option_problems(_args("--tick-size", "-1", "--set", "nonsense=1"), BacktestSettings())
    assert problems == [
        "bad options: --set: unknown strategy params: nonsense",
        "bad options: --tick-size must be positive, got '-1'",
    ]


def test_from_db_without_its_market_is_named() -> None:
    assert option_problems(_args("--from-db"), BacktestSettings()) == [
        "bad options: --from-db needs --exchange and --symbol"
    ]

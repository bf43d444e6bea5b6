"""Every app's settings: the environment and `.env` in the working directory, and one line per bad setting."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pydantic_settings import BaseSettings

from mm.apps.backtest.settings import BacktestSettings
from mm.apps.executor.settings import ExecutorSettings
from mm.apps.ingestor.settings import IngestorSettings
from mm.apps.reflector.settings import ReflectorSettings
from mm.apps.settings import CommonSettings, read_settings
from mm.apps.summarizer.settings import SummarizerSettings

_APP_SETTINGS = [
    CommonSettings,
    IngestorSettings,
    ExecutorSettings,
    SummarizerSettings,
    ReflectorSettings,
    BacktestSettings,
]
_DROPPED = (
    "DATABASE_URL",
    "SYMBOL",
    "LOG_LEVEL",
    "APP_ENV",
    "DEAD_MAN_SWITCH_S",
    "STRATEGY_PARAMS",
    "EXTENDED_",
    "MM_",
)


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith(_DROPPED):
            monkeypatch.delenv(name)


def _problems(settings_class: type[BaseSettings], monkeypatch: pytest.MonkeyPatch, **env: str) -> list[str]:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings, problems = read_settings(settings_class)
    assert settings is None
    return problems


@pytest.mark.parametrize("settings_class", _APP_SETTINGS, ids=lambda c: c.__name__)
def test_every_app_reads_the_database_url_from_a_dotenv_in_the_working_directory(
    settings_class: type[CommonSettings], tmp_path: Path
) -> None:
    (tmp_path / ".env").write_text("DATABASE_URL=postgresql://u@db.example:5433/mm\nSYMBOL=ETH-USD\n")
    settings = settings_class()  # type: ignore[call-arg]  # SYMBOL comes from .env
    assert settings.database_url is not None
    assert settings.database_url.get_secret_value() == "postgresql://u@db.example:5433/mm"


@pytest.mark.parametrize("settings_class", [IngestorSettings, ExecutorSettings, ReflectorSettings])
def test_every_app_with_markets_reads_symbol_from_a_dotenv(
    settings_class: type[IngestorSettings], tmp_path: Path
) -> None:
    (tmp_path / ".env").write_text("SYMBOL=ETH-USD,SOL-USD\n")
    assert settings_class().symbols == ["ETH-USD", "SOL-USD"]  # type: ignore[call-arg]


def test_the_environment_wins_over_the_dotenv(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("SYMBOL=ETH-USD\n")
    monkeypatch.setenv("SYMBOL", "BTC-USD")
    assert IngestorSettings().symbols == ["BTC-USD"]  # type: ignore[call-arg]


def test_settings_of_other_apps_in_the_dotenv_are_ignored(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("SYMBOL=ETH-USD\nMODEL=openai:gpt-4o-mini\nNOT_AN_MM_SETTING=1\n")
    assert IngestorSettings().symbols == ["ETH-USD"]  # type: ignore[call-arg]


def test_a_symbol_with_a_space_inside_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _problems(IngestorSettings, monkeypatch, SYMBOL="btc usd") == [
        "bad settings: SYMBOL is invalid: 'btc usd': not a market name (expected e.g. BTC-USD)"
    ]


def test_an_empty_market_between_commas_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _problems(IngestorSettings, monkeypatch, SYMBOL="BTC-USD,,ETH") == [
        "bad settings: SYMBOL is invalid: an empty market name between commas (expected e.g. BTC-USD,ETH-USD)"
    ]


def test_a_market_given_twice_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _problems(ReflectorSettings, monkeypatch, SYMBOL="BTC-USD,BTC-USD") == [
        "bad settings: SYMBOL is invalid: BTC-USD given more than once"
    ]


def test_spaces_around_the_commas_are_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYMBOL", " BTC-USD , ETH-USD ")
    assert IngestorSettings().symbols == ["BTC-USD", "ETH-USD"]  # type: ignore[call-arg]


def test_the_summarizer_refuses_a_malformed_market_filter(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _problems(SummarizerSettings, monkeypatch, SYMBOL="BTC-USD,,") != []


def test_an_unknown_log_level_is_named_with_the_levels_it_takes(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _problems(CommonSettings, monkeypatch, LOG_LEVEL="LOUD") == [
        "bad settings: LOG_LEVEL is invalid: 'LOUD' is not a log level (expected DEBUG, INFO, WARNING, ERROR or CRITICAL)"
    ]


def test_a_lower_case_log_level_is_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_LEVEL", "debug")
    assert CommonSettings().log_level == "DEBUG"


def test_prod_without_a_database_url_refuses_the_embedded_database(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _problems(CommonSettings, monkeypatch, APP_ENV="prod") == [
        "bad settings: APP_ENV is invalid: prod needs DATABASE_URL: the embedded Postgres under MM_HOME is for "
        "dev and test only"
    ]


def test_prod_with_a_database_url_is_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_ENV", "prod")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@db.example/mm")
    assert CommonSettings().app_env == "prod"


def test_a_bad_database_url_is_named_without_echoing_it(monkeypatch: pytest.MonkeyPatch) -> None:
    problems = _problems(CommonSettings, monkeypatch, DATABASE_URL="mysql://u:hunter2-pw@h/mm")
    assert problems == ["bad settings: DATABASE_URL is invalid: expected a postgresql:// URL"]


def test_a_bad_database_url_does_not_hide_a_bad_dead_man_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYMBOL", "BTC-USD")
    problems = _problems(ExecutorSettings, monkeypatch, DATABASE_URL="mysql://h/mm", DEAD_MAN_SWITCH_S="1")
    assert [line.split(" is ")[0] for line in problems] == [
        "bad settings: DATABASE_URL",
        "bad settings: DEAD_MAN_SWITCH_S",
    ]


def test_a_missing_setting_is_named_with_what_it_expects(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _problems(IngestorSettings, monkeypatch) == [
        "bad settings: SYMBOL is missing, expected market(s), comma separated"
    ]

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from mm.apps.reflector.settings import ReflectorSettings
from mm.apps.settings import describe_errors

_NAMES = (
    "MODEL",
    "OPENAI_MODEL",
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "RUN_INTERVAL_MS",
    "DATABASE_URL",
    "REFLECTION_WINDOW_S",
    "REFLECTION_SETTLE_S",
    "REFLECTION_CATCH_UP",
    "REFLECTION_MIN_FILLS",
    "REFLECTION_MIN_QUOTING_S",
)


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in _NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SYMBOL", "BTC-USD")


def _problem(monkeypatch: pytest.MonkeyPatch, **env: str) -> str:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError) as error:
        ReflectorSettings()
    return describe_errors(error.value, ReflectorSettings)


def test_without_a_model_the_offline_model_runs_every_hour() -> None:
    settings = ReflectorSettings()
    assert (settings.model_id, settings.run_interval_ms) == (None, 3_600_000)


def test_the_router_form_of_model_is_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODEL", "openai/gpt-4o-mini")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-x")
    assert ReflectorSettings().model_id == "openai:gpt-4o-mini"


def test_the_older_openai_model_setting_still_works(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_MODEL", "gpt-4o-mini")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-x")
    assert ReflectorSettings().model_id == "openai:gpt-4o-mini"


def test_an_openai_compatible_server_needs_no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODEL", "openai:llama")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:8000/v1")
    assert ReflectorSettings().openai_api_key is None


def test_a_model_without_provider_is_named_as_invalid(monkeypatch: pytest.MonkeyPatch) -> None:
    assert "MODEL is invalid" in _problem(monkeypatch, MODEL="gpt-4o")


def test_an_openai_model_without_key_or_base_url_names_the_missing_key(monkeypatch: pytest.MonkeyPatch) -> None:
    assert "OPENAI_API_KEY is missing" in _problem(monkeypatch, MODEL="openai:gpt-4o")


def test_a_base_url_that_is_not_http_is_named_as_invalid(monkeypatch: pytest.MonkeyPatch) -> None:
    assert "OPENAI_BASE_URL is invalid" in _problem(monkeypatch, OPENAI_BASE_URL="127.0.0.1:8000")


def test_a_run_interval_under_a_second_is_named_as_invalid(monkeypatch: pytest.MonkeyPatch) -> None:
    assert "RUN_INTERVAL_MS is invalid" in _problem(monkeypatch, RUN_INTERVAL_MS="10")


def test_the_api_key_is_a_secret_that_does_not_print(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-very-secret")
    assert "sk-very-secret" not in repr(ReflectorSettings())


def test_the_schedule_and_the_evidence_thresholds_come_from_their_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "REFLECTION_WINDOW_S": "60",
        "REFLECTION_SETTLE_S": "75",
        "REFLECTION_CATCH_UP": "5",
        "REFLECTION_MIN_FILLS": "3",
        "REFLECTION_MIN_QUOTING_S": "30",
    }.items():
        monkeypatch.setenv(name, value)
    settings = ReflectorSettings()
    schedule, evidence = settings.schedule, settings.evidence
    assert (schedule.window_ms, schedule.settle_ms, schedule.catch_up, evidence.min_fills, evidence.min_quoting_s) == (
        60_000,
        75_000,
        5,
        3,
        30.0,
    )


def test_a_settle_delay_shorter_than_the_longest_markout_horizon_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    assert "REFLECTION_SETTLE_S" in _problem(monkeypatch, REFLECTION_SETTLE_S="59")


def test_a_window_that_is_not_whole_minutes_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    assert "REFLECTION_WINDOW_S" in _problem(monkeypatch, REFLECTION_WINDOW_S="90")

"""Settings of `mm trade`: credentials only for live trading, one market on paper, params validated at start."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from mm.apps.executor.settings import CREDENTIAL_NAMES, ExecutorSettings
from mm.apps.settings import describe_errors

_NAMES = (
    *CREDENTIAL_NAMES,
    "STRATEGY_PARAMS",
    "PAPER_TRADING",
    "DATABASE_URL",
    "DEAD_MAN_SWITCH_S",
    "APP_ENV",
    "LOG_LEVEL",
)


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in _NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SYMBOL", "BTC-USD")


def test_live_trading_names_every_missing_credential() -> None:
    assert ExecutorSettings().missing_credentials() == list(CREDENTIAL_NAMES)


def test_paper_trading_needs_no_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPER_TRADING", "true")
    assert ExecutorSettings().paper_trading


def test_paper_trading_refuses_more_than_one_market(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYMBOL", "BTC-USD,ETH-USD")
    with pytest.raises(ValidationError, match="exactly one SYMBOL"):
        ExecutorSettings(PAPER_TRADING=True)


def test_strategy_params_override_the_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STRATEGY_PARAMS", '{"order_size": 0.005, "max_position": 0.015}')
    params = ExecutorSettings().configured_params()
    assert (params.order_size, params.max_position, params.version) == (0.005, 0.015, 1)


def test_an_unknown_strategy_param_is_refused_at_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STRATEGY_PARAMS", '{"order_sise": 0.005}')
    with pytest.raises(ValidationError, match="order_sise"):
        ExecutorSettings()


def test_a_dead_man_switch_shorter_than_two_seconds_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEAD_MAN_SWITCH_S", "1")
    with pytest.raises(ValidationError, match="DEAD_MAN_SWITCH_S"):
        ExecutorSettings()


_WELL_FORMED_SECRETS = {
    "EXTENDED_API_KEY": "secret-EXTENDED_API_KEY",
    "EXTENDED_STARK_PRIVATE_KEY": "0x5ec7e70a11",
    "EXTENDED_STARK_PUBLIC_KEY": "0x5ec7e70b22",
    "EXTENDED_VAULT_ID": "5047190",
}


def test_credentials_stay_secret_in_the_settings_dump(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in _WELL_FORMED_SECRETS.items():
        monkeypatch.setenv(name, value)
    dumped = repr(ExecutorSettings().model_dump())
    assert "secret-" not in dumped
    assert [value for value in _WELL_FORMED_SECRETS.values() if value in dumped] == []


def test_a_vault_id_that_is_not_a_whole_number_is_named_without_its_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXTENDED_VAULT_ID", "vault-7q2x")
    with pytest.raises(ValidationError) as error:
        ExecutorSettings()
    text = describe_errors(error.value, ExecutorSettings)
    assert (text, "vault-7q2x" in text) == ("bad settings: EXTENDED_VAULT_ID is invalid: must be a whole number", False)


def test_a_stark_key_that_is_not_hex_is_named_without_its_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXTENDED_STARK_PRIVATE_KEY", "0xnothex-9f")
    with pytest.raises(ValidationError) as error:
        ExecutorSettings()
    text = describe_errors(error.value, ExecutorSettings)
    assert text == "bad settings: EXTENDED_STARK_PRIVATE_KEY is invalid: must be a 0x-prefixed hex number"


def test_an_unknown_strategy_param_does_not_hide_a_range_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STRATEGY_PARAMS", '{"order_sise": 0.005, "order_size": -1}')
    with pytest.raises(ValidationError) as error:
        ExecutorSettings()
    text = describe_errors(error.value, ExecutorSettings)
    assert ("unknown strategy params: order_sise" in text, "order_size=-1 is outside" in text) == (True, True)

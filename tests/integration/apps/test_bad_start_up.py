"""Bad settings and options: every one named at once, a line each, exit 2, before any database starts.

No test here sets DATABASE_URL, so a database started would be the embedded one under MM_HOME: its
absence afterwards shows the check came first.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.apps.app_process import Finished, app_env, run_mm

pytestmark = pytest.mark.integration

_ACCOUNT = {
    "EXTENDED_API_KEY": "apikey-4d1f0c",
    "EXTENDED_STARK_PRIVATE_KEY": "0x5ee1",
    "EXTENDED_STARK_PUBLIC_KEY": "0x5ee2",
    "EXTENDED_VAULT_ID": "71",
    "SYMBOL": "BTC-USD",
}


def _refused(args: list[str], tmp_path: Path, **settings: str) -> Finished:
    result = run_mm(args, app_env(tmp_path, **settings), tmp_path)
    assert (result.returncode, "Traceback" in result.output) == (2, False), result.output
    assert not (tmp_path / "home" / "pgdata").exists()
    return result


def test_an_unknown_log_level_is_named(tmp_path: Path) -> None:
    result = _refused(["db", "status"], tmp_path, LOG_LEVEL="LOUD")
    assert result.plain_lines == [
        "bad settings: LOG_LEVEL is invalid: 'LOUD' is not a log level (expected DEBUG, INFO, WARNING, ERROR or CRITICAL)"
    ]


def test_a_vault_id_that_is_not_a_number_is_named_without_its_value(tmp_path: Path) -> None:
    result = _refused(["trade"], tmp_path, **(_ACCOUNT | {"EXTENDED_VAULT_ID": "vault-7731x"}))
    assert result.plain_lines == ["bad settings: EXTENDED_VAULT_ID is invalid: must be a whole number"]
    assert "vault-7731x" not in result.output


def test_a_stark_key_that_is_not_hex_is_named_without_its_value(tmp_path: Path) -> None:
    result = _refused(["trade"], tmp_path, **(_ACCOUNT | {"EXTENDED_STARK_PRIVATE_KEY": "not-hex-55b"}))
    assert result.plain_lines == [
        "bad settings: EXTENDED_STARK_PRIVATE_KEY is invalid: must be a 0x-prefixed hex number"
    ]
    assert "not-hex-55b" not in result.output


def test_a_bad_database_url_does_not_hide_the_other_bad_settings(tmp_path: Path) -> None:
    result = _refused(
        ["trade", "--paper"], tmp_path, SYMBOL="BTC-USD", DATABASE_URL="mysql://u:pw-61c@h/mm", DEAD_MAN_SWITCH_S="1"
    )
    assert [line.split(" is ")[0] for line in result.plain_lines] == [
        "bad settings: DATABASE_URL",
        "bad settings: DEAD_MAN_SWITCH_S",
    ]
    assert "pw-61c" not in result.output


def test_a_malformed_symbol_is_refused(tmp_path: Path) -> None:
    result = _refused(["ingest"], tmp_path, SYMBOL="btc usd")
    assert result.plain_lines == [
        "bad settings: SYMBOL is invalid: 'btc usd': not a market name (expected e.g. BTC-USD)"
    ]


def test_prod_without_a_database_url_refuses_to_start_naming_the_embedded_database(tmp_path: Path) -> None:
    result = _refused(["summarize"], tmp_path, APP_ENV="prod")
    assert len(result.plain_lines) == 1
    assert "prod needs DATABASE_URL: the embedded Postgres" in result.plain_lines[0]


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["backtest", "--set", "nonsense=3"], "bad options: --set: unknown strategy params: nonsense"),
        (["backtest", "--params-file", "missing.json"], "bad options: --params-file missing.json:"),
        (["backtest", "--data", "/nonexistent"], "bad options: --data: no /nonexistent.bbo.csv[.gz]"),
        (["backtest", "--data", "garbage"], "bad options: --data: garbage.bbo.csv lacks the columns"),
        (["db", "upgrade", "--revision", "nonsense"], "bad options: --revision: no migration 'nonsense'"),
        (["data", "import", "--exchange", "x", "--symbol", "y", "absent.bbo.csv"], "bad options: no such file:"),
    ],
    ids=["set", "params_file", "data_missing", "data_garbage", "revision", "import_file"],
)
def test_a_bad_option_is_named_before_any_database_starts(args: list[str], named: str, tmp_path: Path) -> None:
    (tmp_path / "garbage.bbo.csv").write_text("garbage\n1,2,3\n")
    result = _refused(args, tmp_path)
    assert [line.startswith(named) for line in result.plain_lines] == [True], result.plain_lines


def test_bad_settings_and_bad_options_are_named_together(tmp_path: Path) -> None:
    result = _refused(["backtest", "--set", "nonsense=3"], tmp_path, LOG_LEVEL="LOUD")
    assert [line.split(":")[0] for line in result.plain_lines] == ["bad settings", "bad options"]


def test_missing_account_secrets_are_named_beside_a_bad_setting(tmp_path: Path) -> None:
    account = {name: value for name, value in _ACCOUNT.items() if name != "EXTENDED_API_KEY"}
    result = _refused(["trade"], tmp_path, **(account | {"DEAD_MAN_SWITCH_S": "1"}))
    assert [line.split(" is ")[0] for line in result.plain_lines] == [
        "bad settings: DEAD_MAN_SWITCH_S",
        "bad settings: EXTENDED_API_KEY",
    ]

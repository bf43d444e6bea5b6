"""Every app reads its settings from a `.env` in the working directory, as the README says."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.apps.app_process import app_env, closed_port, nowhere_venue, run_mm

pytestmark = pytest.mark.integration

_COMMANDS = {
    "ingest": ["ingest"],
    "trade": ["trade", "--paper"],
    "summarize": ["summarize"],
    "backtest": ["backtest", "--no-report"],
    "reflect": ["reflect"],
    "data": ["data", "import", "--exchange", "binance", "--symbol", "BTCUSDT", "slice.bbo.csv"],
    "db": ["db", "status"],
}


def _write_dotenv(folder: Path, **settings: str) -> None:
    (folder / ".env").write_text("".join(f"{name}={value}\n" for name, value in settings.items()))


@pytest.mark.parametrize("command", _COMMANDS.values(), ids=_COMMANDS.keys())
def test_every_app_uses_the_database_and_markets_of_a_dotenv_in_its_working_directory(
    command: list[str], tmp_path: Path
) -> None:
    """The database in `.env` is unreachable: naming it proves the app read it, not the embedded one."""
    port = closed_port()
    _write_dotenv(tmp_path, DATABASE_URL=f"postgresql://mm:pw-3e9a@127.0.0.1:{port}/mm", SYMBOL="BTC-USD")
    (tmp_path / "slice.bbo.csv").write_text("ts_ms,bid_px,bid_sz,ask_px,ask_sz\n1,100,1,101,1\n")
    result = run_mm(command, app_env(tmp_path, **nowhere_venue()), tmp_path)
    assert (result.returncode, len(result.plain_lines)) == (3, 1), result.stderr
    assert f"database 127.0.0.1:{port}/mm" in result.plain_lines[0]
    assert not (tmp_path / "home" / "pgdata").exists()


def test_mm_db_status_reports_the_database_of_the_dotenv(database_url: str, tmp_path: Path) -> None:
    _write_dotenv(tmp_path, DATABASE_URL=database_url)
    result = run_mm(["db", "status"], app_env(tmp_path), tmp_path)
    assert (result.returncode, result.stdout.splitlines()[-1]) == (0, "up to date"), result.stderr


def test_mm_reflect_runs_on_the_database_and_market_of_the_dotenv(database_url: str, tmp_path: Path) -> None:
    _write_dotenv(tmp_path, DATABASE_URL=database_url, SYMBOL="DOTENV-USD")
    result = run_mm(["reflect"], app_env(tmp_path), tmp_path)
    assert (result.returncode, result.stdout.split(" ")[0]) == (0, "DOTENV-USD"), result.stderr

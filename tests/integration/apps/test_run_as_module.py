"""`python -m mm.apps.<app>` runs the app as `mm <app>` does: a service unit written either way behaves the same."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.apps.app_process import app_env, closed_port, nowhere_venue, run_mm

pytestmark = pytest.mark.integration

_MODULES = {
    "mm.apps.ingestor": ["ingest"],
    "mm.apps.executor": ["trade", "--paper"],
    "mm.apps.summarizer": ["summarize"],
    "mm.apps.backtest": ["backtest", "--no-report"],
    "mm.apps.reflector": ["reflect"],
    "mm.apps.data": ["data", "import", "--exchange", "binance", "--symbol", "BTCUSDT", "slice.bbo.csv"],
    "mm.apps.db": ["db", "status"],
}


@pytest.mark.parametrize(("module", "command"), _MODULES.items(), ids=_MODULES.keys())
def test_python_dash_m_of_an_app_exits_as_mm_does(module: str, command: list[str], tmp_path: Path) -> None:
    """The database is unreachable: both must get as far as trying it, and fail alike."""
    env = app_env(tmp_path, DATABASE_URL=f"postgresql://u@127.0.0.1:{closed_port()}/mm", SYMBOL="BTC-USD")
    env |= nowhere_venue()
    (tmp_path / "slice.bbo.csv").write_text("ts_ms,bid_px,bid_sz,ask_px,ask_sz\n1,100,1,101,1\n")
    as_module = run_mm(command[1:], env, tmp_path, module=module)
    as_mm = run_mm(command, env, tmp_path)
    assert (as_module.returncode, as_module.plain_lines) == (as_mm.returncode, as_mm.plain_lines) != (0, [])
    assert as_module.returncode == 3, as_module.stderr


def test_python_dash_m_passes_the_options_on(tmp_path: Path) -> None:
    result = run_mm(["--help"], app_env(tmp_path), tmp_path, module="mm.apps.summarizer")
    assert (result.returncode, result.stdout.startswith("usage: mm summarize")) == (0, True)

"""Apps started together on a fresh database or a fresh MM_HOME all start: one migration, one embedded server."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from mm.adapters.postgres import migrations
from tests.integration.apps.app_process import Finished, app_env, run_mm_async

pytestmark = pytest.mark.integration


def _failures(results: list[Finished]) -> list[str]:
    return [result.stderr[-2000:] for result in results if result.returncode != 0]


async def test_four_upgrades_started_together_on_a_fresh_database_all_succeed(
    empty_database_url: str, tmp_path: Path
) -> None:
    env = app_env(tmp_path, DATABASE_URL=empty_database_url)
    results = await asyncio.gather(*(run_mm_async(["db", "upgrade"], env, tmp_path) for _ in range(4)))
    assert _failures(results) == []
    assert migrations.current_revision(empty_database_url) == migrations.head_revision()


async def test_four_apps_started_together_on_a_fresh_mm_home_all_succeed(tmp_path: Path) -> None:
    """Each starts (or joins) the embedded server and migrates it; none may see another's half-made schema."""
    recording = tmp_path / "slice.bbo.csv"
    recording.write_text("ts_ms,bid_px,bid_sz,ask_px,ask_sz\n1700000000000,100,1,101,1\n")
    env = app_env(tmp_path, SYMBOL="BTC-USD")
    commands = [
        ["summarize"],
        ["reflect"],
        ["db", "upgrade"],
        ["data", "import", "--exchange", "binance", "--symbol", "BTCUSDT", str(recording)],
    ]
    results = await asyncio.gather(*(run_mm_async(command, env, tmp_path) for command in commands))
    assert _failures(results) == []
    assert [path.name for path in (tmp_path / "home").iterdir() if path.name == "pgdata"] == ["pgdata"]

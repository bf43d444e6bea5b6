"""`mm summarize` as a user runs it: once, in a loop stopped by SIGTERM, and with bad settings."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from mm.domain.fill_summary import FillRecord
from mm.domain.side import Side
from tests.summarizer_support.seeding import PostgresSeeder

pytestmark = pytest.mark.integration

T0 = 1_699_999_980_000


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("EXTENDED_", "SYMBOL", "DATABASE_URL"))}
    return {**base, "MM_HOME": str(tmp_path), "EXCHANGE": "cli", **extra}


def _mm(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mm.apps.cli", "summarize", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def _seed_one_fill(engine: AsyncEngine) -> None:
    seeder = PostgresSeeder(engine)
    for at_ms, mid in [(0, "100"), (1_000, "101"), (10_000, "102"), (60_000, "103")]:
        await seeder.add_bbo("cli", "BTC-USD", T0 + at_ms, Decimal(mid) - 1, Decimal(mid) + 1)
    fill = FillRecord("cli", "c1", "BTC-USD", T0, Side.BUY, Decimal(100), Decimal(1), Decimal("0.01"))
    await seeder.add_fill(fill)


def _enriched_rows(url: str) -> list[tuple[str, Decimal]]:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT fill_id, markout_60s FROM fills_enriched").fetchall()


def test_help_names_the_loop_options(tmp_path: Path) -> None:
    result = _mm(["--help"], _env(tmp_path), tmp_path)
    assert result.returncode == 0
    assert "--loop" in result.stdout
    assert "--interval-s" in result.stdout


def test_a_bad_markout_setting_exits_2_naming_it(tmp_path: Path) -> None:
    result = _mm([], _env(tmp_path, MARKOUT_MAX_STALENESS_MS="-5"), tmp_path)
    assert result.returncode == 2
    assert "MARKOUT_MAX_STALENESS_MS is invalid" in result.stderr


async def test_one_run_enriches_the_fills_and_exits_0(
    tmp_path: Path, clean_database_url: str, db_engine: AsyncEngine
) -> None:
    await _seed_one_fill(db_engine)
    result = _mm(["--worst", "3"], _env(tmp_path, DATABASE_URL=clean_database_url), tmp_path)
    assert result.returncode == 0, result.stderr
    assert _enriched_rows(clean_database_url) == [("c1", Decimal(3))]
    assert "c1" in result.stdout


async def test_the_loop_stops_cleanly_on_sigterm(
    tmp_path: Path, clean_database_url: str, db_engine: AsyncEngine
) -> None:
    await _seed_one_fill(db_engine)
    process = subprocess.Popen(
        [sys.executable, "-m", "mm.apps.cli", "summarize", "--loop", "--interval-s", "0.2"],
        env=_env(tmp_path, DATABASE_URL=clean_database_url),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not _enriched_rows(clean_database_url) and time.monotonic() < deadline:
            time.sleep(0.1)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 0, stderr
    assert "summarizer_loop_stopped" in stderr

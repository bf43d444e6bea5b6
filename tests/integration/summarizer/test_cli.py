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

from mm.adapters.postgres.epoch_ms import to_datetime
from mm.adapters.postgres.partitions import create_partition_sql, day_of_ms

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


def _seed_one_fill(url: str) -> None:
    """One buy at T0 at 100 and a book whose mid is 100, 101, 102 and 103 at 0, 1, 10 and 60 s."""
    with psycopg.connect(url) as conn:
        conn.execute(create_partition_sql("md_bbo", day_of_ms(T0)))
        for row_no, (at_ms, mid) in enumerate([(0, 100), (1_000, 101), (10_000, 102), (60_000, 103)]):
            conn.execute(
                "INSERT INTO md_bbo (exchange, symbol, ts, bid_px, ask_px, source_id, row_no) "
                "VALUES ('cli', 'BTC-USD', %s, %s, %s, 1, %s)",
                (to_datetime(T0 + at_ms), mid - 1, mid + 1, row_no),
            )
        conn.execute(
            "INSERT INTO ex_fill (exchange, fill_id, symbol, ts, side, price, size, fee, is_taker) "
            "VALUES ('cli', 'c1', 'BTC-USD', %s, 'buy', 100, 1, 0.01, false)",
            (to_datetime(T0),),
        )


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


def test_one_run_enriches_the_fills_and_prints_the_worst(tmp_path: Path, clean_database_url: str) -> None:
    _seed_one_fill(clean_database_url)
    args = ["--worst", "3", "--window-s", "1e9"]
    result = _mm(args, _env(tmp_path, DATABASE_URL=clean_database_url), tmp_path)
    assert result.returncode == 0, result.stderr
    assert _enriched_rows(clean_database_url) == [("c1", Decimal(3))]
    assert "c1" in result.stdout


def test_one_run_ends_with_a_line_saying_what_it_did(tmp_path: Path, clean_database_url: str) -> None:
    _seed_one_fill(clean_database_url)
    result = _mm([], _env(tmp_path, DATABASE_URL=clean_database_url), tmp_path)
    assert result.returncode == 0, result.stderr
    assert "1 fills examined, 1 enriched (1 with every markout)" in result.stdout


def test_the_loop_stops_cleanly_on_sigterm(tmp_path: Path, clean_database_url: str) -> None:
    _seed_one_fill(clean_database_url)
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

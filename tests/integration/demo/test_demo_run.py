"""`mm demo` end to end, as a person runs it: a subprocess replays the shipped slice at high speed through the
fake venue, every app writes to the test Postgres, and Ctrl-C stops it cleanly with the venue flat.

The test waits for what the issue asks to see (market data, orders, fills, markouts, 1-minute aggregates, a
decided proposal), then sends SIGINT. On an idle machine that is about a minute; `DEMO_BOUND_S` is the one
time bound to adjust when the reflector's windows or the executor's intervals change.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

from tests.unique_keys import a_symbol

pytestmark = pytest.mark.integration

DEMO_SPEED = 3.0
"""The shipped 3-minute slice in one minute (the replay repeats if the demo runs longer)."""
DEMO_BOUND_S = 300.0
"""Longest the test waits for every table to fill and a proposal to be decided, from the command's start."""
STOP_BOUND_S = 240.0
"""Longest a clean stop may take: each app in turn, the venue, the last summarizer run and the report."""

_DATA_TABLES = ("md_bbo", "md_trade", "md_price", "ex_order", "ex_fill", "fills_enriched", "agg_1m")
_DECIDED = (
    "SELECT count(*) FROM param_rollout WHERE symbol = %s AND proposal_id IS NOT NULL "
    "AND action IN ('applied', 'rejected')"
)


def _counts(url: str, symbol: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        counts = {
            table: conn.execute(f"SELECT count(*) FROM {table} WHERE symbol = %s", (symbol,)).fetchone()[0]  # type: ignore[index]
            for table in _DATA_TABLES
        }
        counts["decided proposals"] = conn.execute(_DECIDED, (symbol,)).fetchone()[0]  # type: ignore[index]
    return counts


def _wait_for(condition: Callable[[], bool], bound_s: float, process: subprocess.Popen[str]) -> bool:
    deadline = time.monotonic() + bound_s
    while time.monotonic() < deadline and process.poll() is None:
        if condition():
            return True
        time.sleep(2)
    return condition()


def test_the_demo_records_quotes_fills_measures_and_decides_then_stops_flat_on_ctrl_c(
    tmp_path: Path, database_url: str
) -> None:
    symbol = a_symbol("DEMO")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EXTENDED_", "SYMBOL", "DATABASE_URL"))}
    env |= {"MM_HOME": str(tmp_path), "DATABASE_URL": database_url}
    demo = ["demo", "--speed", str(DEMO_SPEED), "--market", symbol, "--minutes", str(2 * DEMO_BOUND_S / 60)]
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "mm.apps.cli", *demo],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    counts: dict[str, int] = {}

    def everything_seen() -> bool:
        counts.update(_counts(database_url, symbol))
        return all(counts.values())

    try:
        seen = _wait_for(everything_seen, DEMO_BOUND_S, process)
        seen_after_s = time.monotonic() - started
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=STOP_BOUND_S)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert seen, f"after {seen_after_s:.0f} s still missing: {counts}\n{output[-3000:]}"
    assert process.returncode == 0, output[-3000:]
    assert "flat: no order of ours rests" in output
    final = _counts(database_url, symbol)
    assert final["fills_enriched"] == final["ex_fill"], final  # the last summarizer run measured every fill

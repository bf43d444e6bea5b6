"""`mm status` as an operator runs it: a table for a person, JSON for scripts, --watch until SIGTERM."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from tests.integration.status.seeding import seed_market
from tests.unique_keys import a_symbol, an_id

pytestmark = pytest.mark.integration


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("EXTENDED_", "SYMBOL", "DATABASE_URL"))}
    return {**base, "MM_HOME": str(tmp_path), **extra}


def _status(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mm.apps.cli", "status", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_json_names_every_market_and_app(tmp_path: Path, database_url: str) -> None:
    exchange, symbol = an_id("cli"), a_symbol()
    seed_market(database_url, exchange, symbol)
    result = _status(["--json"], _env(tmp_path, DATABASE_URL=database_url, EXCHANGE=exchange), tmp_path)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    (market,) = document["markets"]
    assert market["symbol"] == symbol
    assert market["mode"] == "DEFENSIVE"
    assert market["position"] == "1"
    assert {app["app"] for app in document["apps"]} == {"ingestor", "executor", "summarizer", "reflector"}


def test_the_table_shows_the_mode_with_its_cause_and_a_market_with_no_data(tmp_path: Path, database_url: str) -> None:
    exchange, symbol, empty = an_id("cli"), a_symbol(), a_symbol()
    seed_market(database_url, exchange, symbol)
    env = _env(tmp_path, DATABASE_URL=database_url, EXCHANGE=exchange, SYMBOL=f"{symbol},{empty}")
    result = _status([], env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "DEFENSIVE" in result.stdout
    assert "volatility_high" in result.stdout
    assert "no data for this market" in result.stdout


def test_watch_refreshes_until_sigterm_and_exits_0(tmp_path: Path, database_url: str) -> None:
    exchange, symbol = an_id("cli"), a_symbol()
    seed_market(database_url, exchange, symbol)
    env = _env(tmp_path, DATABASE_URL=database_url, EXCHANGE=exchange)
    process = subprocess.Popen(
        [sys.executable, "-m", "mm.apps.cli", "status", "--watch", "--json", "--interval-s", "0.2"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    documents = [json.loads(process.stdout.readline()) for _ in range(3)]
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0
    assert all(document["markets"][0]["symbol"] == symbol for document in documents)


def test_a_silent_app_is_stale_beside_a_live_one_in_the_table_and_the_json(tmp_path: Path, database_url: str) -> None:
    exchange, symbol = an_id("cli"), a_symbol()
    seed_market(database_url, exchange, symbol)  # every app last wrote long ago; the reflector never
    with psycopg.connect(database_url) as conn:  # the ingestor is writing now
        conn.execute("UPDATE latest_top SET updated_at = now() WHERE exchange = %s AND symbol = %s", (exchange, symbol))
    env = _env(tmp_path, DATABASE_URL=database_url, EXCHANGE=exchange)
    document = json.loads(_status(["--json"], env, tmp_path).stdout)
    stale = {app["app"]: app["is_stale"] for app in document["apps"]}
    assert stale == {"ingestor": False, "executor": True, "summarizer": True, "reflector": True}
    assert {app["app"]: app["last_write"] for app in document["apps"]}["reflector"] is None
    table = _status([], env, tmp_path).stdout
    assert "reflector never STALE" in table
    assert re.search(r"ingestor \d+s ago(?! STALE)", table), table
    assert table.count("STALE") == 3

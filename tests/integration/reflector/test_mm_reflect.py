"""`mm reflect` end to end in a subprocess: settings, container, Postgres, reasoning files, signals."""

from __future__ import annotations

import asyncio
import hashlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pydantic_ai.models
import pytest

from mm.adapters.llm.proposal_output import proposal_arguments
from mm.testing.fake_openai import FakeOpenAIServer, ToolCallReply
from tests.reflection_data import sound_proposal

pytestmark = pytest.mark.integration

WINDOW_END = "2026-01-01T01:00Z"
_DROPPED = ("DATABASE_URL", "SYMBOL", "MODEL", "OPENAI_", "LOG_DIR", "RUN_INTERVAL_MS", "LLM_", "REFLECTION_")


def _env(database_url: str, tmp_path: Path, **extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(_DROPPED)}
    return {
        **base,
        "DATABASE_URL": database_url,
        "SYMBOL": "BTC-USD",
        "MM_HOME": str(tmp_path / "home"),
        "LOG_DIR": str(tmp_path / "logs"),
        "REFLECTION_MIN_FILLS": "10",  # the seeded hour has 12
        **extra,
    }


def _mm_reflect(args: Sequence[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mm.apps.cli", "reflect", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _seed_hour(database_url: str, bucket_start: datetime, mean_markout_10s_bps: float = -2.5) -> None:
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO agg_1h (exchange, symbol, bucket_start, fill_count, buy_count, sell_count, volume,"
            " notional, fees, mean_markout_10s_bps, pause_count, time_normal_s, time_defensive_s, time_pause_s)"
            " VALUES ('extended', 'BTC-USD', %s, 12, 6, 6, 0.012, 1200, 0.12, %s, 0, 3600, 0, 0)",
            (bucket_start, mean_markout_10s_bps),
        )


def _proposals(database_url: str) -> list[tuple[str, str, str]]:
    with psycopg.connect(database_url) as conn:
        rows = conn.execute("SELECT id, reasoning_path, reasoning_sha256 FROM llm_proposal").fetchall()
    return [(str(a), str(b), str(c)) for a, b, c in rows]


def _reasoning_files(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "logs" / "llm"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_mm_reflect_offline_stores_one_proposal_and_its_reasoning_file(clean_database_url: str, tmp_path: Path) -> None:
    _seed_hour(clean_database_url, datetime(2026, 1, 1, tzinfo=UTC))
    result = _mm_reflect(["--window-end", WINDOW_END], _env(clean_database_url, tmp_path))
    [(proposal_id, path, sha256)] = _proposals(clean_database_url)
    assert (result.returncode, _reasoning_files(tmp_path)) == (0, [Path(path)])
    assert (hashlib.sha256(Path(path).read_bytes()).hexdigest(), proposal_id in path) == (sha256, True)


def test_a_second_mm_reflect_of_the_same_window_stores_nothing_new(clean_database_url: str, tmp_path: Path) -> None:
    _seed_hour(clean_database_url, datetime(2026, 1, 1, tzinfo=UTC))
    env = _env(clean_database_url, tmp_path)
    _mm_reflect(["--window-end", WINDOW_END], env)
    again = _mm_reflect(["--window-end", WINDOW_END], env)
    assert (again.returncode, len(_proposals(clean_database_url)), len(_reasoning_files(tmp_path))) == (0, 1, 1)
    assert "already_decided" in again.stdout
    assert "2026-01-01T00:00:00.000Z .. 2026-01-01T01:00:00.000Z" in again.stdout


def test_mm_reflect_refuses_a_window_end_in_the_future_with_one_line(clean_database_url: str, tmp_path: Path) -> None:
    end = (datetime.now(tz=UTC) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:00Z")
    result = _mm_reflect(["--window-end", end], _env(clean_database_url, tmp_path))
    assert (result.returncode, len(result.stderr.strip().splitlines()), _proposals(clean_database_url)) == (2, 1, [])
    assert f"bad options: --window-end {end}: that window is not closed until" in result.stderr


def test_mm_reflect_refuses_a_window_whose_markouts_have_not_settled(clean_database_url: str, tmp_path: Path) -> None:
    """The hour has ended, but REFLECTION_SETTLE_S after it has not passed: its markouts may still change."""
    end = datetime.now(tz=UTC) - timedelta(seconds=30)
    env = _env(clean_database_url, tmp_path, REFLECTION_SETTLE_S="300")
    result = _mm_reflect(["--window-end", end.strftime("%Y-%m-%dT%H:%M:%SZ")], env)
    assert (result.returncode, "is not closed until" in result.stderr, "Traceback" in result.stderr) == (2, True, False)


def test_a_window_with_too_few_fills_is_stored_as_too_little_evidence_and_makes_no_proposal(
    clean_database_url: str, tmp_path: Path
) -> None:
    _seed_hour(clean_database_url, datetime(2026, 1, 1, tzinfo=UTC))  # 12 fills
    env = _env(clean_database_url, tmp_path, REFLECTION_MIN_FILLS="13")
    result = _mm_reflect(["--window-end", WINDOW_END], env)
    with psycopg.connect(clean_database_url) as conn:
        outcomes = conn.execute("SELECT outcome, proposal_id, reasons FROM reflection_outcome").fetchall()
    assert (result.returncode, "too_little_evidence" in result.stdout, _proposals(clean_database_url)) == (0, True, [])
    assert outcomes == [("too_little_evidence", None, ["12 fills, fewer than 13"])]
    assert _reasoning_files(tmp_path) == []


def test_mm_reflect_with_a_malformed_model_exits_2_naming_it(clean_database_url: str, tmp_path: Path) -> None:
    result = _mm_reflect([], _env(clean_database_url, tmp_path, MODEL="gpt-4o"))
    assert (result.returncode, "MODEL" in result.stderr, "Traceback" in result.stderr) == (2, True, False)


def test_mm_reflect_with_an_openai_model_and_no_key_exits_2_naming_the_key(
    clean_database_url: str, tmp_path: Path
) -> None:
    result = _mm_reflect([], _env(clean_database_url, tmp_path, OPENAI_MODEL="gpt-4o-mini"))
    assert (result.returncode, "OPENAI_API_KEY is missing" in result.stderr) == (2, True)


def test_mm_reflect_never_logs_the_openai_key(clean_database_url: str, tmp_path: Path) -> None:
    """Settings are logged at DEBUG and the model call fails (nothing listens): neither shows the key."""
    _seed_hour(clean_database_url, datetime(2026, 1, 1, tzinfo=UTC))
    env = _env(
        clean_database_url,
        tmp_path,
        MODEL="openai:gpt-x",
        OPENAI_API_KEY="sk-secret-9f8e7d",
        OPENAI_BASE_URL="http://127.0.0.1:9/v1",
        LLM_TRANSPORT_RETRIES="0",
        LOG_LEVEL="DEBUG",
    )
    result = _mm_reflect(["--window-end", WINDOW_END], env)
    assert ("advisor_failed" in result.stderr, "sk-secret-9f8e7d" in result.stdout + result.stderr) == (
        True,
        False,
    )


async def test_mm_reflect_with_model_set_uses_the_openai_compatible_server(
    clean_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pydantic_ai.models, "ALLOW_MODEL_REQUESTS", True)  # the child process makes the requests
    _seed_hour(clean_database_url, datetime(2026, 1, 1, tzinfo=UTC))
    async with FakeOpenAIServer([ToolCallReply(proposal_arguments(sound_proposal()))], api_key="sk-e2e") as server:
        env = _env(
            clean_database_url,
            tmp_path,
            MODEL="openai/gpt-e2e",
            OPENAI_API_KEY="sk-e2e",
            OPENAI_BASE_URL=server.base_url,
        )
        child = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "mm.apps.cli",
            "reflect",
            "--window-end",
            WINDOW_END,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        await asyncio.wait_for(child.communicate(), timeout=120)
    with psycopg.connect(clean_database_url) as conn:
        models = [row[0] for row in conn.execute("SELECT model FROM llm_proposal")]
    assert (child.returncode, len(server.requests), models) == (0, 1, ["openai:gpt-e2e"])


def test_mm_reflect_loop_reflects_on_the_last_full_hour_and_stops_on_sigterm(
    clean_database_url: str, tmp_path: Path
) -> None:
    this_hour = datetime.now(tz=UTC).replace(minute=0, second=0, microsecond=0)
    for back in (2, 1, 0):  # the clock may pass a full hour meanwhile
        _seed_hour(clean_database_url, this_hour - timedelta(hours=back))
    env = _env(clean_database_url, tmp_path, RUN_INTERVAL_MS="600000", REFLECTION_SETTLE_S="60")
    child = subprocess.Popen(
        [sys.executable, "-m", "mm.apps.cli", "reflect", "--loop"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for(lambda: len(_proposals(clean_database_url)) >= 1, timeout_s=60)
        child.send_signal(signal.SIGTERM)
        _, stderr = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert (child.returncode, "reflector_stopped" in stderr) == (0, True)


def _wait_for(condition: Callable[[], bool], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"condition not met within {timeout_s} s")

"""An app that cannot start says so in one plain line and exits 3, without a traceback or a secret."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from mm.testing.fake_extended import FakeExtendedServer

pytestmark = pytest.mark.integration

_DROPPED = ("EXTENDED_", "SYMBOL", "DATABASE_URL", "MODEL", "OPENAI_", "STRATEGY_PARAMS", "PAPER_TRADING", "LOG_")
_PROCESS_TIMEOUT_S = 60


def _closed_port() -> int:
    """A loopback port nothing listens on (bound and released at once)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _env(tmp_path: Path, **settings: str) -> dict[str, str]:
    kept = {k: v for k, v in os.environ.items() if not k.startswith(_DROPPED)}
    return {**kept, "MM_HOME": str(tmp_path / "home"), "LOG_DIR": str(tmp_path / "logs"), **settings}


def _mm(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mm.apps.cli", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=_PROCESS_TIMEOUT_S,
        check=False,
    )


def _plain_lines(stderr: str) -> list[str]:
    """What an operator reads: stderr without the JSON log lines."""
    return [line for line in stderr.splitlines() if line.strip() and not line.startswith("{")]


def _events(stderr: str, name: str) -> list[dict[str, Any]]:
    records = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    return [record for record in records if record.get("event") == name]


def _unreachable_database_env(tmp_path: Path, port: int) -> dict[str, str]:
    # The venue is a closed port too: nothing may leave the machine, whatever starts first.
    venue = f"127.0.0.1:{_closed_port()}"
    return _env(
        tmp_path,
        DATABASE_URL=f"postgresql://postgres:dbpassword-77ee@127.0.0.1:{port}/mm",
        SYMBOL="BTC-USD",
        EXTENDED_API_URL=f"http://{venue}/api/v1",
        EXTENDED_STREAM_URL=f"ws://{venue}/stream.extended.exchange/v1",
    )


@pytest.mark.parametrize(
    "command",
    [["summarize"], ["reflect"], ["ingest"], ["trade", "--paper"], ["db", "status"]],
    ids=["summarize", "reflect", "ingest", "trade_paper", "db_status"],
)
def test_an_unreachable_database_stops_start_up_with_exit_3_and_one_line_naming_it(
    command: list[str], tmp_path: Path
) -> None:
    port = _closed_port()
    result = _mm(command, _unreachable_database_env(tmp_path, port), tmp_path)
    lines = _plain_lines(result.stderr)
    assert (result.returncode, len(lines)) == (3, 1), result.stderr
    assert f"database 127.0.0.1:{port}/mm" in lines[0]
    assert "Traceback" not in result.stderr
    assert "dbpassword-77ee" not in result.stderr + result.stdout


def test_the_start_up_failure_is_logged_once_with_its_category(tmp_path: Path) -> None:
    result = _mm(["db", "status"], _unreachable_database_env(tmp_path, _closed_port()), tmp_path)
    assert [event["category"] for event in _events(result.stderr, "startup_failed")] == ["database_unavailable"]


def test_a_database_url_that_is_not_postgres_is_a_bad_setting(tmp_path: Path) -> None:
    result = _mm(["db", "status"], _env(tmp_path, DATABASE_URL="mysql://u:p@127.0.0.1/mm"), tmp_path)
    assert (result.returncode, _plain_lines(result.stderr)) == (
        2,
        ["bad settings: DATABASE_URL is invalid: expected a postgresql:// URL"],
    )


def test_an_embedded_postgres_that_cannot_start_stops_start_up_with_exit_3(tmp_path: Path) -> None:
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "pgdata").write_text("a file where the data folder should be")
    result = _mm(["db", "status"], _env(tmp_path), tmp_path)
    lines = _plain_lines(result.stderr)
    assert (result.returncode, len(lines), "Traceback" in result.stderr) == (3, 1, False), result.stderr
    assert "the embedded Postgres under" in lines[0]


@pytest.fixture
async def fake_extended() -> AsyncIterator[FakeExtendedServer]:
    async with FakeExtendedServer.start() as server:
        yield server


async def test_live_trading_with_a_refused_api_key_exits_3_naming_the_auth_failure_and_no_secret(
    fake_extended: FakeExtendedServer, database_url: str, tmp_path: Path
) -> None:
    credentials = fake_extended.credentials
    wrong_key = "wrong-api-key-5c1d9e"
    secrets = [wrong_key, credentials.api_key, credentials.private_key_hex, credentials.public_key_hex]
    env = _env(
        tmp_path,
        DATABASE_URL=database_url,
        SYMBOL=next(iter(fake_extended.markets)),
        EXTENDED_API_URL=fake_extended.rest_url,
        EXTENDED_STREAM_URL=fake_extended.stream_url,
        EXTENDED_API_KEY=wrong_key,
        EXTENDED_STARK_PRIVATE_KEY=credentials.private_key_hex,
        EXTENDED_STARK_PUBLIC_KEY=credentials.public_key_hex,
        EXTENDED_VAULT_ID=str(credentials.vault),
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "mm.apps.cli",
        "trade",
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), _PROCESS_TIMEOUT_S)
    output = (stdout + stderr).decode(errors="replace")
    lines = _plain_lines(stderr.decode(errors="replace"))
    assert (process.returncode, len(lines), "Traceback" in output) == (3, 1, False), output
    assert "could not start (exchange_auth)" in lines[0]
    assert [secret for secret in secrets if secret in output] == []

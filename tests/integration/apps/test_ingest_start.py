"""`mm ingest` checks its markets against the venue at start, and gives up when it cannot reach it in time."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from mm.testing.fake_extended import FakeExtendedServer
from tests.integration.apps.app_process import app_env, nowhere_venue, run_mm_async

pytestmark = pytest.mark.integration


@pytest.fixture
async def fake_extended() -> AsyncIterator[FakeExtendedServer]:
    async with FakeExtendedServer.start() as server:
        yield server


async def test_a_market_the_venue_does_not_list_stops_start_up_with_exit_3_naming_it(
    fake_extended: FakeExtendedServer, database_url: str, tmp_path: Path
) -> None:
    listed = next(iter(fake_extended.markets))
    env = app_env(
        tmp_path,
        DATABASE_URL=database_url,
        SYMBOL=f"{listed},NOPE-USD",
        EXTENDED_API_URL=fake_extended.rest_url,
        EXTENDED_STREAM_URL=fake_extended.stream_url,
    )
    result = await run_mm_async(["ingest"], env, tmp_path)
    assert (result.returncode, len(result.plain_lines), "Traceback" in result.stderr) == (3, 1, False), result.stderr
    assert "unknown market 'NOPE-USD'" in result.plain_lines[0]
    assert listed not in result.plain_lines[0].split("unknown market")[1]


async def test_a_venue_unreachable_at_start_is_given_up_after_the_start_timeout(
    database_url: str, tmp_path: Path
) -> None:
    env = app_env(tmp_path, DATABASE_URL=database_url, SYMBOL="BTC-USD", INGEST_START_TIMEOUT_S="2", **nowhere_venue())
    started = time.monotonic()
    result = await run_mm_async(["ingest"], env, tmp_path)
    assert (result.returncode, len(result.plain_lines)) == (3, 1), result.stderr
    assert "could not start (exchange_unavailable)" in result.plain_lines[0]
    assert time.monotonic() - started < 30  # bounded: well before any default, not for ever

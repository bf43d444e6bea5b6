"""Postgres stopped during ingestion and started again: nothing is lost and nothing duplicated.

Runs against a private Postgres server (never the shared one), stopped as by a crash while the
fake Extended server keeps sending.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from mm.adapters.postgres.ingest.market_data_sink import WriterSettings
from mm.testing.fake_extended import FakeExtendedServer
from tests.ingestor_support.frame_tap import FrameTap
from tests.ingestor_support.private_postgres import PrivatePostgres
from tests.ingestor_support.recording_run import RecordingRun
from tests.ingestor_support.stored_rows import (
    expected_raw_messages,
    expected_rows,
    stored_raw_messages,
    stored_row_numbers,
    stored_rows,
)

pytestmark = pytest.mark.integration

DATA = Path("/work/shared/data/binance_usdm_btcusdt_20240808")
EVENTS = 3_000  # about 12 s of recorded time: 2.4 s of replay at speed 5


@pytest.fixture
def private_postgres(tmp_path: Path) -> Iterator[PrivatePostgres]:
    server = PrivatePostgres(tmp_path / "pg")
    try:
        yield server
    finally:
        server.close()


async def test_stopping_postgres_during_ingestion_loses_and_duplicates_nothing(
    private_postgres: PrivatePostgres, tmp_path: Path
) -> None:
    url = await asyncio.to_thread(private_postgres.start)
    settings = WriterSettings(batch_max_delay_s=0.02, retry_interval_s=0.1, connect_timeout_s=1, write_timeout_s=5)
    async with FakeExtendedServer.start() as server, FrameTap(server.stream_url) as tap:
        async with RecordingRun(tap.url, url, tmp_path / "spool", settings=settings) as run:
            await server.streams.wait_for_subscribers(4, timeout_s=20)
            replay = server.start_replay(DATA, speed=5, limit=EVENTS)
            await asyncio.sleep(0.5)
            await asyncio.to_thread(private_postgres.stop, "immediate")
            await asyncio.sleep(1.0)
            spooled_while_down = run.metrics.value("ingest_batches_total", outcome="spooled")
            await asyncio.to_thread(private_postgres.restart)
            await replay
            await run.wait_for_frames_settled(tap)
        frames = list(tap.frames)

    assert (spooled_while_down or 0) > 0
    assert (run.metrics.value("ingest_batches_total", outcome="replayed") or 0) > 0
    assert run.metrics.value("ingest_batches_total", outcome="rejected") is None
    assert run.sink.spool.is_empty
    expected = expected_rows(frames)
    assert stored_rows(url) == expected
    assert stored_raw_messages(url) == expected_raw_messages(frames)
    assert stored_row_numbers(url) == list(range(1, sum(expected.values()) + 1))

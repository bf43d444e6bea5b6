"""`mm ingest` as a process: wired to the (fake) Extended feed and Postgres, and flushing on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from mm.testing.fake_extended import FakeExtendedServer
from tests.ingestor_support.frame_tap import FrameTap
from tests.ingestor_support.stored_rows import expected_rows, stored_rows

pytestmark = pytest.mark.integration

DATA = Path("/work/shared/data/binance_usdm_btcusdt_20240808")


def frames_received(metrics_port: int) -> int:
    """The process's own count of stream frames, read from its /metrics."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics", timeout=1) as response:
            text = response.read().decode()
    except OSError:
        return -1
    return int(
        sum(
            float(line.rsplit(" ", 1)[1])
            for line in text.splitlines()
            if line.startswith("mm_extended_stream_messages_total{")
        )
    )


async def wait_for(condition: Callable[[], bool], timeout_s: float = 30.0) -> None:
    """Poll `condition` (it reads another process's state, so there is nothing to await)."""
    async with asyncio.timeout(timeout_s):
        while True:
            if await asyncio.to_thread(condition):
                return
            await asyncio.sleep(0.05)


async def test_sigterm_flushes_every_received_message_before_exit(
    clean_database_url: str, tmp_path: Path, unused_tcp_port: int
) -> None:
    async with FakeExtendedServer.start() as server, FrameTap(server.stream_url) as tap:
        env = {
            **{
                k: v for k, v in os.environ.items() if not k.startswith(("EXTENDED_", "SYMBOL", "DATABASE_URL", "BBO_"))
            },
            "SYMBOL": "BTC-USD",
            "DATABASE_URL": clean_database_url,
            "MM_HOME": str(tmp_path),
            "EXTENDED_STREAM_URL": tap.url,
            "EXTENDED_API_URL": server.rest_url,
            "METRICS_PORT": str(unused_tcp_port),
            "INGEST_BATCH_MAX_DELAY_MS": "600000",  # rows wait in the writer: only the shutdown flush stores them
        }
        with (tmp_path / "ingest.log").open("wb") as log:
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "mm.apps.cli", "ingest", env=env, cwd=tmp_path, stdout=log, stderr=log
            )
            try:
                await server.streams.wait_for_subscribers(4, timeout_s=20)
                await server.replay(DATA, limit=500)
                await wait_for(lambda: frames_received(unused_tcp_port) == len(tap.frames))
                assert sum(stored_rows(clean_database_url).values()) == 0
                process.send_signal(signal.SIGTERM)
                exit_code = await asyncio.wait_for(process.wait(), 60)
            finally:
                if process.returncode is None:
                    process.kill()
        frames = list(tap.frames)

    output = (tmp_path / "ingest.log").read_text()
    assert exit_code == 0, output
    assert stored_rows(clean_database_url) == expected_rows(frames)
    assert not list((tmp_path / "logs" / "ingest-spool").glob("*.spool"))

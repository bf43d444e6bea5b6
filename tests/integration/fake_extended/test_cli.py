"""`python -m mm.testing.fake_extended` serves a replay and prints where it listens."""

from __future__ import annotations

import asyncio
import signal
import sys

import aiohttp
import pytest

from .test_replay import SHIPPED_SLICE

pytestmark = pytest.mark.integration


async def test_the_command_prints_its_urls_and_serves_until_terminated() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "mm.testing.fake_extended",
        "--data",
        str(SHIPPED_SLICE),
        "--speed",
        "10",
        "--port",
        "0",
        "--tick",
        "0.1",
        "--step",
        "0.001",
        "--min-size",
        "0.001",
        stdout=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    try:
        announced = {}
        while "STARK_PRIVATE_KEY" not in announced:
            line = (await asyncio.wait_for(process.stdout.readline(), 20)).decode().strip()
            key, _, value = line.partition("=")
            announced[key] = value
        async with aiohttp.ClientSession() as http:
            response = await http.get(f"{announced['REST_URL']}/info/markets")
            markets = await response.json()
    finally:
        process.send_signal(signal.SIGTERM)
        exit_code = await asyncio.wait_for(process.wait(), 10)

    assert announced["STREAM_URL"].startswith("ws://127.0.0.1:")
    assert announced["STREAM_URL"].endswith("/stream.extended.exchange/v1")
    assert [m["tradingConfig"]["minPriceChange"] for m in markets["data"]] == ["0.1"]
    assert exit_code == 0

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
        while "SYMBOL" not in announced:
            line = (await asyncio.wait_for(process.stdout.readline(), 20)).decode().strip()
            if not line.startswith("#"):
                key, _, value = line.partition("=")
                announced[key] = value
        async with aiohttp.ClientSession() as http:
            response = await http.get(f"{announced['EXTENDED_API_URL']}/info/markets")
            markets = await response.json()
    finally:
        process.send_signal(signal.SIGTERM)
        exit_code = await asyncio.wait_for(process.wait(), 10)

    assert announced["EXTENDED_STREAM_URL"].startswith("ws://127.0.0.1:")
    assert announced["EXTENDED_STREAM_URL"].endswith("/stream.extended.exchange/v1")
    assert set(announced) == {
        "EXTENDED_API_URL",
        "EXTENDED_STREAM_URL",
        "EXTENDED_API_KEY",
        "EXTENDED_STARK_PRIVATE_KEY",
        "EXTENDED_STARK_PUBLIC_KEY",
        "EXTENDED_VAULT_ID",
        "SYMBOL",
    }
    assert [m["tradingConfig"]["minPriceChange"] for m in markets["data"]] == ["0.1"]
    assert exit_code == 0


async def test_mm_fake_exchange_serves_and_prints_the_same_settings() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "mm.apps.cli", "fake-exchange", "--market", "ETH-USD", stdout=asyncio.subprocess.PIPE
    )
    assert process.stdout is not None
    try:
        lines = []
        while not lines or not lines[-1].startswith("SYMBOL="):
            lines.append((await asyncio.wait_for(process.stdout.readline(), 20)).decode().strip())
    finally:
        process.send_signal(signal.SIGTERM)
        exit_code = await asyncio.wait_for(process.wait(), 10)
    assert lines[-1] == "SYMBOL=ETH-USD"
    assert any(line.startswith("EXTENDED_VAULT_ID=") for line in lines)
    assert exit_code == 0

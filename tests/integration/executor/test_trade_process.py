"""`mm trade` as a real process against the fake server: kill -9, restart, SIGTERM, secrets in its output."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from mm.testing.fake_extended import FakeExtendedServer, OrderStatus

from .conftest import SYMBOL, LiveMarket, eventually, quotes_on_both_sides, resting

pytestmark = pytest.mark.integration

QUOTING_S = 40.0
PARAMS = {
    "order_size": 0.001,
    "max_position": 0.01,
    "hard_max_position": 0.02,
    "vol_multiplier": 0.0,
    "stale_after_ms": 2_000,
}


class TradeProcess:
    """One `mm trade` child process; its JSON log goes to a file the test reads."""

    def __init__(self, server: FakeExtendedServer, database_url: str, log_path: Path, **settings: str) -> None:
        credentials = server.credentials
        kept = {k: v for k, v in os.environ.items() if not k.startswith(("EXTENDED_", "DATABASE_URL", "SYMBOL"))}
        self.secrets = (
            credentials.api_key,
            credentials.private_key_hex,
            credentials.public_key_hex,
            str(credentials.vault),
        )
        self.env = {
            **kept,
            "DATABASE_URL": database_url,
            "SYMBOL": SYMBOL,
            "MM_HOME": str(log_path.parent / "home"),
            "LOG_DIR": str(log_path.parent / "logs"),
            "EXTENDED_API_URL": server.rest_url,
            "EXTENDED_STREAM_URL": server.stream_url,
            "EXTENDED_REQUEST_TIMEOUT_S": "2",
            "EXTENDED_API_KEY": credentials.api_key,
            "EXTENDED_STARK_PRIVATE_KEY": credentials.private_key_hex,
            "EXTENDED_STARK_PUBLIC_KEY": credentials.public_key_hex,
            "EXTENDED_VAULT_ID": str(credentials.vault),
            "STRATEGY_PARAMS": json.dumps(PARAMS),
            "LOG_LEVEL": "INFO",
            **settings,
        }
        self.log_path = log_path
        self.process: asyncio.subprocess.Process | None = None

    async def start(self, *args: str) -> None:
        with self.log_path.open("wb") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "mm.apps.cli", "trade", *args, env=self.env, stdout=log, stderr=log
            )

    @property
    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def events(self, name: str) -> list[dict[str, Any]]:
        found = []
        for line in self.output.splitlines():
            if line.startswith("{"):
                record = json.loads(line)
                if record.get("event") == name:
                    found.append(record)
        return found

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)

    async def terminate(self) -> int:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        return await asyncio.wait_for(self.process.wait(), 30)

    async def ensure_gone(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()


@pytest.fixture
async def server() -> AsyncIterator[FakeExtendedServer]:
    async with FakeExtendedServer.start() as running:
        market = LiveMarket(running)
        market.start()
        try:
            yield running
        finally:
            await market.stop()


def saved_order_count(database_url: str) -> int:
    """Orders in the newest strategy_state of the market (0 when nothing is saved yet)."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT detail FROM strategy_state WHERE exchange = 'extended' AND symbol = %s ORDER BY version DESC LIMIT 1",
            (SYMBOL,),
        ).fetchone()
    return 0 if row is None else len(row[0].get("orders", []))


async def test_after_kill_9_the_dead_man_switch_cancels_every_order_within_its_countdown(
    server: FakeExtendedServer, clean_database_url: str, tmp_path: Path
) -> None:
    trade = TradeProcess(server, clean_database_url, tmp_path / "trade.log", DEAD_MAN_SWITCH_S="3")
    await trade.start()
    try:
        await eventually(lambda: quotes_on_both_sides(server), QUOTING_S, "quotes on both sides")
        trade.kill()
        killed_at = time.monotonic()
        assert await asyncio.wait_for(trade.process.wait(), 10) == -signal.SIGKILL  # type: ignore[union-attr]
        assert quotes_on_both_sides(server), "the orders outlive the process until the switch fires"
        await eventually(lambda: not server.resting_orders(SYMBOL), 5.0, "the dead man's switch to cancel")
    finally:
        await trade.ensure_gone()
    assert time.monotonic() - killed_at <= 3.0 + 1.5
    assert server.dead_man_switch.expiry_count >= 1


async def test_a_restart_restores_the_state_and_leaves_no_orphaned_or_duplicate_order(
    server: FakeExtendedServer, clean_database_url: str, tmp_path: Path
) -> None:
    first = TradeProcess(server, clean_database_url, tmp_path / "first.log")
    await first.start()
    try:
        await eventually(lambda: quotes_on_both_sides(server), QUOTING_S, "the first run quoting")
        await eventually(lambda: saved_order_count(clean_database_url) == 2, 10.0, "a saved state with both orders")
        first.kill()
        await first.process.wait()  # type: ignore[union-attr]
    finally:
        await first.ensure_gone()
    first_run_ids = {order.external_id for order in server.orders()}
    second = TradeProcess(server, clean_database_url, tmp_path / "second.log")
    await second.start()
    try:
        await eventually(lambda: bool(second.events("executor_reconciled")), 20.0, "the second run's reconcile")
        await eventually(
            lambda: (
                quotes_on_both_sides(server)
                and not {o.external_id for o in server.resting_orders(SYMBOL)} & first_run_ids
            ),
            QUOTING_S,
            "the second run quoting with its own orders",
        )
        sides = resting(server)
        exit_code = await second.terminate()
    finally:
        await second.ensure_gone()
    reconciled = second.events("executor_reconciled")[0]
    assert reconciled["restored_version"] >= 1
    assert reconciled["adopted"] == 2
    assert (len(sides["BUY"]), len(sides["SELL"])) == (1, 1)
    assert all(o.status is not OrderStatus.NEW for o in server.orders() if o.external_id in first_run_ids)
    assert exit_code == 0


async def test_sigterm_cancels_every_order_before_the_process_exits(
    server: FakeExtendedServer, clean_database_url: str, tmp_path: Path
) -> None:
    trade = TradeProcess(server, clean_database_url, tmp_path / "trade.log")
    await trade.start()
    try:
        await eventually(lambda: quotes_on_both_sides(server), QUOTING_S, "quotes on both sides")
        exit_code = await trade.terminate()
    finally:
        await trade.ensure_gone()
    assert exit_code == 0
    assert server.resting_orders(SYMBOL) == []
    assert not server.dead_man_switch.is_armed


async def test_no_secret_appears_in_the_output_of_mm_trade(
    server: FakeExtendedServer, clean_database_url: str, tmp_path: Path
) -> None:
    trade = TradeProcess(server, clean_database_url, tmp_path / "trade.log", LOG_LEVEL="DEBUG")
    await trade.start()
    try:
        await eventually(lambda: bool(trade.events("executor_started")), 20.0, "the executor started")
        await asyncio.sleep(1.0)
        await trade.terminate()
    finally:
        await trade.ensure_gone()
    output = trade.output
    assert trade.events("settings_loaded")
    leaked = [secret for secret in trade.secrets if secret in output]
    assert leaked == []


def placed_in_paper(database_url: str) -> int:
    with psycopg.connect(database_url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM ex_order WHERE exchange = 'extended-paper' AND event IN ('place_sent', 'replace_sent')"
        ).fetchone()
    return int(row[0]) if row else 0


async def test_paper_trading_quotes_on_live_data_without_sending_anything_to_the_venue(
    server: FakeExtendedServer, clean_database_url: str, tmp_path: Path
) -> None:
    trade = TradeProcess(server, clean_database_url, tmp_path / "paper.log")
    for name in ("EXTENDED_API_KEY", "EXTENDED_STARK_PRIVATE_KEY", "EXTENDED_STARK_PUBLIC_KEY", "EXTENDED_VAULT_ID"):
        trade.env.pop(name)
    await trade.start("--paper")
    try:
        await eventually(lambda: placed_in_paper(clean_database_url) >= 2, QUOTING_S, "paper quotes on both sides")
        exit_code = await trade.terminate()
    finally:
        await trade.ensure_gone()
    assert exit_code == 0
    assert server.orders() == []

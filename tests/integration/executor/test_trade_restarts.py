"""`mm trade` restarted as an operator does, against the fake server: nothing is lost across kill -9, incidents are remembered.

Fills happen while the process runs (killed before its journal may have flushed them), while it is down and
while it starts; after every restart, each fill the venue made is in `ex_fill` exactly once. One run quotes
(its volatility warm-up takes 10 s); the ten kill -9 cycles after it fill orders placed from outside, so they
need not wait for quotes. A restart after a data
gap and a PAUSE starts DEFENSIVE and refuses a stored proposal, the gap and the PAUSE counted.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator, Callable
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest

from mm.adapters.clock import SystemClock
from mm.adapters.extended import ExtendedRestSession, ExtendedTradingGateway
from mm.adapters.files.reasoning_sink import FileReasoningSink
from mm.adapters.observability.prometheus import PrometheusMetrics
from mm.adapters.postgres.engine import create_engine_for
from mm.adapters.postgres.param_proposal_store import PostgresParamProposalStore
from mm.adapters.postgres.param_rollout_store import PostgresParamRolloutStore
from mm.domain.orders import OrderRequest
from mm.domain.proposal import ProposalStatus, StoredProposal
from mm.domain.rollout import RolloutAction, RolloutRecord
from mm.domain.side import Side
from mm.testing.fake_extended import FakeExtendedServer, StreamKind
from tests.reflection_data import WINDOW, reasoning_record, sound_proposal

from .conftest import SYMBOL, LiveMarket, credentials_of, endpoints_of, eventually, resting
from .test_trade_process import PARAMS, TradeProcess

pytestmark = pytest.mark.integration

KILL_CYCLES = 10
START_S = 60.0
"""Generous: a process start imports the SDK and connects to Postgres, slow on a loaded 2-core machine."""
RECORDED_S = 30.0
ORDER_SIZE = Decimal("0.001")


@pytest.fixture
async def server() -> AsyncIterator[FakeExtendedServer]:
    async with FakeExtendedServer.start() as running:
        market = LiveMarket(running)
        market.start()
        try:
            yield running
        finally:
            await market.stop()


def recorded_fill_ids(database_url: str) -> list[str]:
    with psycopg.connect(database_url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT fill_id FROM ex_fill WHERE exchange = 'extended' AND symbol = %s", (SYMBOL,)
        ).fetchall()
    return [str(row[0]) for row in rows]


def sent_order_count(database_url: str) -> int:
    with psycopg.connect(database_url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM ex_order WHERE exchange = 'extended' AND symbol = %s AND event = 'place_sent'",
            (SYMBOL,),
        ).fetchone()
    return int(row[0]) if row else 0


def venue_fill_ids(server: FakeExtendedServer) -> list[str]:
    return [str(fill.id) for fill in server.account.fills if fill.market == SYMBOL]


async def until(condition: Callable[[], bool], timeout_s: float, what: str) -> None:
    """Wait until `condition()` holds, checking every 0.2 s (each check may query Postgres); fail naming `what`."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")
        await asyncio.sleep(0.2)


def all_fills_recorded(server: FakeExtendedServer, database_url: str) -> bool:
    return sorted(recorded_fill_ids(database_url)) == sorted(venue_fill_ids(server))


def is_quoting(server: FakeExtendedServer, side: str) -> bool:
    return len(resting(server)[side]) == 1


async def fill_resting(server: FakeExtendedServer, side: str) -> None:
    """A public trade at our resting `side` order's price, of its size: the venue fills it whole."""
    await eventually(lambda: is_quoting(server, side), START_S, f"one resting {side} order")
    [order] = resting(server)[side]  # nothing awaited since the check: still the one order
    fills_before = len(server.account.fills)
    taker = "SELL" if side == "BUY" else "BUY"
    await server.market.push_trade(order.price, order.remaining_qty, taker)
    assert len(server.account.fills) == fills_before + 1


class AccountDesk:
    """Our account's orders placed from outside the executor (as an operator would), filled at once by a public trade."""

    def __init__(self, server: FakeExtendedServer) -> None:
        self._server = server
        self.session = ExtendedRestSession(
            endpoints_of(server), credentials_of(server), SystemClock(), PrometheusMetrics()
        )
        self._gateway = ExtendedTradingGateway(self.session)

    async def fill_one(self, side: Side) -> None:
        """An order of ours away from the book, then a print through it: one fill the venue records."""
        price = Decimal(99_990) if side is Side.BUY else Decimal(100_011)
        await self._gateway.place_order(OrderRequest(f"desk-{uuid.uuid4().hex[:10]}", SYMBOL, side, price, ORDER_SIZE))
        fills_before = len(self._server.account.fills)
        await self._server.market.push_trade(price, ORDER_SIZE, "SELL" if side is Side.BUY else "BUY")
        assert len(self._server.account.fills) == fills_before + 1


@pytest.fixture
async def desk(server: FakeExtendedServer) -> AsyncIterator[AccountDesk]:
    desk = AccountDesk(server)
    try:
        yield desk
    finally:
        await desk.session.aclose()


async def a_run_that_quotes_fills_and_is_killed(server: FakeExtendedServer, database_url: str, log_path: Path) -> None:
    """A run quoting both sides: its ask fills (the kill may beat the journal's flush), then kill -9, then its bid fills."""
    trade = TradeProcess(server, database_url, log_path, DEAD_MAN_SWITCH_S="60")
    await trade.start()
    try:
        await eventually(lambda: is_quoting(server, "SELL") and is_quoting(server, "BUY"), START_S, "quotes")
        await until(lambda: sent_order_count(database_url) > 0, RECORDED_S, "the run's orders recorded")
        await fill_resting(server, "SELL")
        trade.kill()
        assert await asyncio.wait_for(trade.process.wait(), 10) < 0  # type: ignore[union-attr]
    finally:
        await trade.ensure_gone()
    await fill_resting(server, "BUY")


async def test_ten_kill_9_cycles_with_fills_during_the_downtime_record_every_venue_fill_once(
    server: FakeExtendedServer, desk: AccountDesk, clean_database_url: str, tmp_path: Path
) -> None:
    await a_run_that_quotes_fills_and_is_killed(server, clean_database_url, tmp_path / "quoting.log")
    for cycle in range(KILL_CYCLES):
        await desk.fill_one(Side.BUY if cycle % 2 else Side.SELL)  # down: only the venue's history has it
        trade = TradeProcess(server, clean_database_url, tmp_path / f"trade-{cycle}.log", DEAD_MAN_SWITCH_S="60")
        await trade.start()
        try:
            await desk.fill_one(Side.SELL if cycle % 2 else Side.BUY)  # while the process starts
            await until(lambda: all_fills_recorded(server, clean_database_url), START_S, f"run {cycle} recording")
            trade.kill()
            assert await asyncio.wait_for(trade.process.wait(), 10) < 0  # type: ignore[union-attr]
        finally:
            await trade.ensure_gone()
    recorded, made = recorded_fill_ids(clean_database_url), venue_fill_ids(server)
    assert len(made) == 2 + 2 * KILL_CYCLES
    assert sorted(recorded) == sorted(made)
    assert len(set(recorded)) == len(recorded)


def recorded_incidents(database_url: str) -> tuple[int, int]:
    """The market's `md_gap` rows and PAUSEs entered in `ex_decision`."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        gaps = conn.execute("SELECT count(*) FROM md_gap WHERE symbol = %s", (SYMBOL,)).fetchone()
        pauses = conn.execute(
            "SELECT count(*) FROM ex_decision WHERE symbol = %s AND mode = 'PAUSE' AND prev_mode <> 'PAUSE'", (SYMBOL,)
        ).fetchone()
    return (int(gaps[0]) if gaps else 0), (int(pauses[0]) if pauses else 0)


def saved_state(database_url: str) -> tuple[int, str] | None:
    """Version and mode of the market's newest saved strategy state."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT version, mode FROM strategy_state WHERE exchange = 'extended' AND symbol = %s "
            "ORDER BY version DESC LIMIT 1",
            (SYMBOL,),
        ).fetchone()
    return None if row is None else (int(row[0]), str(row[1]))


async def a_stored_proposal(database_url: str, log_dir: Path) -> str:
    """A sound proposal over the params in force, with its reasoning file intact; its id."""
    engine = create_engine_for(database_url)
    try:
        current = await PostgresParamRolloutStore(engine).current("extended", SYMBOL)
        assert current is not None
        proposal_id = uuid.uuid4().hex
        receipt = await FileReasoningSink(log_dir).write(reasoning_record(symbol=SYMBOL, proposal_id=proposal_id))
        now_ms = round(time.time() * 1000)
        await PostgresParamProposalStore(engine).create(
            StoredProposal(
                id=proposal_id,
                exchange="extended",
                symbol=SYMBOL,
                window=WINDOW,
                status=ProposalStatus.PROPOSED,
                model="test",
                proposal=sound_proposal(current),
                reasoning_path=receipt.path,
                reasoning_sha256=receipt.sha256,
                reasoning_document=receipt.document,
                created_ts_ms=now_ms,
                updated_ts_ms=now_ms,
            )
        )
    finally:
        await engine.dispose()
    return proposal_id


async def rollout_history(database_url: str) -> list[RolloutRecord]:
    engine = create_engine_for(database_url)
    try:
        return await PostgresParamRolloutStore(engine).history("extended", SYMBOL)
    finally:
        await engine.dispose()


async def test_a_restart_after_a_gap_and_a_pause_starts_defensive_and_refuses_a_proposal(
    server: FakeExtendedServer, clean_database_url: str, tmp_path: Path
) -> None:
    quick = {"STRATEGY_PARAMS": json.dumps({**PARAMS, "calm_period_ms": 1_000}), "STATE_SAVE_INTERVAL_S": "0.5"}
    first = TradeProcess(server, clean_database_url, tmp_path / "first.log", **quick)
    await first.start()
    try:
        await until(lambda: (saved_state(clean_database_url) or (0, ""))[1] == "NORMAL", START_S, "a NORMAL state")
        assert server.faults.skip_sequence(3, kind=StreamKind.BBO) >= 1  # the next frame shows the gap
        await until(lambda: min(recorded_incidents(clean_database_url)) >= 1, RECORDED_S, "a recorded gap and PAUSE")
        paused_version = saved_state(clean_database_url)
        await until(
            lambda: (
                saved_state(clean_database_url) != paused_version
                and (saved_state(clean_database_url) or (0, ""))[1] == "NORMAL"
            ),
            RECORDED_S,
            "NORMAL again after the gap, saved",
        )
        first.kill()
        await first.process.wait()  # type: ignore[union-attr]
    finally:
        await first.ensure_gone()
    proposal_id = await a_stored_proposal(clean_database_url, tmp_path / "logs")
    second = TradeProcess(server, clean_database_url, tmp_path / "second.log", PROPOSAL_CHECK_INTERVAL_S="1", **quick)
    await second.start()
    try:
        history: list[RolloutRecord] = []

        async def decided() -> bool:
            history[:] = await rollout_history(clean_database_url)
            return any(record.proposal_id == proposal_id for record in history)

        deadline = time.monotonic() + START_S
        while not await decided():
            assert time.monotonic() < deadline, "timed out waiting for the second run to decide on the proposal"
            await asyncio.sleep(0.2)
        assert await second.terminate() == 0
    finally:
        await second.ensure_gone()
    [reconciled] = second.events("executor_reconciled")
    assert reconciled["restored_version"] >= 1  # a NORMAL state, resumed DEFENSIVE
    assert reconciled["mode"] == "DEFENSIVE"
    assert (reconciled["recalled_gaps"], reconciled["recalled_pauses"]) >= (1, 1)
    [decision] = [record for record in history if record.proposal_id == proposal_id]
    assert decision.action is RolloutAction.REJECTED
    assert decision.facts is not None
    assert decision.facts.data_gap_count >= 1
    assert decision.facts.pause_count >= 1
    assert any("market-data gaps" in reason for reason in decision.reasons)
    assert all("recent" in reason for reason in decision.reasons), decision.reasons

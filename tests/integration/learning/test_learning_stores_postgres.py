"""The learning loop's new rows on real Postgres: window outcomes, reasoning documents, shadow figures in mm status."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from mm.adapters.postgres.engine import create_engine_for
from mm.adapters.postgres.param_proposal_store import PostgresParamProposalStore
from mm.adapters.postgres.param_rollout_store import PostgresParamRolloutStore
from mm.adapters.postgres.reflection_outcome_store import PostgresReflectionOutcomeStore
from mm.domain.proposal import ProposalStatus, StoredProposal
from mm.domain.reflection_outcome import WindowDecision, WindowOutcome
from mm.domain.rollout import RolloutAction, RolloutRecord
from mm.domain.shadow_backtest import ShadowComparison, ShadowFigures
from tests.integration.status.seeding import seed_market
from tests.reflection_data import REASONING_DOCUMENT, REASONING_SHA256, WINDOW, sound_proposal
from tests.unique_keys import a_symbol, an_id

pytestmark = pytest.mark.integration

SHADOW = ShadowComparison(
    ShadowFigures(WINDOW.start_ms, WINDOW.end_ms, 12, Decimal("0.25"), Decimal("0.01"), -1.5),
    ShadowFigures(WINDOW.start_ms, WINDOW.end_ms, 20, Decimal("-0.75"), Decimal("0.02"), None),
)


async def test_a_windows_outcome_is_stored_once_and_read_back(shared_db_engine: AsyncEngine) -> None:
    store, symbol = PostgresReflectionOutcomeStore(shared_db_engine), a_symbol()
    first = WindowDecision("extended", symbol, WINDOW, WindowOutcome.NO_CHANGE, WINDOW.end_ms + 65_000)
    second = WindowDecision("extended", symbol, WINDOW, WindowOutcome.REJECTED, WINDOW.end_ms + 99_000, reasons=("x",))
    stored = [await store.record(first), await store.record(second)]
    assert (stored, await store.get("extended", symbol, WINDOW)) == ([True, False], first)


async def test_a_proposal_keeps_its_reasoning_document_byte_for_byte(shared_db_engine: AsyncEngine) -> None:
    store, proposal_id = PostgresParamProposalStore(shared_db_engine), an_id("p")
    await store.create(
        StoredProposal(
            id=proposal_id,
            exchange="extended",
            symbol=a_symbol(),
            window=WINDOW,
            status=ProposalStatus.PROPOSED,
            model="test",
            proposal=sound_proposal(),
            reasoning_path="elsewhere/llm-reflection-x.json",
            reasoning_sha256=REASONING_SHA256,
            reasoning_document=REASONING_DOCUMENT,
            created_ts_ms=WINDOW.end_ms,
            updated_ts_ms=WINDOW.end_ms,
        )
    )
    read = await store.get(proposal_id)
    assert read is not None
    assert (read.reasoning_document, read.reasoning_problem()) == (REASONING_DOCUMENT, None)


async def test_a_rollouts_shadow_figures_are_stored_and_read_back(shared_db_engine: AsyncEngine) -> None:
    store, symbol = PostgresParamRolloutStore(shared_db_engine), a_symbol()
    record = RolloutRecord(
        "extended", symbol, WINDOW.end_ms, RolloutAction.REJECTED, None, 1, None, ("worse",), None, SHADOW
    )
    await store.record(record)
    assert await store.history("extended", symbol) == [record]


async def _record_rejection(database_url: str, exchange: str, symbol: str) -> None:
    engine = create_engine_for(database_url)
    try:
        await PostgresParamRolloutStore(engine).record(
            RolloutRecord(
                exchange, symbol, WINDOW.end_ms, RolloutAction.REJECTED, None, 1, None, ("worse",), None, SHADOW
            )
        )
    finally:
        await engine.dispose()


def test_mm_status_shows_both_shadow_figures_of_the_last_rollout(tmp_path: Path, database_url: str) -> None:
    exchange, symbol = an_id("shadow"), a_symbol()
    seed_market(database_url, exchange, symbol)
    asyncio.run(_record_rejection(database_url, exchange, symbol))
    base = {k: v for k, v in os.environ.items() if not k.startswith(("EXTENDED_", "SYMBOL", "DATABASE_URL"))}
    env = {**base, "MM_HOME": str(tmp_path), "DATABASE_URL": database_url, "EXCHANGE": exchange, "COLUMNS": "200"}
    as_json, as_table = (
        subprocess.run(
            [sys.executable, "-m", "mm.apps.cli", "status", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        for args in (["--json"], [])
    )
    (market,) = json.loads(as_json.stdout)["markets"]
    rollout = market["last_rollout"]
    assert (rollout["shadow_current"]["mtm_pnl"], rollout["shadow_proposed"]["mtm_pnl"]) == ("0.25", "-0.75")
    assert "current mtm PnL 0.25 (12 fills), proposed -0.75 (20 fills)" in as_table.stdout

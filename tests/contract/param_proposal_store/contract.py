"""What every `ParamProposalStore` must do, whatever stores the proposals."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import replace

import pytest

from mm.domain.param_gate import Comparison, ParamChange, ParamProposal, RollbackCondition
from mm.domain.proposal import ProposalStatus, StoredProposal
from mm.domain.reflection_window import HOUR_MS, ReflectionWindow
from mm.ports.errors import RecordNotFound, StoreConflict
from mm.ports.param_proposal_store import ParamProposalStore
from tests.unique_keys import a_symbol

HOUR_0_MS = 1_767_225_600_000  # 2026-01-01T00:00Z


def window(hour: int) -> ReflectionWindow:
    return ReflectionWindow(HOUR_0_MS + hour * HOUR_MS, HOUR_0_MS + (hour + 1) * HOUR_MS)


def stored_proposal(symbol: str, hour: int = 0, **overrides: object) -> StoredProposal:
    created_ms = window(hour).end_ms + 60_000
    values: dict[str, object] = {
        "id": uuid.uuid4().hex,
        "exchange": "extended",
        "symbol": symbol,
        "window": window(hour),
        "status": ProposalStatus.PROPOSED,
        "model": "offline:rules",
        "proposal": ParamProposal(
            changes=(
                ParamChange("base_half_spread_bps", 2.2, "markouts are negative"),
                ParamChange("refresh_interval_ms", 5500, "fewer cancels"),
            ),
            rollback_conditions=(RollbackCondition("mean_markout_10s_bps", Comparison.BELOW, -2.5),),
            rationale="adverse selection",
            base_version=3,
        ),
        "reasoning_path": f"/logs/llm/llm-reflection-extended-{symbol}-x.json",
        "reasoning_sha256": "ab" * 32,
        "created_ts_ms": created_ms,
        "updated_ts_ms": created_ms,
    }
    values.update(overrides)
    return StoredProposal(**values)  # type: ignore[arg-type]


class ParamProposalStoreContract:
    """Subclasses provide a `store` fixture."""

    @pytest.fixture
    def symbol(self) -> str:
        return a_symbol()

    async def test_a_created_proposal_reads_back_equal(self, store: ParamProposalStore, symbol: str) -> None:
        proposal = stored_proposal(symbol)
        await store.create(proposal)
        assert await store.get(proposal.id) == proposal

    async def test_a_proposal_without_base_version_reads_back_equal(
        self, store: ParamProposalStore, symbol: str
    ) -> None:
        proposal = stored_proposal(symbol)
        proposal = replace(proposal, proposal=replace(proposal.proposal, base_version=None))
        await store.create(proposal)
        assert await store.get(proposal.id) == proposal

    async def test_get_of_an_unknown_id_is_none(self, store: ParamProposalStore) -> None:
        assert await store.get("no-such-proposal") is None

    async def test_a_second_proposal_for_the_same_window_raises_store_conflict(
        self, store: ParamProposalStore, symbol: str
    ) -> None:
        await store.create(stored_proposal(symbol, hour=0))
        with pytest.raises(StoreConflict):
            await store.create(stored_proposal(symbol, hour=0))

    async def test_a_reused_id_raises_store_conflict(self, store: ParamProposalStore, symbol: str) -> None:
        first = stored_proposal(symbol, hour=0)
        await store.create(first)
        with pytest.raises(StoreConflict):
            await store.create(stored_proposal(symbol, hour=1, id=first.id))

    async def test_another_market_may_have_a_proposal_for_the_same_window(
        self, store: ParamProposalStore, symbol: str
    ) -> None:
        await store.create(stored_proposal(symbol, hour=0))
        await store.create(stored_proposal(symbol + "X", hour=0))
        assert await store.exists_for_window("extended", symbol + "X", window(0))

    async def test_of_two_concurrent_creates_for_one_window_exactly_one_wins(
        self, store: ParamProposalStore, symbol: str
    ) -> None:
        results = await asyncio.gather(
            store.create(stored_proposal(symbol, hour=0)),
            store.create(stored_proposal(symbol, hour=0)),
            return_exceptions=True,
        )
        assert sorted(type(r).__name__ for r in results) == ["NoneType", "StoreConflict"]

    async def test_exists_for_window_is_false_for_a_neighbouring_window(
        self, store: ParamProposalStore, symbol: str
    ) -> None:
        await store.create(stored_proposal(symbol, hour=0))
        assert not await store.exists_for_window("extended", symbol, window(1))

    async def test_exists_for_window_needs_both_ends_to_match(self, store: ParamProposalStore, symbol: str) -> None:
        await store.create(stored_proposal(symbol, hour=0))
        wider = ReflectionWindow(window(0).start_ms, window(1).end_ms)
        assert not await store.exists_for_window("extended", symbol, wider)

    async def test_recent_lists_the_latest_window_first(self, store: ParamProposalStore, symbol: str) -> None:
        for hour in (1, 3, 2):
            await store.create(stored_proposal(symbol, hour=hour))
        assert [p.window for p in await store.recent("extended", symbol)] == [window(3), window(2), window(1)]

    async def test_recent_stops_at_the_limit(self, store: ParamProposalStore, symbol: str) -> None:
        for hour in range(3):
            await store.create(stored_proposal(symbol, hour=hour))
        assert len(await store.recent("extended", symbol, limit=2)) == 2

    async def test_recent_filters_by_status(self, store: ParamProposalStore, symbol: str) -> None:
        applied = stored_proposal(symbol, hour=0)
        await store.create(applied)
        await store.create(stored_proposal(symbol, hour=1))
        await store.set_status(applied.id, ProposalStatus.APPLIED, ts_ms=applied.created_ts_ms + 1)
        found = await store.recent("extended", symbol, status=ProposalStatus.APPLIED)
        assert [p.id for p in found] == [applied.id]

    async def test_set_status_moves_the_proposal_and_stamps_the_time(
        self, store: ParamProposalStore, symbol: str
    ) -> None:
        proposal = stored_proposal(symbol)
        await store.create(proposal)
        updated = await store.set_status(proposal.id, ProposalStatus.APPLIED, ts_ms=proposal.created_ts_ms + 5_000)
        assert (updated.status, updated.updated_ts_ms) == (ProposalStatus.APPLIED, proposal.created_ts_ms + 5_000)

    async def test_a_status_change_is_visible_to_get(self, store: ParamProposalStore, symbol: str) -> None:
        proposal = stored_proposal(symbol)
        await store.create(proposal)
        updated = await store.set_status(proposal.id, ProposalStatus.REJECTED, ts_ms=proposal.created_ts_ms + 1)
        assert await store.get(proposal.id) == updated

    async def test_an_illegal_status_change_raises_store_conflict(self, store: ParamProposalStore, symbol: str) -> None:
        proposal = stored_proposal(symbol)
        await store.create(proposal)
        await store.set_status(proposal.id, ProposalStatus.REJECTED, ts_ms=proposal.created_ts_ms + 1)
        with pytest.raises(StoreConflict):
            await store.set_status(proposal.id, ProposalStatus.APPLIED, ts_ms=proposal.created_ts_ms + 2)

    async def test_of_two_concurrent_appliers_exactly_one_wins(self, store: ParamProposalStore, symbol: str) -> None:
        proposal = stored_proposal(symbol)
        await store.create(proposal)
        results = await asyncio.gather(
            store.set_status(proposal.id, ProposalStatus.APPLIED, ts_ms=proposal.created_ts_ms + 1),
            store.set_status(proposal.id, ProposalStatus.APPLIED, ts_ms=proposal.created_ts_ms + 1),
            return_exceptions=True,
        )
        assert sum(isinstance(r, StoreConflict) for r in results) == 1

    async def test_set_status_of_an_unknown_id_raises_record_not_found(self, store: ParamProposalStore) -> None:
        with pytest.raises(RecordNotFound):
            await store.set_status("no-such-proposal", ProposalStatus.APPLIED, ts_ms=HOUR_0_MS)

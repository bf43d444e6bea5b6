"""What every `StrategyStateStore` must do, whatever stores it."""

from __future__ import annotations

import asyncio

import pytest

from mm.domain.mode import Mode
from mm.domain.strategy_snapshot import StrategySnapshot
from mm.ports.errors import StoreConflict
from mm.ports.strategy_state_store import StrategyStateStore
from tests.unique_keys import a_symbol


def snapshot(symbol: str, version: int, mode: Mode = Mode.NORMAL, **detail: object) -> StrategySnapshot:
    return StrategySnapshot(
        exchange="extended",
        symbol=symbol,
        mode=mode,
        params_version=3,
        saved_ts_ms=1_700_000_000_000 + version,
        version=version,
        mode_reasons=("calm",),
        detail=dict(detail),
    )


class StrategyStateStoreContract:
    """Subclasses provide a `store` fixture."""

    @pytest.fixture
    def symbol(self) -> str:
        return a_symbol()

    async def test_load_latest_is_none_for_an_unknown_market(self, store: StrategyStateStore, symbol: str) -> None:
        assert await store.load_latest("extended", symbol) is None

    async def test_a_saved_snapshot_loads_back_equal(self, store: StrategyStateStore, symbol: str) -> None:
        saved = snapshot(symbol, 1, Mode.DEFENSIVE, owned_orders=["mm-b-1"], calm_since_ts_ms=5)
        await store.save(saved)
        assert await store.load_latest("extended", symbol) == saved

    async def test_load_latest_returns_the_highest_version(self, store: StrategyStateStore, symbol: str) -> None:
        for version in (1, 2, 3):
            await store.save(snapshot(symbol, version, Mode.PAUSE if version == 3 else Mode.NORMAL))
        latest = await store.load_latest("extended", symbol)
        assert latest is not None
        assert (latest.version, latest.mode) == (3, Mode.PAUSE)

    async def test_saving_a_stale_version_raises_store_conflict(self, store: StrategyStateStore, symbol: str) -> None:
        await store.save(snapshot(symbol, 1))
        await store.save(snapshot(symbol, 2))
        with pytest.raises(StoreConflict):
            await store.save(snapshot(symbol, 2))

    async def test_skipping_a_version_raises_store_conflict(self, store: StrategyStateStore, symbol: str) -> None:
        with pytest.raises(StoreConflict):
            await store.save(snapshot(symbol, 2))

    async def test_markets_are_independent(self, store: StrategyStateStore, symbol: str) -> None:
        await store.save(snapshot(symbol, 1))
        await store.save(snapshot(symbol + "X", 1))
        latest = await store.load_latest("extended", symbol + "X")
        assert latest is not None
        assert latest.version == 1

    async def test_of_two_concurrent_writers_of_one_version_exactly_one_wins(
        self, store: StrategyStateStore, symbol: str
    ) -> None:
        await store.save(snapshot(symbol, 1))
        results = await asyncio.gather(
            store.save(snapshot(symbol, 2, owner="a")),
            store.save(snapshot(symbol, 2, owner="b")),
            return_exceptions=True,
        )
        assert sum(isinstance(r, StoreConflict) for r in results) == 1
        assert sum(r is None for r in results) == 1

"""The strategy state saver: newest snapshot first, one save at a time."""

from __future__ import annotations

import asyncio

from mm.adapters.memory.strategy_state_store import InMemoryStrategyStateStore
from mm.adapters.observability.prometheus import PrometheusMetrics
from mm.domain.strategy_snapshot import StrategySnapshot
from mm.usecases.trading.executor_metrics import ExecutorMetrics
from mm.usecases.trading.state_saver import StateSaver

from .engine_examples import START_MS, an_engine


class SlowStateStore(InMemoryStrategyStateStore):
    """Holds each save until `release` is set, as a database in the middle of a write does."""

    def __init__(self) -> None:
        super().__init__()
        self.release = asyncio.Event()

    async def save(self, snapshot: StrategySnapshot) -> None:
        await self.release.wait()
        await super().save(snapshot)


async def test_a_final_save_beside_one_in_flight_is_numbered_after_it() -> None:
    """The shutdown's final save must not conflict with the periodic save still running (a conflict is fatal)."""
    store = SlowStateStore()
    saver = StateSaver(store, ExecutorMetrics(PrometheusMetrics()))
    engine = an_engine()
    in_flight = asyncio.create_task(saver.save(engine, engine.state_snapshot(START_MS)))
    await asyncio.sleep(0)  # the periodic save is now waiting on the database
    final = asyncio.create_task(saver.save(engine, engine.state_snapshot(START_MS + 1_000)))
    await asyncio.sleep(0)
    store.release.set()
    await asyncio.gather(in_flight, final)
    latest = await store.load_latest(engine.config.exchange, engine.config.symbol)
    assert latest is not None
    assert (latest.version, engine.saved_version) == (2, 2)

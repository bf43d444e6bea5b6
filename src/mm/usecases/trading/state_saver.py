"""Saves each engine's `strategy_state` off the tick's path, newest snapshot first, one save at a time.

The engine asks for a save every few seconds (`PersistState`); a save still running when the next
request comes is not queued twice: only the newest snapshot per market is kept. A store that is
away is retried with the next request; a version conflict means another executor owns the market,
which is fatal. One save runs at a time: the executor's final save at shutdown waits for the one in
flight, so it numbers its snapshot after it instead of conflicting with it.
"""

from __future__ import annotations

import asyncio
import dataclasses

import structlog

from mm.domain.strategy_snapshot import StrategySnapshot
from mm.ports.errors import RetryableError
from mm.ports.strategy_state_store import StrategyStateStore
from mm.usecases.trading.executor_metrics import ExecutorMetrics
from mm.usecases.trading.quote_engine import QuoteEngine

_log = structlog.get_logger(__name__)


class StateSaver:
    def __init__(self, store: StrategyStateStore, metrics: ExecutorMetrics) -> None:
        self._store = store
        self._metrics = metrics
        self._pending: dict[str, tuple[QuoteEngine, StrategySnapshot]] = {}
        self._wake = asyncio.Event()
        self._saving = asyncio.Lock()

    def submit(self, engine: QuoteEngine, snapshot: StrategySnapshot) -> None:
        self._pending[engine.config.symbol] = (engine, snapshot)
        self._wake.set()

    async def run(self) -> None:
        """Save what is submitted until cancelled; raises `StoreConflict` (another owner) at once."""
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._pending:
                symbol = next(iter(self._pending))
                engine, snapshot = self._pending.pop(symbol)
                try:
                    await self.save(engine, snapshot)
                except RetryableError as error:
                    self._metrics.state_saves.inc(outcome="failed")
                    _log.warning("strategy_state_save_failed", symbol=symbol, error=str(error))

    async def save(self, engine: QuoteEngine, snapshot: StrategySnapshot) -> None:
        """Save `snapshot` as the version after the engine's last saved one, and tell the engine."""
        async with self._saving:
            numbered = dataclasses.replace(snapshot, version=engine.saved_version + 1)
            await self._store.save(numbered)
            engine.on_state_saved(numbered.version)
        self._metrics.state_saves.inc(outcome="saved")

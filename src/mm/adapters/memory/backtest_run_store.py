"""`BacktestRunStore` in memory: for notebooks and unit tests, with the same ids-from-1 rule as Postgres."""

from __future__ import annotations

import dataclasses

from mm.domain.backtest_run import BacktestRunRecord
from mm.ports.errors import RecordNotFound


class InMemoryBacktestRunStore:
    def __init__(self) -> None:
        self._runs: dict[int, BacktestRunRecord] = {}

    async def save(self, run: BacktestRunRecord) -> int:
        run_id = len(self._runs) + 1
        self._runs[run_id] = dataclasses.replace(run, run_id=run_id)
        return run_id

    async def get(self, run_id: int) -> BacktestRunRecord:
        run = self._runs.get(run_id)
        if run is None:
            raise RecordNotFound(f"no backtest run {run_id}")
        return run

    def records(self) -> list[BacktestRunRecord]:
        """Every stored run, oldest first (for the in-memory sweep store's listing)."""
        return list(self._runs.values())

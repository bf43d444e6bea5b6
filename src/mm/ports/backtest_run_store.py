"""Where finished backtests are kept, with their parameters, fills and mode timeline."""

from __future__ import annotations

from typing import Protocol

from mm.domain.backtest_run import BacktestRunRecord


class BacktestRunStore(Protocol):
    async def save(self, run: BacktestRunRecord) -> int:
        """Store a run (its `run_id` is ignored) with its fills and mode changes; return the new run's id."""
        ...

    async def get(self, run_id: int) -> BacktestRunRecord:
        """The stored run with its fills and mode changes; raises `RecordNotFound` for an unknown id."""
        ...

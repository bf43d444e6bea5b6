"""Where sweeps of backtests are kept: which runs each sweep holds, and the key of every run that has one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from mm.domain.backtest_sweep import StoredRunSummary, SweepMember


class BacktestSweepStore(Protocol):
    async def create_sweep(self, name: str, config: Mapping[str, Any]) -> int:
        """Start a sweep; return its id."""
        ...

    async def run_id_for_key(self, run_key: str) -> int | None:
        """The stored run with this key (equal data, params, settings and engine), if any."""
        ...

    async def remember_key(self, run_key: str, run_id: int) -> None:
        """Record that `run_id` is the run of `run_key`; a key already taken keeps its first run."""
        ...

    async def add_member(self, member: SweepMember) -> None:
        """Put a stored run in a sweep (again: no change)."""
        ...

    async def members(self, sweep_id: int) -> list[SweepMember]:
        """The sweep's runs in the order they were added; raises `RecordNotFound` for an unknown sweep."""
        ...

    async def list_runs(self, *, sweep_id: int | None = None, limit: int = 50) -> list[StoredRunSummary]:
        """The newest stored runs first (those of one sweep, when given), at most `limit`."""
        ...

"""`BacktestSweepStore` in memory, over an in-memory run store: for notebooks that keep nothing, and tests."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mm.adapters.memory.backtest_run_store import InMemoryBacktestRunStore
from mm.domain.backtest_sweep import StoredRunSummary, SweepMember
from mm.ports.errors import RecordNotFound


class InMemoryBacktestSweepStore:
    def __init__(self, runs: InMemoryBacktestRunStore) -> None:
        self._runs = runs
        self._sweeps: dict[int, tuple[str, dict[str, Any]]] = {}
        self._members: list[SweepMember] = []
        self._keys: dict[str, int] = {}

    @property
    def run_store(self) -> InMemoryBacktestRunStore:
        """The run store whose runs this store's sweeps hold."""
        return self._runs

    async def create_sweep(self, name: str, config: Mapping[str, Any]) -> int:
        sweep_id = len(self._sweeps) + 1
        self._sweeps[sweep_id] = (name, dict(config))
        return sweep_id

    async def run_id_for_key(self, run_key: str) -> int | None:
        return self._keys.get(run_key)

    async def remember_key(self, run_key: str, run_id: int) -> None:
        self._keys.setdefault(run_key, run_id)

    async def add_member(self, member: SweepMember) -> None:
        if not any((m.sweep_id, m.run_id) == (member.sweep_id, member.run_id) for m in self._members):
            self._members.append(member)

    async def members(self, sweep_id: int) -> list[SweepMember]:
        if sweep_id not in self._sweeps:
            raise RecordNotFound(f"no backtest sweep {sweep_id}")
        found = [member for member in self._members if member.sweep_id == sweep_id]
        return sorted(found, key=lambda m: (m.trial is not None, m.trial or 0, m.run_id))

    async def list_runs(self, *, sweep_id: int | None = None, limit: int = 50) -> list[StoredRunSummary]:
        summaries = []
        for record in reversed(self._runs.records()):
            sweeps = tuple(sorted(m.sweep_id for m in self._members if m.run_id == record.run_id))
            if sweep_id is not None and sweep_id not in sweeps:
                continue
            summaries.append(StoredRunSummary.of(record, sweeps))
        return summaries[:limit]

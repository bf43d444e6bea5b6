"""A sweep from jobs to stored runs: skip the runs already stored, run the rest, keep every run with the sweep.

The runs come back in job order whatever order the workers finished in, so a sweep's table is the
same on one core, on a pool or on a cluster.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import structlog

from mm.apps.backtest.sweep.jobs import DataSet, SweepJob, run_key
from mm.apps.backtest.sweep.runners import JobRunner
from mm.domain.backtest_run import BacktestRunRecord
from mm.domain.backtest_sweep import StoredRunSummary, SweepMember
from mm.ports.backtest_run_store import BacktestRunStore
from mm.ports.backtest_sweep_store import BacktestSweepStore

_log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class SweepRun:
    """One job's stored run; `is_reused` when an equal run was stored before and not recomputed."""

    job: SweepJob
    run_id: int
    is_reused: bool
    summary: Mapping[str, Any]
    params: Mapping[str, Any]


class Sweeper:
    """Runs jobs on a runner and keeps them in the run and sweep stores."""

    def __init__(
        self,
        *,
        runs: BacktestRunStore,
        sweeps: BacktestSweepStore,
        runner: JobRunner,
        data_identity: Callable[[DataSet], Awaitable[str]],
        engine_version: str,
    ) -> None:
        self._runs = runs
        self._sweeps = sweeps
        self._runner = runner
        self._data_identity = data_identity
        self._engine_version = engine_version

    async def start(self, name: str, config: Mapping[str, Any]) -> int:
        return await self._sweeps.create_sweep(name, config)

    async def run(self, sweep_id: int, jobs: Sequence[SweepJob]) -> list[SweepRun]:
        """Every job's run, in job order: reused when stored, else computed and stored, all added to the sweep."""
        identities = {dataset: await self._data_identity(dataset) for dataset in _unique(job.dataset for job in jobs)}
        keys = {job.index: run_key(job, identities[job.dataset], self._engine_version) for job in jobs}
        run_ids: dict[int, tuple[int, bool]] = {}
        to_run: list[SweepJob] = []
        for job in jobs:
            stored = await self._sweeps.run_id_for_key(keys[job.index])
            if stored is None:
                to_run.append(job)
            else:
                run_ids[job.index] = (stored, True)
                await self._add(sweep_id, job, stored)
        # Stored in job order whatever order they finish in, so equal sweeps number their runs alike.
        finished: dict[int, BacktestRunRecord] = {}
        next_to_store = 0
        async for job, record in self._runner.run(to_run):
            finished[job.index] = record
            while next_to_store < len(to_run) and to_run[next_to_store].index in finished:
                ready = to_run[next_to_store]
                run_id = await self._runs.save(finished.pop(ready.index))
                await self._sweeps.remember_key(keys[ready.index], run_id)
                run_ids[ready.index] = (run_id, False)
                await self._add(sweep_id, ready, run_id)
                next_to_store += 1
        _log.info("sweep_finished", sweep_id=sweep_id, runs=len(jobs), reused=len(jobs) - len(to_run))
        held = len(await self._sweeps.members(sweep_id))  # runs of earlier batches (a search) included
        listed = {summary.run_id: summary for summary in await self._sweeps.list_runs(sweep_id=sweep_id, limit=held)}
        return [self._sweep_run(job, *run_ids[job.index], listed) for job in jobs]

    async def _add(self, sweep_id: int, job: SweepJob, run_id: int) -> None:
        await self._sweeps.add_member(SweepMember(sweep_id, run_id, job.split, job.trial))

    @staticmethod
    def _sweep_run(job: SweepJob, run_id: int, is_reused: bool, listed: Mapping[int, StoredRunSummary]) -> SweepRun:
        stored = listed[run_id]
        return SweepRun(job, run_id, is_reused, stored.summary, stored.params)


def _unique(datasets: Iterable[DataSet]) -> list[DataSet]:
    return list(dict.fromkeys(datasets))

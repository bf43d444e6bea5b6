"""Where a sweep's jobs run: in this process one after another, or on a pool of worker processes.

Each runner yields (job, record) as runs finish, so the sweeper stores every run as soon as it is
done: a sweep stopped half-way keeps its finished runs, and running it again computes only the rest.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections.abc import AsyncIterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Protocol

from mm.apps.backtest.sweep.jobs import SweepJob
from mm.apps.backtest.sweep.worker import run_job
from mm.domain.backtest_run import BacktestRunRecord


class JobRunner(Protocol):
    @property
    def workers(self) -> int: ...

    def run(self, jobs: Sequence[SweepJob]) -> AsyncIterator[tuple[SweepJob, BacktestRunRecord]]:
        """Run every job, yielding each with its record as it finishes (in any order)."""
        ...


def default_workers() -> int:
    """Every core this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class InProcessRunner:
    """One job after another in this process: the sequential baseline, and a pool of one."""

    workers = 1

    async def run(self, jobs: Sequence[SweepJob]) -> AsyncIterator[tuple[SweepJob, BacktestRunRecord]]:
        for job in jobs:  # in a thread: loading a data set runs its own event loop
            yield job, await asyncio.to_thread(run_job, job)


class ProcessPoolRunner:
    """Jobs on `workers` processes forked from this one (each inherits the data sets already loaded here)."""

    def __init__(self, workers: int) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers}")
        self._workers = workers

    @property
    def workers(self) -> int:
        return self._workers

    async def run(self, jobs: Sequence[SweepJob]) -> AsyncIterator[tuple[SweepJob, BacktestRunRecord]]:
        if not jobs:
            return
        loop = asyncio.get_running_loop()
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=min(self._workers, len(jobs)), mp_context=context) as pool:
            pending = {asyncio.ensure_future(loop.run_in_executor(pool, run_job, job)): job for job in jobs}
            while pending:
                done, _ = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                for future in sorted(done, key=lambda f: pending[f].index):
                    job = pending.pop(future)
                    yield job, future.result()


def runner_for(workers: int | None) -> JobRunner:
    """A pool of `workers` processes (default: every core); one worker runs in this process."""
    count = workers if workers is not None else default_workers()
    return InProcessRunner() if count == 1 else ProcessPoolRunner(count)

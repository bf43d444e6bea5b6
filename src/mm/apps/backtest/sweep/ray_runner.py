"""Sweep jobs on a Ray cluster (`--ray auto` joins a running one, an address a remote one; `local`
starts one in this process). Needs the `ray` extra; each job is one remote task running the pool's
own worker function, so a Ray sweep gives the pool's results."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from typing import Any

from mm.apps.backtest.sweep.jobs import SweepJob
from mm.apps.backtest.sweep.runners import default_workers
from mm.apps.backtest.sweep.worker import run_job
from mm.domain.backtest_run import BacktestRunRecord


class RayUnavailable(RuntimeError):
    """`--ray` was asked for but the `ray` package is not installed."""


def _ray() -> Any:
    try:
        import ray
    except ImportError as error:
        raise RayUnavailable("--ray needs Ray: pip install 'mm[ray]'") from error
    return ray


class RayRunner:
    """Runs each job as a Ray task; `address` "local" starts a private cluster of `workers` CPUs."""

    def __init__(self, address: str, *, workers: int | None = None) -> None:
        self._ray = _ray()
        self._address = address
        self._workers = workers

    @property
    def workers(self) -> int:
        if self._ray.is_initialized():
            return int(self._ray.cluster_resources().get("CPU", 1))
        return self._workers or default_workers()

    def _connect(self) -> None:
        if self._ray.is_initialized():
            return
        if self._address == "local":
            self._ray.init(num_cpus=self._workers or default_workers(), include_dashboard=False, log_to_driver=False)
        else:
            self._ray.init(address=self._address, log_to_driver=False)

    async def run(self, jobs: Sequence[SweepJob]) -> AsyncIterator[tuple[SweepJob, BacktestRunRecord]]:
        if not jobs:
            return
        self._connect()
        remote = self._ray.remote(num_cpus=1)(run_job)
        pending = {remote.remote(job): job for job in jobs}
        while pending:
            done, _ = await asyncio.to_thread(self._ray.wait, list(pending), num_returns=1)
            for ref in done:
                job = pending.pop(ref)
                yield job, await asyncio.to_thread(self._ray.get, ref)

"""A parameter search with Optuna: trials asked in fixed-size batches, run as a sweep, told back in order.

The study lives in the project's Postgres (Optuna's RDB storage), so a stopped search resumes and
several machines can share one study. The sampler is reseeded from `--seed` and the number of
finished trials before every batch, and the batch size does not depend on the number of workers:
the same search gives the same trials, and the same best parameters, on one core, on many, or
resumed half-way. Runs already stored (a resumed study's, or equal params) are reused, not rerun.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import optuna
from optuna.distributions import BaseDistribution, CategoricalDistribution, FloatDistribution, IntDistribution
from optuna.trial import FrozenTrial, TrialState

from mm.adapters.postgres.optuna_storage import optuna_storage
from mm.apps.backtest.sweep.jobs import SweepJob
from mm.apps.backtest.sweep.objectives import objective_value
from mm.apps.backtest.sweep.plan import SweepPlan
from mm.apps.backtest.sweep.runners import JobRunner
from mm.apps.backtest.sweep.session import SweepOutcome, plan_config, sweeper
from mm.apps.backtest.sweep.sweeper import Sweeper, SweepRun
from mm.domain.backtest_sweep import Split
from mm.domain.param_grid import GridAxis
from mm.ports.backtest_run_store import BacktestRunStore
from mm.ports.backtest_sweep_store import BacktestSweepStore

BATCH_TRIALS = 4
"""Trials asked before any is told: the pool's parallelism, fixed so results do not depend on the core count."""


@dataclass(frozen=True, slots=True)
class SearchSettings:
    objective: str
    trials: int
    space: tuple[GridAxis, ...]
    database_url: str
    min_fills: int = 0
    seed: int = 0
    study_name: str | None = None
    name: str | None = None


def search_settings(args: argparse.Namespace, database_url: str) -> SearchSettings:
    if not args.grid:
        raise ValueError("--optimize needs the search space: --grid NAME=LOW,HIGH (a range) or NAME=A,B,C (choices)")
    return SearchSettings(
        objective=args.optimize,
        trials=args.trials,
        space=tuple(args.grid),
        database_url=database_url,
        min_fills=args.min_fills,
        seed=args.seed,
        study_name=args.study,
        name=args.name,
    )


def distribution(axis: GridAxis) -> BaseDistribution:
    """Two numbers are a range (integers stay integers); anything else is a set of choices."""
    values = axis.values
    if len(values) == 2 and all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        low, high = sorted(values)
        if all(isinstance(v, int) for v in values):
            return IntDistribution(int(low), int(high))
        return FloatDistribution(float(low), float(high))
    return CategoricalDistribution(list(values))


def study_name_for(plan: SweepPlan, settings: SearchSettings, engine: str) -> str:
    """A name derived from everything that defines the search, so running it again resumes it."""
    described = {
        "objective": settings.objective,
        "min_fills": settings.min_fills,
        "seed": settings.seed,
        "space": {axis.name: list(axis.values) for axis in settings.space},
        "config": plan_config(plan, {}),
        "spec": repr(plan.base_spec),
        "engine": engine,
    }
    digest = hashlib.sha256(json.dumps(described, sort_keys=True, default=str).encode()).hexdigest()[:12]
    return f"mm-{settings.objective}-{digest}"


async def run_search(
    plan: SweepPlan,
    settings: SearchSettings,
    *,
    runs: BacktestRunStore,
    sweeps: BacktestSweepStore,
    runner: JobRunner,
) -> SweepOutcome:
    """Run trials until the study holds `settings.trials` finished ones; all of them are in the new sweep."""
    sweep = sweeper(runs, sweeps, runner)
    space = {axis.name: distribution(axis) for axis in settings.space}
    config = plan_config(plan, {"kind": "search", "objective": settings.objective, "trials": settings.trials})
    study_name = settings.study_name or study_name_for(plan, settings, config["engine_version"])
    storage = await asyncio.to_thread(optuna_storage, settings.database_url)
    study = await asyncio.to_thread(
        optuna.create_study, study_name=study_name, storage=storage, direction="maximize", load_if_exists=True
    )
    sweep_id = await sweep.start(settings.name or f"search {study_name}", {**config, "study": study_name})
    await asyncio.to_thread(_fail_unfinished, study)
    search = _Search(study, plan, settings, sweep, sweep_id)
    await search.replay_finished()
    while (finished := search.finished_count()) < settings.trials:
        await search.batch(min(BATCH_TRIALS, settings.trials - finished), space)
    best = _best(study)
    return SweepOutcome(
        sweep_id,
        search.runs,
        best_params=best.params if best is not None else None,
        best_value=best.value if best is not None else None,
        importances=await asyncio.to_thread(_importances, study),
    )


class _Search:
    def __init__(self, study: optuna.Study, plan: SweepPlan, settings: SearchSettings, sweep: Sweeper, sweep_id: int):
        self._study = study
        self._plan = plan
        self._settings = settings
        self._sweep = sweep
        self._sweep_id = sweep_id
        self.runs: list[SweepRun] = []
        self._next_index = 0

    def finished_count(self) -> int:
        states = (TrialState.COMPLETE, TrialState.FAIL)
        return len(self._study.get_trials(deepcopy=False, states=states))

    async def replay_finished(self) -> None:
        """Put the runs of trials finished before (a resumed study) in this sweep: stored runs, reused."""
        done = self._study.get_trials(deepcopy=False, states=(TrialState.COMPLETE, TrialState.FAIL))
        jobs = [job for trial in done for job in self._jobs(trial.params, trial.number)]
        self.runs.extend(await self._sweep.run(self._sweep_id, jobs))

    async def batch(self, size: int, space: Mapping[str, BaseDistribution]) -> None:
        self._study.sampler = optuna.samplers.TPESampler(seed=self._settings.seed + self.finished_count())
        trials = [self._study.ask(dict(space)) for _ in range(size)]
        jobs = [job for trial in trials for job in self._jobs(trial.params, trial.number)]
        done = await self._sweep.run(self._sweep_id, jobs)
        self.runs.extend(done)
        for trial in trials:
            train = _mean_objective(done, trial.number, Split.TRAIN if self._plan.splits else None, self._settings)
            test = _mean_objective(done, trial.number, Split.TEST, self._settings) if self._plan.splits else None
            trial.set_user_attr("test_objective", test)
            if train is None:
                self._study.tell(trial, state=TrialState.FAIL)
            else:
                self._study.tell(trial, train)

    def _jobs(self, params: Mapping[str, Any], trial: int) -> list[SweepJob]:
        jobs = self._plan.jobs([params], first_index=self._next_index, trial=trial)
        self._next_index += len(jobs)
        return jobs


def _mean_objective(
    runs: Sequence[SweepRun], trial: int, split: Split | None, settings: SearchSettings
) -> float | None:
    """The objective averaged over the data sets on one side; None when any set has none (too few fills)."""
    values = [
        objective_value(settings.objective, run.summary, settings.min_fills)
        for run in runs
        if run.job.trial == trial and run.job.split is split
    ]
    if not values or any(value is None for value in values):
        return None
    return sum(v for v in values if v is not None) / len(values)


def _fail_unfinished(study: optuna.Study) -> None:
    """Trials a stopped search asked and never told are closed as failed (their runs were not all stored)."""
    for trial in study.get_trials(deepcopy=False, states=(TrialState.RUNNING, TrialState.WAITING)):
        study.tell(trial.number, state=TrialState.FAIL)


def _best(study: optuna.Study) -> FrozenTrial | None:
    complete = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    return max(complete, key=lambda t: (t.value, -t.number)) if complete else None


def _importances(study: optuna.Study) -> dict[str, float] | None:
    """fANOVA importances of the parameters; None while the study is too small to say."""
    try:
        return dict(optuna.importance.get_param_importances(study))
    except (ValueError, RuntimeError):
        return None

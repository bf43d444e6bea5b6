"""The Optuna search on the shipped slice: the study kept in Postgres, resumable, deterministic."""

from __future__ import annotations

from decimal import Decimal

import optuna
import pytest

from mm.adapters.memory.backtest_run_store import InMemoryBacktestRunStore
from mm.adapters.memory.backtest_sweep_store import InMemoryBacktestSweepStore
from mm.adapters.postgres.optuna_storage import optuna_storage
from mm.apps.backtest.run_options import backtest_params
from mm.apps.backtest.shipped_slice import SHIPPED_EXCHANGE, SHIPPED_SYMBOL, shipped_prefix
from mm.apps.backtest.sweep.jobs import DataSet
from mm.apps.backtest.sweep.plan import SweepPlan
from mm.apps.backtest.sweep.runners import InProcessRunner
from mm.apps.backtest.sweep.search import SearchSettings, run_search
from mm.apps.backtest.sweep.session import SweepOutcome
from mm.domain.param_grid import GridAxis
from mm.usecases.backtest.backtest import BacktestSpec, FillModelKind
from tests.unique_keys import an_id

pytestmark = pytest.mark.integration

PLAN = SweepPlan(
    datasets=(DataSet(SHIPPED_EXCHANGE, SHIPPED_SYMBOL, prefix=shipped_prefix()),),
    base_spec=BacktestSpec("-", "-", backtest_params(), fill_model=FillModelKind.TOUCH, maker_fee_rate=Decimal(0)),
)
SPACE = (GridAxis("base_half_spread_bps", (0.3, 3.0)), GridAxis("inventory_skew_bps", (1, 8)))


async def _search(url: str, study: str, trials: int, store: InMemoryBacktestSweepStore | None = None) -> SweepOutcome:
    """`store`: keep the runs (and their keys) of an earlier search."""
    sweeps = store or InMemoryBacktestSweepStore(InMemoryBacktestRunStore())
    settings = SearchSettings("marked_pnl", trials, SPACE, url, min_fills=1, seed=7, study_name=study)
    return await run_search(PLAN, settings, runs=sweeps.run_store, sweeps=sweeps, runner=InProcessRunner())


def _trial_params(url: str, study: str) -> list[dict[str, object]]:
    loaded = optuna.load_study(study_name=study, storage=optuna_storage(url))
    return [trial.params for trial in loaded.get_trials()]


async def test_the_same_search_twice_gives_the_same_best_params(clean_database_url: str) -> None:
    first = await _search(clean_database_url, an_id("study"), trials=5)
    second = await _search(clean_database_url, an_id("study"), trials=5)

    assert first.best_params is not None
    assert second.best_params == first.best_params
    assert [run.params for run in second.runs] == [run.params for run in first.runs]


async def test_a_stopped_search_resumes_its_study(clean_database_url: str) -> None:
    study = an_id("study")
    runs = InMemoryBacktestSweepStore(InMemoryBacktestRunStore())
    await _search(clean_database_url, study, trials=3, store=runs)
    before = _trial_params(clean_database_url, study)

    resumed = await _search(clean_database_url, study, trials=5, store=runs)

    after = _trial_params(clean_database_url, study)
    assert len(after) == 5
    assert after[:3] == before
    assert sum(run.is_reused for run in resumed.runs) == 3  # the first three trials' runs are not recomputed


async def test_a_finished_search_runs_nothing_again(clean_database_url: str) -> None:
    study = an_id("study")
    runs = InMemoryBacktestSweepStore(InMemoryBacktestRunStore())
    first = await _search(clean_database_url, study, trials=2, store=runs)

    again = await _search(clean_database_url, study, trials=2, store=runs)

    assert all(run.is_reused for run in again.runs)
    assert again.best_params == first.best_params

"""A sweep's plan: the data sets, the base spec, the time split; it turns parameter points into jobs.

Jobs are numbered in a fixed order (trial, point, data set, split), so equal plans give equal job
lists and equal tables.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mm.apps.backtest.sweep.jobs import DataSet, SweepJob, TimeSplit, split_spec
from mm.domain.backtest_sweep import Split
from mm.domain.params import params_with_overrides
from mm.usecases.backtest.backtest import BacktestSpec
from mm.usecases.trading.engine_config import EngineConfig


class BadPoint(ValueError):
    """A parameter point names an unknown parameter or a value out of its bounds."""


@dataclass(frozen=True, slots=True)
class SweepPlan:
    """`base_spec` holds every setting but the market (taken from each data set) and the swept parameters."""

    datasets: tuple[DataSet, ...]
    base_spec: BacktestSpec
    splits: TimeSplit | None = None
    engine_config: EngineConfig | None = None

    def __post_init__(self) -> None:
        if not self.datasets:
            raise ValueError("a sweep needs at least one data set")

    @property
    def split_sides(self) -> tuple[Split | None, ...]:
        return (Split.TRAIN, Split.TEST) if self.splits is not None else (None,)

    def jobs(
        self,
        points: Sequence[Mapping[str, Any]],
        *,
        first_index: int = 0,
        trial: int | None = None,
        sides: Sequence[Split | None] | None = None,
    ) -> list[SweepJob]:
        """One job per point, data set and split side, numbered from `first_index`."""
        jobs: list[SweepJob] = []
        for point in points:
            params = self._params(point)
            for dataset in self.datasets:
                for side in sides if sides is not None else self.split_sides:
                    spec = dataclasses.replace(
                        self.base_spec, exchange=dataset.exchange, symbol=dataset.symbol, params=params
                    )
                    jobs.append(
                        SweepJob(
                            index=first_index + len(jobs),
                            dataset=dataset,
                            spec=split_spec(spec, self.splits, side),
                            point=dict(point),
                            engine_config=self._engine_config(dataset),
                            split=side,
                            trial=trial,
                        )
                    )
        return jobs

    def _params(self, point: Mapping[str, Any]) -> Any:
        try:
            return params_with_overrides(self.base_spec.params.to_mapping(), point)
        except (ValueError, TypeError) as error:
            raise BadPoint(str(error)) from error

    def _engine_config(self, dataset: DataSet) -> EngineConfig | None:
        if self.engine_config is None:
            return None
        return dataclasses.replace(self.engine_config, exchange=dataset.exchange, symbol=dataset.symbol)

"""One sweep job: which data, which spec, and where it sits in the sweep (grid point, split, trial).

Jobs are plain picklable values, so a process pool or a Ray worker can run them anywhere.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mm.domain.backtest_sweep import Split
from mm.usecases.backtest.backtest import BacktestSpec
from mm.usecases.trading.engine_config import EngineConfig


@dataclass(frozen=True, slots=True)
class DataSet:
    """Recorded data to replay: a CSV prefix, or md_* rows of a market between two instants.

    `database_url` is only set for a database range; it is never shown (`label` leaves it out).
    """

    exchange: str
    symbol: str
    prefix: Path | None = None
    database_url: str | None = field(default=None, repr=False)
    start_ms: int | None = None
    end_ms: int | None = None

    def __post_init__(self) -> None:
        if (self.prefix is None) == (self.database_url is None):
            raise ValueError("a data set is either a file prefix or a database range")

    @property
    def label(self) -> str:
        if self.prefix is not None:
            return f"file:{self.prefix}"
        return f"db:{self.exchange}:{self.symbol}:{self.start_ms or ''}-{self.end_ms or ''}"


@dataclass(frozen=True, slots=True)
class TimeSplit:
    """The train and test spans of every data set (epoch ms, [start, end))."""

    train: tuple[int | None, int | None]
    test: tuple[int | None, int | None]

    def span(self, split: Split) -> tuple[int | None, int | None]:
        return self.train if split is Split.TRAIN else self.test


@dataclass(frozen=True, slots=True)
class SweepJob:
    """Replay `dataset` with `spec`; `index` is the job's place in the sweep (results come back in that order)."""

    index: int
    dataset: DataSet
    spec: BacktestSpec
    point: Mapping[str, Any]
    engine_config: EngineConfig | None = None
    split: Split | None = None
    trial: int | None = None


def split_spec(spec: BacktestSpec, splits: TimeSplit | None, split: Split | None) -> BacktestSpec:
    """The spec narrowed to one side of the time split (the whole data when there is none)."""
    if splits is None or split is None:
        return spec
    start_ms, end_ms = splits.span(split)
    return dataclasses.replace(spec, start_ms=start_ms, end_ms=end_ms)


def run_key(job: SweepJob, data_identity: str, engine_version: str) -> str:
    """A digest of everything that decides the run's result: the data, the spec and the engine's code."""
    spec = job.spec
    described = {
        "data": data_identity,
        "engine": engine_version,
        "params": dict(spec.params.to_mapping()),
        "spec": {f.name: repr(getattr(spec, f.name)) for f in dataclasses.fields(spec) if f.name != "params"},
        "engine_config": repr(job.engine_config),
    }
    return hashlib.sha256(json.dumps(described, sort_keys=True, default=str).encode()).hexdigest()

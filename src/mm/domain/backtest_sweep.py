"""A sweep of backtests as it is stored: its runs, each with its split and trial, and the listing row of a run. No I/O."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from mm.domain.backtest_run import BacktestRunRecord


class Split(StrEnum):
    """Which side of a time split a run replayed: fitted on `train`, checked on `test`."""

    TRAIN = "train"
    TEST = "test"


@dataclass(frozen=True, slots=True)
class SweepMember:
    """A run's place in a sweep: the split it replayed (None: the whole data) and its search trial."""

    sweep_id: int
    run_id: int
    split: Split | None = None
    trial: int | None = None


@dataclass(frozen=True, slots=True)
class StoredRunSummary:
    """A stored run without its fills: what `mm backtest runs` lists and `compare` lines up."""

    run_id: int
    created_ts_ms: int
    exchange: str
    symbol: str
    start_ms: int
    end_ms: int
    data_source: str
    params: Mapping[str, Any]
    settings: Mapping[str, Any]
    summary: Mapping[str, Any]
    sweep_ids: tuple[int, ...] = ()

    @classmethod
    def of(cls, record: BacktestRunRecord, sweep_ids: tuple[int, ...] = ()) -> StoredRunSummary:
        """The listing row of a stored run (it has its id once stored)."""
        if record.run_id is None:
            raise ValueError("a run summary is of a stored run: this record has no run id")
        return cls(
            run_id=record.run_id,
            created_ts_ms=record.created_ts_ms or 0,
            exchange=record.exchange,
            symbol=record.symbol,
            start_ms=record.start_ms,
            end_ms=record.end_ms,
            data_source=record.data_source,
            params=record.params,
            settings=record.settings,
            summary=record.summary,
            sweep_ids=sweep_ids,
        )

"""A sweep of backtests as it is stored: its runs, each with its split and trial, and the listing row of a run. No I/O."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


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

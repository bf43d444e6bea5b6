"""The venue a backtest replays into: the simulated exchange with the fill model the spec names."""

from __future__ import annotations

from mm.adapters.sim import QueuePositionFillModel, SimulatedExchange, TouchFillModel
from mm.adapters.sim.fill_models import FillModel
from mm.domain.instrument import Instrument
from mm.usecases.backtest.backtest import BacktestSpec, FillModelKind


def fill_model_for(spec: BacktestSpec) -> FillModel:
    if spec.fill_model is FillModelKind.QUEUE:
        return QueuePositionFillModel(partial_fills=spec.partial_fills)
    return TouchFillModel()


def simulated_venue(instrument: Instrument, spec: BacktestSpec, start_ms: int) -> SimulatedExchange:
    """A fresh simulated exchange for one run: the spec's fill model, maker fee and order latency."""
    return SimulatedExchange(
        instrument,
        fill_model=fill_model_for(spec),
        maker_fee_rate=spec.maker_fee_rate,
        order_latency_ms=spec.order_latency_ms,
        start_ts_ms=start_ms,
    )

"""The `ReplayVenue` contract for `SimulatedExchange`, the only venue a backtest replays into, under each fill model."""

from __future__ import annotations

from decimal import Decimal

import pytest

from mm.adapters.sim import FillModel, QueuePositionFillModel, SimulatedExchange, TouchFillModel
from tests.contract.replay_venue.contract import INSTRUMENT, LATENCY_MS, START_MS, ReplayVenueContract


@pytest.mark.contract
class TestSimulatedExchange(ReplayVenueContract):
    @pytest.fixture(params=[TouchFillModel, QueuePositionFillModel], ids=["touch", "queue"])
    def fill_model(self, request: pytest.FixtureRequest) -> FillModel:
        model: FillModel = request.param()
        return model

    @pytest.fixture
    def venue(self, fill_model: FillModel) -> SimulatedExchange:
        return SimulatedExchange(
            INSTRUMENT,
            fill_model=fill_model,
            maker_fee_rate=Decimal("0.0002"),
            order_latency_ms=LATENCY_MS,
            start_ts_ms=START_MS,
        )

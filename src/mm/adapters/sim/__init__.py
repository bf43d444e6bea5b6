"""The simulated exchange: our orders matched against recorded market data, for backtests and paper trading."""

from mm.adapters.sim.account_stream import SimulatedAccountStream
from mm.adapters.sim.exchange import SimulatedExchange
from mm.adapters.sim.fill_models import FillModel, QueuePositionFillModel, TouchFillModel
from mm.adapters.sim.gateway import SimulatedExchangeGateway

__all__ = [
    "FillModel",
    "QueuePositionFillModel",
    "SimulatedAccountStream",
    "SimulatedExchange",
    "SimulatedExchangeGateway",
    "TouchFillModel",
]

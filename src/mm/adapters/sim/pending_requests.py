"""Requests on their way to the simulated venue: they take effect after the order-entry latency."""

from __future__ import annotations

from dataclasses import dataclass

from mm.adapters.sim.sim_order import SimOrder
from mm.domain.value import value


@value
class PendingPlace:
    """A placement; with `previous_client_order_id`, an atomic replace of that order."""

    arrival_ts_ms: int
    order: SimOrder
    previous_client_order_id: str | None = None


@value
class PendingCancel:
    arrival_ts_ms: int
    client_order_id: str


@dataclass(frozen=True, slots=True)
class PendingCancelAll:
    arrival_ts_ms: int


PendingRequest = PendingPlace | PendingCancel | PendingCancelAll

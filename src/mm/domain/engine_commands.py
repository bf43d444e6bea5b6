"""What the quote engine asks its driver to do: order requests, account reads, saving its state, logging. No I/O.

The live executor sends order commands through the trading gateway and reports each outcome back
to the engine; the backtest hands them to the simulated exchange. Both see exactly these values,
so a venue rule such as "read the open orders back after a cancel-all" is the engine's, not a driver's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mm.domain.decision_record import DecisionRecord
from mm.domain.orders import OrderRequest
from mm.domain.pre_trade_check import OrderRefusal
from mm.domain.strategy_snapshot import StrategySnapshot
from mm.domain.value import value


@value(frozen=True)
class PlaceOrder:
    request: OrderRequest


@value(frozen=True)
class ReplaceOrder:
    """Atomically swap `previous_client_order_id` for `request` (one request, not cancel plus new)."""

    previous_client_order_id: str
    request: OrderRequest


@value(frozen=True)
class CancelOrder:
    symbol: str
    client_order_id: str


@dataclass(frozen=True, slots=True)
class CancelAll:
    """Cancel every open order of ours in `symbol`: PAUSE's one command."""

    symbol: str


@dataclass(frozen=True, slots=True)
class ResyncAccount:
    """Read the venue's open orders and position in `symbol`; feed the answer back as `AccountResynced`.

    The engine asks for it once a cancel-all is answered: PAUSE learns from the venue's own list,
    not only from the stream, that nothing of ours is open. A read that fails proves nothing and
    is dropped; the PAUSE guard re-sends the cancel-all.
    """

    symbol: str


@dataclass(frozen=True, slots=True)
class PersistState:
    """Save this snapshot; report success with `QuoteEngine.on_state_saved` so versions stay in step."""

    snapshot: StrategySnapshot


@dataclass(frozen=True, slots=True)
class RecordDecision:
    record: DecisionRecord


@dataclass(frozen=True, slots=True)
class ReportRefusal:
    """The pre-trade check refused an order the plan wanted: count it and log it; nothing was sent."""

    symbol: str
    refusal: OrderRefusal


OrderCommand = PlaceOrder | ReplaceOrder | CancelOrder | CancelAll
EngineCommand = (
    PlaceOrder | ReplaceOrder | CancelOrder | CancelAll | ResyncAccount | PersistState | RecordDecision | ReportRefusal
)


def describe_command(command: OrderCommand) -> dict[str, Any]:
    """A JSON-ready summary of an order command, for the decision log."""
    if isinstance(command, PlaceOrder | ReplaceOrder):
        request = command.request
        summary: dict[str, Any] = {
            "kind": "place" if isinstance(command, PlaceOrder) else "replace",
            "client_order_id": request.client_order_id,
            "side": request.side.value,
            "price": str(request.price),
            "size": str(request.size),
        }
        if isinstance(command, ReplaceOrder):
            summary["previous_client_order_id"] = command.previous_client_order_id
        return summary
    if isinstance(command, CancelOrder):
        return {"kind": "cancel", "client_order_id": command.client_order_id}
    return {"kind": "cancel_all"}

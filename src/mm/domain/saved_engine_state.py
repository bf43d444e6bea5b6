"""What the quote engine saves to survive a restart, and how it reads it back. No I/O.

Saved: the mode with its timers (a restart resumes DEFENSIVE from it: `ModeState.resumed`), the
orders whose plan we own (a restart keeps those the venue still holds and cancels every other open
order) and the client-order-id counter (so no id is ever reused).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from mm.domain.mode import Mode, ModeReason, ModeState
from mm.domain.own_orders import OwnOrder, own_order_from_json
from mm.domain.strategy_snapshot import StrategySnapshot

_MODE_REASONS = {reason.value: reason for reason in ModeReason}


@dataclass(frozen=True, slots=True)
class SavedEngineState:
    mode_state: ModeState
    orders: tuple[OwnOrder, ...]
    next_client_order_seq: int


def to_snapshot(
    state: SavedEngineState, *, exchange: str, symbol: str, params_version: int, now_ms: int, version: int
) -> StrategySnapshot:
    mode_state = state.mode_state
    detail: dict[str, Any] = {
        "mode_since_ts_ms": mode_state.since_ts_ms,
        "calm_since_ts_ms": mode_state.calm_since_ts_ms,
        "next_client_order_seq": state.next_client_order_seq,
        "orders": [order.to_json() for order in state.orders if not order.is_foreign],
    }
    return StrategySnapshot(
        exchange=exchange,
        symbol=symbol,
        mode=mode_state.mode,
        params_version=params_version,
        saved_ts_ms=now_ms,
        version=version,
        mode_reasons=tuple(reason.value for reason in mode_state.reasons),
        detail=detail,
    )


def from_snapshot(snapshot: StrategySnapshot, tick_size: Decimal, step_size: Decimal) -> SavedEngineState:
    """Read a saved state back; raises ValueError (or KeyError) when the detail is malformed."""
    detail = snapshot.detail
    since = detail.get("mode_since_ts_ms", snapshot.saved_ts_ms)
    calm_since = detail.get("calm_since_ts_ms")
    mode_state = ModeState(
        mode=Mode(snapshot.mode),
        since_ts_ms=int(since),
        calm_since_ts_ms=int(calm_since) if calm_since is not None else None,
        reasons=tuple(_MODE_REASONS[r] for r in snapshot.mode_reasons if r in _MODE_REASONS),
    )
    orders = tuple(own_order_from_json(item, tick_size, step_size) for item in detail.get("orders", ()))
    return SavedEngineState(mode_state, orders, int(detail.get("next_client_order_seq", 1)))

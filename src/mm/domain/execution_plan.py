"""The execution planner: desired quotes plus our own orders in, the fewest order requests out. No I/O.

Rules, per side:
- a working order within `price_tolerance_bps` of the desired price, of the desired size and
  younger than `refresh_interval_ms` is kept;
- any other working order is moved with one atomic replace, never cancel plus new;
- an order on a side that wants none, a surplus order, an order of unknown state and an order we
  did not plan are cancelled;
- nothing is placed or replaced on a side with a request still in flight or an order of unknown
  state, so a side never carries two live orders;
- at most `budget` requests go out, cancels first (they only lower risk), then replaces, then places.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from mm.domain.own_orders import OrderPhase, OwnOrder
from mm.domain.quoting import DesiredQuote
from mm.domain.side import Side
from mm.domain.value import value

_BPS = 10_000


@dataclass(frozen=True, slots=True)
class PlanPolicy:
    refresh_interval_ms: int
    price_tolerance_bps: float

    def __post_init__(self) -> None:
        if self.refresh_interval_ms <= 0 or self.price_tolerance_bps < 0:
            raise ValueError("refresh interval must be positive and price tolerance non-negative")


@value(frozen=True)
class PlaceIntent:
    quote: DesiredQuote


@value(frozen=True)
class ReplaceIntent:
    order: OwnOrder
    quote: DesiredQuote


@value(frozen=True)
class CancelIntent:
    order: OwnOrder


OrderIntent = CancelIntent | ReplaceIntent | PlaceIntent


@value(frozen=True)
class OrderPlan:
    """The requests to send now, in sending order, and how many the budget held back."""

    intents: tuple[OrderIntent, ...]
    deferred: int = 0


EMPTY_PLAN = OrderPlan(())


def plan_orders(
    bid: DesiredQuote | None,
    ask: DesiredQuote | None,
    orders: Iterable[OwnOrder],
    *,
    now_ms: int,
    policy: PlanPolicy,
    budget: int,
) -> OrderPlan:
    """Plan the requests that make our resting orders match `bid` and `ask` (None: no order there)."""
    bids: list[OwnOrder] = []
    asks: list[OwnOrder] = []
    for order in orders:
        (bids if order.side is Side.BUY else asks).append(order)
    if not bids and not asks and bid is None and ask is None:
        return EMPTY_PLAN
    cancels: list[OrderIntent] = []
    moves: list[OrderIntent] = []
    _plan_side(bid, bids, now_ms, policy, cancels=cancels, moves=moves)
    _plan_side(ask, asks, now_ms, policy, cancels=cancels, moves=moves)
    if not cancels and not moves:
        return EMPTY_PLAN
    # Replaces before places: moving a resting quote keeps the book two-sided; a place can wait.
    moves.sort(key=lambda intent: isinstance(intent, PlaceIntent))
    wanted = cancels + moves
    allowed = max(0, budget)
    return OrderPlan(tuple(wanted[:allowed]), max(0, len(wanted) - allowed))


def _plan_side(
    desired: DesiredQuote | None,
    orders: list[OwnOrder],
    now_ms: int,
    policy: PlanPolicy,
    *,
    cancels: list[OrderIntent],
    moves: list[OrderIntent],
) -> None:
    """Append this side's cancels and its one replace or place, if any."""
    is_busy = False
    working: list[OwnOrder] = []
    for order in orders:
        phase = order.phase
        if phase is OrderPhase.WORKING:
            if order.is_foreign:
                cancels.append(CancelIntent(order))
                is_busy = True
            else:
                working.append(order)
        elif phase is OrderPhase.UNKNOWN:
            # Cancelling by client id settles the doubt: either it closes or the venue says unknown.
            cancels.append(CancelIntent(order))
            is_busy = True
        else:
            is_busy = True
    keeper = _keeper(desired, working)
    for order in working:
        if order is not keeper:
            cancels.append(CancelIntent(order))
    if desired is None or is_busy:
        return
    if keeper is None:
        if not working:
            moves.append(PlaceIntent(desired))
        return
    if not _is_keepable(keeper, desired, now_ms, policy):
        moves.append(ReplaceIntent(keeper, desired))


def _keeper(desired: DesiredQuote | None, working: list[OwnOrder]) -> OwnOrder | None:
    """The one working order to keep on this side: the closest in price to the desired one, then the newest."""
    if desired is None or not working:
        return None
    if len(working) == 1:
        return working[0]
    target = desired.price_ticks
    return min(working, key=lambda order: (abs(order.price_ticks - target), -order.sent_ts_ms))


def _is_keepable(order: OwnOrder, desired: DesiredQuote, now_ms: int, policy: PlanPolicy) -> bool:
    if order.size_steps != desired.size_steps:
        return False
    if now_ms - order.sent_ts_ms >= policy.refresh_interval_ms:
        return False
    # |Δticks| / ticks is the relative price distance, so this is |Δprice| / price ≤ tolerance.
    return abs(order.price_ticks - desired.price_ticks) * _BPS <= policy.price_tolerance_bps * desired.price_ticks

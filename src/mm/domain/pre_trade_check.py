"""The pre-trade check: no place or replace may price an order far from mark and index. No I/O.

The last line of defence against an order priced from an outlier, whatever let it through (a bad
frame, a bug in the quoter, a fat-fingered parameter): before the engine issues a plan, every
place and replace is compared with the reference prices, and one farther than
`max_order_deviation_bps` from all of them is refused, as a fat-finger check before submit does.
References are the fresh mark and index prices; without either, the mid of the book the
price-sanity guard trusts; without that, nothing can vouch for a price and the order is refused.
Cancels are never checked: they only lower risk.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from enum import StrEnum

from mm.domain.execution_plan import CancelIntent, OrderIntent, OrderPlan
from mm.domain.params import StrategyParams
from mm.domain.side import Side
from mm.domain.snapshot import MarketSnapshot
from mm.domain.value import value

_BPS = 1e4


class RefusalReason(StrEnum):
    FAR_FROM_REFERENCE = "far_from_reference"
    NO_REFERENCE = "no_reference"


@value(frozen=True)
class OrderRefusal:
    """An order the check refused: its side and price, the nearest reference and the distance in bps."""

    side: Side
    price: Decimal
    reason: RefusalReason
    reference_px: float | None
    deviation_bps: float | None


def reference_prices(snapshot: MarketSnapshot, params: StrategyParams, trusted_mid: float | None) -> tuple[float, ...]:
    """The fresh, positive, finite mark and index prices; else the trusted mid; else none."""
    oldest_ok_ts_ms = snapshot.now_ts_ms - params.mark_index_stale_after_ms
    references = tuple(
        price
        for price, ts_ms in ((snapshot.mark_px, snapshot.mark_ts_ms), (snapshot.index_px, snapshot.index_ts_ms))
        if price is not None and ts_ms is not None and ts_ms >= oldest_ok_ts_ms and 0.0 < price < math.inf
    )
    if references:
        return references
    return (trusted_mid,) if trusted_mid is not None and 0.0 < trusted_mid < math.inf else ()


def check_price(
    side: Side, price: Decimal, references: Sequence[float], max_deviation_bps: float
) -> OrderRefusal | None:
    """None when `price` lies within `max_deviation_bps` of the nearest reference, else the refusal."""
    if not references:
        return OrderRefusal(side, price, RefusalReason.NO_REFERENCE, None, None)
    px = float(price)
    nearest = min(references, key=lambda reference: abs(px - reference))
    deviation_bps = abs(px - nearest) / nearest * _BPS
    if deviation_bps <= max_deviation_bps:
        return None
    return OrderRefusal(side, price, RefusalReason.FAR_FROM_REFERENCE, nearest, deviation_bps)


def screen_plan(
    plan: OrderPlan, references: Sequence[float], max_deviation_bps: float
) -> tuple[OrderPlan, tuple[OrderRefusal, ...]]:
    """The plan without the places and replaces the check refuses, and the refusals.

    A refused replace leaves its order resting as it is: the next tick plans again.
    """
    kept: list[OrderIntent] = []
    refusals: list[OrderRefusal] = []
    for intent in plan.intents:
        if isinstance(intent, CancelIntent):
            kept.append(intent)
            continue
        quote = intent.quote
        refusal = check_price(quote.side, quote.price, references, max_deviation_bps)
        if refusal is None:
            kept.append(intent)
        else:
            refusals.append(refusal)
    if not refusals:
        return plan, ()
    return OrderPlan(tuple(kept), plan.deferred), tuple(refusals)

"""Where a market maker's PnL came from: spread capture, inventory, fees and funding. No I/O.

Marked to mid, the PnL of a run splits exactly (an Abel summation of the cash flows) into
- spread capture: each fill against the mid at the fill, `side * (mid_at_fill - price) * size`;
- inventory PnL: the held position times each mid move between fills and to the final mid;
- fees: minus the fees paid (a rebate counts positive);
- funding: minus the funding paid on the held position (positive: received).
The four parts sum to `cash + position * final_mid - fees + funding` to the last digit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from mm.domain.side import Side
from mm.domain.value import value


@value(frozen=True)
class AttributedFill:
    """A fill as attribution needs it; `mid` None (one-sided book) counts the fill at its own price."""

    ts_ms: int
    side: Side
    price: Decimal
    size: Decimal
    fee: Decimal
    mid: Decimal | None


@value(frozen=True)
class FundingPayment:
    """Funding settled at `ts_ms`: a long pays `rate * mark_px` per base unit (a negative rate pays shorts)."""

    ts_ms: int
    rate: Decimal
    mark_px: Decimal


@dataclass(frozen=True, slots=True)
class PnlAttribution:
    """The four parts of a run's marked PnL (quote currency) and their sum."""

    spread_capture: Decimal
    inventory_pnl: Decimal
    fees: Decimal
    funding: Decimal

    @property
    def total(self) -> Decimal:
        return self.spread_capture + self.inventory_pnl + self.fees + self.funding

    def to_mapping(self) -> dict[str, str]:
        """JSON-ready, exact amounts as strings."""
        return {
            "spread_capture": str(self.spread_capture),
            "inventory_pnl": str(self.inventory_pnl),
            "fees": str(self.fees),
            "funding": str(self.funding),
            "total": str(self.total),
        }


def funding_paid(position: Decimal, payment: FundingPayment) -> Decimal:
    """What `position` pays at one funding settlement (negative: receives)."""
    return position * payment.rate * payment.mark_px


def attribute_pnl(
    fills: Sequence[AttributedFill],
    final_mid: Decimal | None,
    funding: Sequence[FundingPayment] = (),
) -> PnlAttribution:
    """Split the marked PnL of `fills` (in time order) held until `final_mid`.

    Without a final mid the position is marked at the last fill's mid (or price): inventory PnL
    then stops there. Funding charges the position held at each payment's time (fills at the same
    instant count as done before it).
    """
    spread = fees = funding_total = inventory = Decimal(0)
    position = Decimal(0)
    last_mid: Decimal | None = None
    payments = sorted(funding, key=lambda payment: payment.ts_ms)
    next_payment = 0
    for fill in fills:
        while next_payment < len(payments) and payments[next_payment].ts_ms < fill.ts_ms:
            funding_total -= funding_paid(position, payments[next_payment])
            next_payment += 1
        mid = fill.mid if fill.mid is not None else fill.price
        if last_mid is not None:
            inventory += position * (mid - last_mid)
        signed = fill.size if fill.side is Side.BUY else -fill.size
        spread += signed * (mid - fill.price)
        fees -= fill.fee
        position += signed
        last_mid = mid
    for payment in payments[next_payment:]:
        funding_total -= funding_paid(position, payment)
    if last_mid is not None and final_mid is not None:
        inventory += position * (final_mid - last_mid)
    return PnlAttribution(spread, inventory, fees, funding_total)


def marked_pnl(
    fills: Sequence[AttributedFill], final_mid: Decimal | None, funding: Sequence[FundingPayment] = ()
) -> Decimal:
    """Cash plus the position at `final_mid`, fees and funding included: what the attribution must sum to."""
    cash = fees = Decimal(0)
    position = Decimal(0)
    last_mark: Decimal | None = None
    for fill in fills:
        signed = fill.size if fill.side is Side.BUY else -fill.size
        cash -= signed * fill.price
        fees += fill.fee
        position += signed
        last_mark = fill.mid if fill.mid is not None else fill.price
    mark = final_mid if final_mid is not None else last_mark
    total = cash - fees + (position * mark if mark is not None else Decimal(0))
    positions = _positions_at(fills, [payment.ts_ms for payment in funding])
    return total - sum(
        (funding_paid(held, payment) for held, payment in zip(positions, funding, strict=True)), Decimal(0)
    )


def _positions_at(fills: Sequence[AttributedFill], times_ms: Sequence[int]) -> list[Decimal]:
    """The position held at each time (fills at that very instant included)."""
    out: list[Decimal] = []
    for ts_ms in times_ms:
        held = Decimal(0)
        for fill in fills:
            if fill.ts_ms > ts_ms:
                break
            held += fill.size if fill.side is Side.BUY else -fill.size
        out.append(held)
    return out

"""A market's PnL since the start of the UTC day: realized, fees, and marked at a mid. Pure values, no I/O.

Realized PnL uses the average-cost method of `mm.domain.average_cost`, starting from the inventory held at
the day's start, so a position carried over midnight realizes against its real entry price. Marked PnL is
what the day added: realized PnL, plus the open position's value at the mid now, less its value at the mid
of the day's start, less fees, less the funding paid at each settlement of the day on the position held then.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from mm.domain.average_cost import CostBasis
from mm.domain.pnl_attribution import FundingPayment, funding_paid
from mm.domain.side import Side
from mm.domain.value import value

DAY_MS = 86_400_000

_ZERO = Decimal(0)


def day_start_ms(now_ms: int) -> int:
    """The epoch milliseconds of 00:00 UTC of the day that holds `now_ms`."""
    return now_ms - now_ms % DAY_MS


@value(frozen=True)
class FillAmount:
    """What PnL needs of one fill: its side, price, size and fee (positive when paid)."""

    side: Side
    price: Decimal
    size: Decimal
    fee: Decimal = _ZERO


@value(frozen=True)
class DayPnl:
    """PnL of the day in quote units, and the inventory held now.

    `unrealized_change` is the open positions' mark-to-mid now less at the day's start; None when a mid
    needed to value a held position is unknown, and so is `marked`. `funding` is what the day's settlements
    charged the position held at each (negative: received).
    """

    realized: Decimal
    fees: Decimal
    unrealized_change: Decimal | None
    basis: CostBasis
    funding: Decimal = _ZERO

    @property
    def marked(self) -> Decimal | None:
        """What the day made if the position were closed at the mid now, net of fees."""
        if self.unrealized_change is None:
            return None
        return self.realized + self.unrealized_change - self.fees - self.funding


def opening_basis(fills_before_day: Iterable[FillAmount]) -> CostBasis:
    """The inventory and entry price held at the day's start, from every earlier fill in time order."""
    basis = CostBasis()
    for fill in fills_before_day:
        basis, _ = basis.apply_fill(fill.side, fill.price, fill.size)
    return basis


@value(frozen=True)
class DayTally:
    """The day's fills folded so far onto the opening basis: the inventory they leave, realized PnL and fees.

    Adding fills in time order to a tally gives the same as folding them all at once, so a reader that polls
    can add only the fills it has not seen.
    """

    opening: CostBasis
    basis: CostBasis
    realized: Decimal = _ZERO
    fees: Decimal = _ZERO

    @classmethod
    def opened(cls, opening: CostBasis) -> DayTally:
        return cls(opening=opening, basis=opening)

    def add(self, fills: Iterable[FillAmount]) -> DayTally:
        """The tally with `fills` (in time order, after every fill already added) folded in."""
        basis = self.basis
        realized = self.realized
        fees = self.fees
        for fill in fills:
            basis, gained = basis.apply_fill(fill.side, fill.price, fill.size)
            realized += gained
            fees += fill.fee
        return DayTally(opening=self.opening, basis=basis, realized=realized, fees=fees)

    def marked(self, opening_mid: Decimal | None, mid: Decimal | None, funding: Decimal = _ZERO) -> DayPnl:
        """The day's PnL with both ends of the day marked: the opening at `opening_mid`, now at `mid`;
        `funding` is what the day's settlements charged (see `day_funding`)."""
        now_value = _unrealized(self.basis, mid)
        start_value = _unrealized(self.opening, opening_mid)
        change = None if now_value is None or start_value is None else now_value - start_value
        return DayPnl(
            realized=self.realized, fees=self.fees, unrealized_change=change, basis=self.basis, funding=funding
        )


@value(frozen=True)
class HeldAtSettlement:
    """A funding settlement of the day and the signed size the day's fills had moved the position by then
    (fills stamped at the settlement's instant count as done before it, as in the backtest's attribution)."""

    payment: FundingPayment
    moved_since_open: Decimal


def day_funding(opening_position: Decimal, settlements: Iterable[HeldAtSettlement]) -> Decimal:
    """What the day's settlements charged the position held at each (negative: received)."""
    total = _ZERO
    for settlement in settlements:
        total += funding_paid(opening_position + settlement.moved_since_open, settlement.payment)
    return total


def day_pnl(
    opening: CostBasis,
    opening_mid: Decimal | None,
    fills_today: Iterable[FillAmount],
    mid: Decimal | None,
) -> DayPnl:
    """Accumulate the day's fills (in time order) onto the opening basis and mark both ends of the day."""
    return DayTally.opened(opening).add(fills_today).marked(opening_mid, mid)


def _unrealized(basis: CostBasis, mid: Decimal | None) -> Decimal | None:
    if basis.avg_entry_px is None:
        return _ZERO
    if mid is None:
        return None
    return basis.position * (mid - basis.avg_entry_px)

"""What the summarizer knows about one of our fills: the fill as journaled, and its enrichment. No I/O.

`EnrichedFill` mirrors a `fills_enriched` row. Markouts are signed so that positive is good for us
and are None while their horizon has no usable mid (see `mm.domain.fill_enrichment`).
"""

from __future__ import annotations

from decimal import Decimal

from mm.domain.mode import Mode
from mm.domain.orders import Fill
from mm.domain.side import Side
from mm.domain.value import value

MARKOUT_HORIZONS_S = (1, 10, 60)
"""The horizons `fills_enriched` has columns for."""


@value(frozen=True)
class FillRecord:
    """One of our fills as the executor journaled it, with the strategy's mode and parameters then.

    `fee` is positive when paid, negative for a rebate.
    """

    exchange: str
    fill_id: str
    symbol: str
    ts_ms: int
    side: Side
    price: Decimal
    size: Decimal
    fee: Decimal
    mode: Mode | None = None
    params_version: int | None = None

    def __post_init__(self) -> None:
        if not self.fill_id:
            raise ValueError("fill_id must not be empty")
        if self.price <= 0:
            raise ValueError(f"price must be positive, got {self.price}")
        if self.size <= 0:
            raise ValueError(f"size must be positive, got {self.size}")

    @classmethod
    def of(cls, exchange: str, fill: Fill, mode: Mode | None = None, params_version: int | None = None) -> FillRecord:
        """Journal an exchange `Fill` (a live or simulated one) with its strategy context."""
        return cls(
            exchange=exchange,
            fill_id=fill.fill_id,
            symbol=fill.symbol,
            ts_ms=fill.ts_ms,
            side=fill.side,
            price=fill.price,
            size=fill.size,
            fee=fill.fee,
            mode=mode,
            params_version=params_version,
        )


@value(frozen=True)
class HorizonMarkout:
    """The markout at one horizon, in price units and in basis points of the fill price."""

    horizon_s: int
    price: Decimal
    bps: Decimal


@value(frozen=True)
class EnrichedFill:
    """A fill with the book at fill time and its markouts at 1 s, 10 s and 60 s (None: not yet known)."""

    fill: FillRecord
    mid_at_fill: Decimal | None
    spread_at_fill: Decimal | None
    markout_1s: HorizonMarkout | None
    markout_10s: HorizonMarkout | None
    markout_60s: HorizonMarkout | None

    @property
    def markouts(self) -> tuple[HorizonMarkout | None, HorizonMarkout | None, HorizonMarkout | None]:
        """The markouts in the order of `MARKOUT_HORIZONS_S`."""
        return (self.markout_1s, self.markout_10s, self.markout_60s)

    @property
    def is_complete(self) -> bool:
        """Every horizon has its markout: later runs need not revisit this fill."""
        return all(markout is not None for markout in self.markouts)

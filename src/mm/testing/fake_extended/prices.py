"""Mark and index prices derived from the replayed mid, since recordings carry neither.

mark = mid·(1 + mark_offset_bps/1e4), index = mid·(1 + index_offset_bps/1e4); a spike adds extra
basis points to the mark for a while, which is how tests provoke a mark/index divergence.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

BPS = Decimal(10_000)


@dataclass(frozen=True, slots=True)
class PriceDerivation:
    """How derived prices follow the mid. `min_interval_ms` throttles updates in market time (0 = every mid)."""

    mark_offset_bps: Decimal = Decimal("0.5")
    index_offset_bps: Decimal = Decimal("-0.5")
    min_interval_ms: int = 0
    decimals: int = 6

    def __post_init__(self) -> None:
        if self.min_interval_ms < 0:
            raise ValueError("min_interval_ms must not be negative")


@dataclass(frozen=True, slots=True)
class DerivedPrice:
    mark: Decimal
    index: Decimal


class DerivedPrices:
    """Stateful derivation: remembers the active spike and when prices last went out."""

    def __init__(self, derivation: PriceDerivation) -> None:
        self._derivation = derivation
        self._quantum = Decimal(1).scaleb(-derivation.decimals)
        self._spike_bps = Decimal(0)
        self._spike_until_ms: int | None = None
        self._last_ms: int | None = None
        self._is_forced = False

    def spike(self, extra_bps: Decimal, duration_ms: int, now_ms: int) -> None:
        """Push the mark `extra_bps` away from the index for `duration_ms` of market time."""
        self._spike_bps = extra_bps
        self._spike_until_ms = now_ms + duration_ms
        self._is_forced = True

    @property
    def spike_bps(self) -> Decimal:
        return self._spike_bps

    def derive(self, mid: Decimal, now_ms: int) -> DerivedPrice | None:
        """The prices to publish now, or None while throttled."""
        if self._spike_until_ms is not None and now_ms >= self._spike_until_ms:
            self._spike_bps, self._spike_until_ms, self._is_forced = Decimal(0), None, True
        interval = self._derivation.min_interval_ms
        if not self._is_forced and self._last_ms is not None and now_ms - self._last_ms < interval:
            return None
        self._last_ms, self._is_forced = now_ms, False
        mark_bps = self._derivation.mark_offset_bps + self._spike_bps
        return DerivedPrice(
            mark=(mid * (1 + mark_bps / BPS)).quantize(self._quantum),
            index=(mid * (1 + self._derivation.index_offset_bps / BPS)).quantize(self._quantum),
        )

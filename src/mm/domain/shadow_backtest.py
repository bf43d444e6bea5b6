"""A shadow backtest's figures for the params in force and for a proposal, and whether the proposal did worse. No I/O.

Before a proposal goes live, the executor replays the recent recorded market data through the
backtest engine twice, once per params set. The comparison is mark-to-market PnL over the replay
(fees included); equal results are not worse.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True, slots=True)
class ShadowFigures:
    """One replay's headline numbers over [start_ms, end_ms)."""

    start_ms: int
    end_ms: int
    fills: int
    mtm_pnl: Decimal
    fees: Decimal
    mean_markout_10s_bps: float | None

    def to_mapping(self) -> dict[str, Any]:
        return {
            "start_ms": self.start_ms,
            "end_ms": self.end_ms,
            "fills": self.fills,
            "mtm_pnl": str(self.mtm_pnl),
            "fees": str(self.fees),
            "mean_markout_10s_bps": self.mean_markout_10s_bps,
        }

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> ShadowFigures:
        markout = values.get("mean_markout_10s_bps")
        return cls(
            start_ms=int(values["start_ms"]),
            end_ms=int(values["end_ms"]),
            fills=int(values["fills"]),
            mtm_pnl=Decimal(str(values["mtm_pnl"])),
            fees=Decimal(str(values["fees"])),
            mean_markout_10s_bps=None if markout is None else float(markout),
        )


@dataclass(frozen=True, slots=True)
class ShadowComparison:
    current: ShadowFigures
    proposed: ShadowFigures

    @property
    def proposed_is_worse(self) -> bool:
        return self.proposed.mtm_pnl < self.current.mtm_pnl

    def describe(self) -> str:
        return (
            f"shadow backtest: proposed mtm PnL {self.proposed.mtm_pnl} ({self.proposed.fills} fills) "
            f"vs current {self.current.mtm_pnl} ({self.current.fills} fills)"
        )

"""What one reflection reads about a market, and which of it a prompt may show. No I/O.

A reflection reads the summarizer's own rows: the window's hourly `BucketSummary`s and its worst
`EnrichedFill`s. What a model may see of them is derived here, by pure functions, as numbers and
closed names only; a fill's id stays in the audit trail (the reasoning file), never in a prompt.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import Decimal

from mm.domain.bucket_summary import BucketSummary
from mm.domain.fill_summary import EnrichedFill, HorizonMarkout
from mm.domain.params import StrategyParams
from mm.domain.reflection_window import ReflectionWindow

_NOT_SHOWN = frozenset({"exchange", "symbol", "width", "position_end", "avg_entry_px_end"})
SHOWN_BUCKET_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(BucketSummary) if f.name not in _NOT_SHOWN)
"""A bucket's numbers a reflection shows: all but the market's name, the width and the carried cost basis."""

BucketFigures = dict[str, Decimal | int | None]
FillFigures = dict[str, Decimal | int | str | None]


@dataclass(frozen=True, slots=True)
class ReflectionInput:
    """Everything a proposal for one market and window is based on; `params` are those in force.

    `summaries` are the window's hourly buckets, oldest first; `worst_fills` its fills with the
    lowest 10 s markout, worst first.
    """

    exchange: str
    symbol: str
    window: ReflectionWindow
    summaries: tuple[BucketSummary, ...]
    worst_fills: tuple[EnrichedFill, ...]
    params: StrategyParams

    @property
    def fill_count(self) -> int:
        return sum(summary.fill_count for summary in self.summaries)

    @property
    def has_activity(self) -> bool:
        """Whether there is anything to learn from: at least one fill or one summarized bucket."""
        return bool(self.summaries) or bool(self.worst_fills)


def bucket_figures(summary: BucketSummary) -> BucketFigures:
    """The bucket's numbers a reflection shows (`SHOWN_BUCKET_FIELDS`), exact."""
    return {name: getattr(summary, name) for name in SHOWN_BUCKET_FIELDS}


def fill_figures(enriched: EnrichedFill) -> FillFigures:
    """A worst fill's numbers and closed names (side, mode), exact; markouts in bps, None where unknown."""
    fill = enriched.fill
    return {
        "ts_ms": fill.ts_ms,
        "side": fill.side.value,
        "price": fill.price,
        "size": fill.size,
        "markout_1s_bps": _bps(enriched.markout_1s),
        "markout_10s_bps": _bps(enriched.markout_10s),
        "markout_60s_bps": _bps(enriched.markout_60s),
        "mode": fill.mode.value if fill.mode is not None else None,
        "params_version": fill.params_version,
    }


def _bps(markout: HorizonMarkout | None) -> Decimal | None:
    return None if markout is None else markout.bps

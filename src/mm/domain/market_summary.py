"""One number per question about a market's recent hours: the reflector's summary. No I/O.

The same summary is shown to the model, drives the offline rule-based proposer, and is what
rollback conditions are evaluated against after a change is applied, so a condition a proposal
names ("mean_markout_10s_bps below -2") always refers to a number we actually compute.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from decimal import Decimal

from mm.domain.bucket_summary import BucketSummary
from mm.domain.fill_summary import EnrichedFill


@dataclass(frozen=True, slots=True)
class MarketSummary:
    """Totals and fill-weighted means over some bucket summaries; None where nothing was measured.

    `max_abs_inventory` is in base units, `pause_fraction` and `quote_uptime` are in [0, 1].
    """

    fill_count: int
    buy_count: int
    sell_count: int
    volume: float
    fees: float
    mean_markout_1s_bps: float | None
    mean_markout_10s_bps: float | None
    mean_markout_60s_bps: float | None
    worst_markout_10s_bps: float | None
    realized_pnl: float | None
    mtm_pnl: float | None
    max_abs_inventory: float | None
    pause_count: int
    pause_fraction: float | None
    quote_uptime: float | None


ROLLBACK_METRICS: tuple[str, ...] = tuple(field.name for field in fields(MarketSummary))
"""The metrics a rollback condition may name."""


def summarize_market(aggregates: Sequence[BucketSummary], worst_fills: Sequence[EnrichedFill]) -> MarketSummary:
    """Fold bucket summaries (and the worst fills' 10 s markouts) into one summary."""
    seconds = [float(a.time_normal_s + a.time_defensive_s + a.time_pause_s) for a in aggregates]
    total_s = sum(seconds)
    inventory = [abs(float(v)) for a in aggregates for v in (a.inventory_min, a.inventory_max) if v is not None]
    return MarketSummary(
        fill_count=sum(a.fill_count for a in aggregates),
        buy_count=sum(a.buy_count for a in aggregates),
        sell_count=sum(a.sell_count for a in aggregates),
        volume=float(sum((a.volume for a in aggregates), Decimal(0))),
        fees=float(sum((a.fees for a in aggregates), Decimal(0))),
        mean_markout_1s_bps=_fill_weighted(aggregates, (a.mean_markout_1s_bps for a in aggregates)),
        mean_markout_10s_bps=_fill_weighted(aggregates, (a.mean_markout_10s_bps for a in aggregates)),
        mean_markout_60s_bps=_fill_weighted(aggregates, (a.mean_markout_60s_bps for a in aggregates)),
        worst_markout_10s_bps=min((float(f.markout_10s.bps) for f in worst_fills if f.markout_10s), default=None),
        realized_pnl=_total(a.realized_pnl for a in aggregates),
        mtm_pnl=_total(a.mtm_pnl for a in aggregates),
        max_abs_inventory=max(inventory, default=None),
        pause_count=sum(a.pause_count for a in aggregates),
        pause_fraction=sum(float(a.time_pause_s) for a in aggregates) / total_s if total_s > 0 else None,
        quote_uptime=_time_weighted(seconds, [a.quote_uptime for a in aggregates]),
    )


def metric_value(summary: MarketSummary, metric: str) -> float | None:
    """The summary's value of a rollback metric; None when unknown. Raises KeyError for other names."""
    if metric not in ROLLBACK_METRICS:
        raise KeyError(metric)
    value: float | int | None = getattr(summary, metric)
    return None if value is None else float(value)


def _fill_weighted(aggregates: Sequence[BucketSummary], means: Iterable[Decimal | None]) -> float | None:
    weighted = [(float(mean), a.fill_count) for a, mean in zip(aggregates, means, strict=True) if mean is not None]
    weight = sum(count for _, count in weighted)
    if weight == 0:
        return None
    return sum(mean * count for mean, count in weighted) / weight


def _time_weighted(seconds: Sequence[float], values: Sequence[Decimal | None]) -> float | None:
    pairs = [(float(v), s) for v, s in zip(values, seconds, strict=True) if v is not None and s > 0]
    total_s = sum(s for _, s in pairs)
    if total_s == 0:
        return None
    return sum(v * s for v, s in pairs) / total_s


def _total(values: Iterable[Decimal | None]) -> float | None:
    known = [v for v in values if v is not None]
    return float(sum(known, Decimal(0))) if known else None

"""Whether a reflection window holds enough trading to learn from. No I/O.

A handful of fills or a few minutes of quoting is noise: a proposal from it would move live
parameters on chance. Below either threshold the window's outcome is "too little evidence", and
the model is not asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from mm.domain.bucket_summary import BucketSummary
from mm.domain.reflection_input import ReflectionInput


@dataclass(frozen=True, slots=True)
class EvidencePolicy:
    min_fills: int = 30
    min_quoting_s: float = 600.0

    def __post_init__(self) -> None:
        if self.min_fills < 1 or self.min_quoting_s < 0:
            raise ValueError("min_fills must be at least 1 and min_quoting_s not negative")


def quoting_s(summaries: tuple[BucketSummary, ...]) -> float:
    """Seconds the strategy had quotes out: each bucket's strategy time times its quote uptime.

    A bucket without an uptime counts its NORMAL and DEFENSIVE time (PAUSE never quotes).
    """
    total = Decimal(0)
    for summary in summaries:
        if summary.quote_uptime is None:
            total += summary.time_normal_s + summary.time_defensive_s
        else:
            mode_time = summary.time_normal_s + summary.time_defensive_s + summary.time_pause_s
            total += mode_time * summary.quote_uptime
    return float(total)


def evidence_shortfalls(reflection: ReflectionInput, policy: EvidencePolicy) -> tuple[str, ...]:
    """One line per threshold the window falls short of; empty when there is enough to learn from."""
    problems: list[str] = []
    if reflection.fill_count < policy.min_fills:
        problems.append(f"{reflection.fill_count} fills, fewer than {policy.min_fills}")
    quoted_s = quoting_s(reflection.summaries)
    if quoted_s < policy.min_quoting_s:
        problems.append(f"{quoted_s:.0f} s of quoting, less than {policy.min_quoting_s:g} s")
    return tuple(problems)

"""A deterministic stand-in for the LLM: a few plain rules over the reflection's numbers. No I/O.

It lets the reflection loop run end to end with no model provider, and it is the baseline any
model has to beat. It reads the same prompt facts a model is shown, never moves a parameter past
its allowed range, and gives every change rollback conditions.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from mm.domain.market_summary import MarketSummary
from mm.domain.param_gate import Comparison, ParamChange, ParamProposal, RollbackCondition
from mm.domain.reflection_prompt import ParameterRange, PromptFacts

TOXIC_MARKOUT_BPS = -1.0
"""A mean 10 s markout below this means our fills are adversely selected: quote wider."""
VERY_TOXIC_MARKOUT_BPS = -3.0
"""Below this, volatility is not priced in enough either."""
FRIENDLY_MARKOUT_BPS = 1.0
"""A mean 10 s markout above this leaves room to quote tighter."""
PINNED_INVENTORY_FRACTION = 0.8
"""Inventory reaching this fraction of max_position means the skew is too weak."""
WIDEN_STEP = 0.10
TIGHTEN_STEP = 0.05


def propose_by_rules(facts: PromptFacts) -> ParamProposal:
    """At most `facts.max_changes` changes, in priority order; no changes when nothing calls for one."""
    summary, ranges = facts.summary, facts.parameters
    candidates = [
        _widen_spread(summary, ranges),
        _strengthen_skew(summary, ranges),
        _price_volatility(summary, ranges),
        _tighten_spread(summary, ranges),
    ]
    changes: list[ParamChange] = []
    conditions: list[RollbackCondition] = []
    for candidate in candidates:
        if candidate is None or len(changes) >= facts.max_changes:
            continue
        if any(change.name == candidate[0].name for change in changes):
            continue
        changes.append(candidate[0])
        conditions.extend(c for c in candidate[1] if c not in conditions)
    return ParamProposal(tuple(changes), tuple(conditions), _rationale(summary, changes))


_Candidate = tuple[ParamChange, tuple[RollbackCondition, ...]] | None


def _widen_spread(summary: MarketSummary, ranges: Mapping[str, ParameterRange]) -> _Candidate:
    markout = summary.mean_markout_10s_bps
    if markout is None or markout >= TOXIC_MARKOUT_BPS:
        return None
    reason = f"mean 10 s markout {markout:.2f} bps is below {TOXIC_MARKOUT_BPS} bps: fills are adversely selected"
    return _moved(
        ranges, "base_half_spread_bps", 1 + WIDEN_STEP, reason, _worse_markout(markout), _fewer_fills(summary)
    )


def _strengthen_skew(summary: MarketSummary, ranges: Mapping[str, ParameterRange]) -> _Candidate:
    inventory, max_position = summary.max_abs_inventory, ranges.get("max_position")
    if inventory is None or max_position is None or inventory < PINNED_INVENTORY_FRACTION * max_position.current:
        return None
    reason = f"inventory reached {inventory:g}, {inventory / max_position.current:.0%} of max_position"
    pause = RollbackCondition("pause_count", Comparison.ABOVE, float(summary.pause_count + 2))
    return _moved(ranges, "inventory_skew_bps", 1 + WIDEN_STEP, reason, pause)


def _price_volatility(summary: MarketSummary, ranges: Mapping[str, ParameterRange]) -> _Candidate:
    markout = summary.mean_markout_10s_bps
    if markout is None or markout >= VERY_TOXIC_MARKOUT_BPS:
        return None
    reason = f"mean 10 s markout {markout:.2f} bps is below {VERY_TOXIC_MARKOUT_BPS} bps: volatility is underpriced"
    return _moved(ranges, "vol_multiplier", 1 + WIDEN_STEP, reason, _worse_markout(markout), _fewer_fills(summary))


def _tighten_spread(summary: MarketSummary, ranges: Mapping[str, ParameterRange]) -> _Candidate:
    markout = summary.mean_markout_10s_bps
    is_quiet = summary.fill_count == 0 and (summary.pause_fraction or 0.0) < 0.5
    is_friendly = markout is not None and markout > FRIENDLY_MARKOUT_BPS
    if not (is_quiet or is_friendly):
        return None
    reason = "no fills while quoting" if is_quiet else f"mean 10 s markout {markout:.2f} bps leaves room"
    guard = RollbackCondition("mean_markout_10s_bps", Comparison.BELOW, TOXIC_MARKOUT_BPS)
    return _moved(ranges, "base_half_spread_bps", 1 - TIGHTEN_STEP, reason, guard)


def _moved(
    ranges: Mapping[str, ParameterRange], name: str, factor: float, reason: str, *conditions: RollbackCondition
) -> _Candidate:
    """Move `name` by `factor`, clamped to its allowed range; None when it cannot move."""
    allowed = ranges.get(name)
    if allowed is None:
        return None
    value = min(allowed.upper, max(allowed.lower, allowed.current * factor))
    if allowed.is_integer:
        value = float(math.floor(value) if factor > 1 else math.ceil(value))
    if value == allowed.current or not allowed.lower <= value <= allowed.upper:
        return None
    return ParamChange(name, value, reason), conditions


def _worse_markout(markout: float) -> RollbackCondition:
    return RollbackCondition("mean_markout_10s_bps", Comparison.BELOW, round(markout - 1.0, 6))


def _fewer_fills(summary: MarketSummary) -> RollbackCondition:
    return RollbackCondition("fill_count", Comparison.BELOW, float(max(1, summary.fill_count // 2)))


def _rationale(summary: MarketSummary, changes: list[ParamChange]) -> str:
    if not changes:
        return "rule-based: the hour's numbers call for no change"
    return (
        f"rule-based: {summary.fill_count} fills, mean 10 s markout {summary.mean_markout_10s_bps} bps, "
        f"max |inventory| {summary.max_abs_inventory}, {summary.pause_count} pauses; "
        + "; ".join(f"{c.name} -> {c.new_value:g}" for c in changes)
    )

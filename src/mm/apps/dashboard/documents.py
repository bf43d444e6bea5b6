"""The JSON documents of the dashboard's endpoints: decimals as strings (exact), times as UTC ISO 8601 and epoch ms.

The live document is `mm status --json`'s, plus each market's series; pages render the same values. The
sampled book and quotes come as columns of epoch ms and prices (hundreds of points each refresh).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict
from decimal import Decimal
from typing import Any

from mm.apps.dashboard.read_model import LearningView, QualityView, ReasoningDocument
from mm.apps.status.render import status_json
from mm.apps.time_text import iso_utc
from mm.domain.backtest_run import BacktestRunRecord, ModeChange
from mm.domain.bucket_summary import BucketSummary
from mm.domain.fill_summary import EnrichedFill
from mm.domain.live_market import BookSample, LiveView, MarketSeries, QuoteSample
from mm.domain.market_status import FillLine
from mm.domain.proposal import StoredProposal
from mm.domain.rollout import RolloutRecord


def _str(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _at(ts_ms: int | None) -> dict[str, Any]:
    return {"at": iso_utc(ts_ms), "ts_ms": ts_ms}


def live_json(view: LiveView) -> dict[str, Any]:
    document = status_json(view.status)
    document["now_ms"] = view.status.now_ms
    for market in document["markets"]:
        series = view.series_of(market["symbol"])
        market["series"] = None if series is None else series_json(series)
    return document


def series_json(series: MarketSeries) -> dict[str, Any]:
    return {
        "start": iso_utc(series.start_ms),
        "end": iso_utc(series.end_ms),
        "book": _columns(series.book),
        "quotes": _columns(series.quotes),
        "modes": [mode_json(change) for change in series.modes],
        "fills": [fill_line_json(fill) for fill in series.fills],
        "gaps": [
            {
                "stream": g.stream,
                "kind": g.kind,
                "from": iso_utc(g.from_ms),
                "to": iso_utc(g.to_ms),
                "is_open": g.is_open,
            }
            for g in series.gaps
        ],
    }


def _columns(samples: Sequence[BookSample | QuoteSample]) -> dict[str, list[Any]]:
    """Sampled prices as columns: epoch ms, bid and ask (decimal strings, None for a missing side)."""
    return {
        "ts_ms": [sample.ts_ms for sample in samples],
        "bid": [_str(sample.bid_px) for sample in samples],
        "ask": [_str(sample.ask_px) for sample in samples],
    }


def mode_json(change: ModeChange) -> dict[str, Any]:
    return {**_at(change.ts_ms), "mode": change.mode.value, "reasons": list(change.reasons)}


def fill_line_json(fill: FillLine) -> dict[str, Any]:
    return {
        **_at(fill.ts_ms),
        "side": fill.side.value,
        "price": str(fill.price),
        "size": str(fill.size),
        "fee": str(fill.fee),
        "markout_bps": {
            "1s": _str(fill.markout_1s_bps),
            "10s": _str(fill.markout_10s_bps),
            "60s": _str(fill.markout_60s_bps),
        },
    }


def bucket_json(bucket: BucketSummary) -> dict[str, Any]:
    row = {name: (str(v) if isinstance(v, Decimal) else v) for name, v in asdict(bucket).items()}
    row["width"] = bucket.width.value
    row["bucket_start"] = iso_utc(bucket.bucket_start_ms)
    return row


def enriched_fill_json(enriched: EnrichedFill) -> dict[str, Any]:
    fill = enriched.fill
    return {
        **_at(fill.ts_ms),
        "fill_id": fill.fill_id,
        "symbol": fill.symbol,
        "side": fill.side.value,
        "price": str(fill.price),
        "size": str(fill.size),
        "fee": str(fill.fee),
        "mode": fill.mode.value if fill.mode is not None else None,
        "mid_at_fill": _str(enriched.mid_at_fill),
        "markout_bps": {f"{m.horizon_s}s": str(m.bps) for m in enriched.markouts if m is not None},
    }


def quality_json(view: QualityView) -> dict[str, Any]:
    return {
        "symbol": view.symbol,
        "start": iso_utc(view.start_ms),
        "end": iso_utc(view.end_ms),
        "agg_1m": [bucket_json(b) for b in view.minutes],
        "agg_1h": [bucket_json(b) for b in view.hours],
        "worst_fills": [enriched_fill_json(f) for f in view.worst_fills],
    }


def proposal_json(stored: StoredProposal) -> dict[str, Any]:
    proposal = stored.proposal
    return {
        "id": stored.id,
        "symbol": stored.symbol,
        "status": stored.status.value,
        "model": stored.model,
        "window": {"start": iso_utc(stored.window.start_ms), "end": iso_utc(stored.window.end_ms)},
        "created": iso_utc(stored.created_ts_ms),
        "updated": iso_utc(stored.updated_ts_ms),
        "base_version": proposal.base_version,
        "changes": [{"name": c.name, "new_value": c.new_value, "reason": c.reason} for c in proposal.changes],
        "rollback_conditions": [c.describe() for c in proposal.rollback_conditions],
        "rationale": proposal.rationale,
        "reasoning_path": stored.reasoning_path,
        "reasoning_sha256": stored.reasoning_sha256,
    }


def rollout_json(rollout: RolloutRecord) -> dict[str, Any]:
    facts = rollout.facts
    return {
        **_at(rollout.ts_ms),
        "action": rollout.action.value,
        "proposal_id": rollout.proposal_id,
        "from_version": rollout.from_version,
        "to_version": rollout.to_version,
        "reasons": list(rollout.reasons),
        "facts": None if facts is None else {**asdict(facts), "mode": facts.mode.value},
    }


def learning_json(view: LearningView) -> dict[str, Any]:
    return {
        "symbol": view.symbol,
        "proposals": [proposal_json(p) for p in view.proposals],
        "rollouts": [rollout_json(r) for r in view.rollouts],
    }


def reasoning_json(stored: StoredProposal, reasoning: ReasoningDocument) -> dict[str, Any]:
    return {
        "proposal": proposal_json(stored),
        "reasoning": {
            "path": reasoning.path,
            "is_intact": reasoning.is_intact,
            "problem": reasoning.problem,
            "document": reasoning.document,
        },
    }


def run_json(run: BacktestRunRecord, *, with_rows: bool = False) -> dict[str, Any]:
    document: dict[str, Any] = {
        "id": run.run_id,
        "exchange": run.exchange,
        "symbol": run.symbol,
        "start": iso_utc(run.start_ms),
        "end": iso_utc(run.end_ms),
        "created": iso_utc(run.created_ts_ms),
        "data_source": run.data_source,
        "data_sha256": run.data_sha256,
        "rows": run.rows,
        "params": _plain(run.params),
        "settings": _plain(run.settings),
        "summary": _plain(run.summary),
    }
    if with_rows:
        document["fills"] = [
            {**enriched_fill_json(f.enriched), "position_after": str(f.position_after)} for f in run.fills
        ]
        document["modes"] = [mode_json(change) for change in run.modes]
    return document


def _plain(mapping: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in mapping.items()}

"""The reasoning file's name and bytes: one JSON document per accepted reflection.

Both reasoning sinks (files and memory) serialize through here, so the sha256 a sink returns is
always of this exact encoding: sorted keys, two-space indent, Decimals as strings, UTF-8.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from mm.domain.market_summary import summarize_market
from mm.domain.reasoning_record import ReasoningRecord
from mm.domain.reflection_input import bucket_figures, fill_figures

FORMAT = "mm.llm-reflection/2"
"""/2: the window's buckets are `input.aggregates` with `window.aggregate_width` (/1: `hourly_aggregates`)."""


def reasoning_file_name(record: ReasoningRecord) -> str:
    """`llm-reflection-<exchange>-<symbol>-<utc-iso>-<proposal-id>.json`, ISO 8601 basic UTC time."""
    created = datetime.fromtimestamp(record.created_ts_ms / 1000, tz=UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"llm-reflection-{record.exchange}-{record.symbol}-{created}-{record.proposal_id}.json"


def reasoning_document(record: ReasoningRecord) -> dict[str, Any]:
    reflection = record.reflection
    return {
        "format": FORMAT,
        "proposal_id": record.proposal_id,
        "created_ts_ms": record.created_ts_ms,
        "exchange": reflection.exchange,
        "symbol": reflection.symbol,
        "model": record.model,
        "window": {**asdict(reflection.window), "aggregate_width": reflection.window.aggregate_width.value},
        "base_params_version": reflection.params.version,
        "input": {
            "summary": asdict(summarize_market(reflection.summaries, reflection.worst_fills)),
            "aggregates": [bucket_figures(s) for s in reflection.summaries],
            # The audit trail names each fill; the prompt never does.
            "worst_fills": [{"fill_id": f.fill.fill_id, **fill_figures(f)} for f in reflection.worst_fills],
            "params": reflection.params.to_mapping(),
        },
        "prompt": {"instructions": record.prompt.instructions, "user_prompt": record.prompt.user_prompt},
        "proposal": asdict(record.proposal),
        "new_params": record.new_params.to_mapping(),
    }


def reasoning_bytes(record: ReasoningRecord) -> bytes:
    text = json.dumps(reasoning_document(record), sort_keys=True, indent=2, ensure_ascii=False, default=_json_value)
    return (text + "\n").encode("utf-8")


def _json_value(value: object) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")

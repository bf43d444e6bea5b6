"""The run ids of a comparison: `?ids=3,4` or `?ids=3&ids=4`; two or more, each a positive whole number."""

from __future__ import annotations

from fastapi import HTTPException


def compared_run_ids(raw: list[str]) -> list[int]:
    parts = [part.strip() for item in raw for part in item.split(",") if part.strip()]
    try:
        ids = [int(part) for part in parts]
    except ValueError:
        raise HTTPException(400, "ids must be backtest run numbers, e.g. ?ids=3,4") from None
    ids = list(dict.fromkeys(ids))
    if len(ids) < 2 or any(run_id <= 0 for run_id in ids):
        raise HTTPException(400, "compare needs two or more distinct run numbers, e.g. ?ids=3,4")
    return ids

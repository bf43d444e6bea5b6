"""The JSON endpoints: each page's content as a document, for scripts and for the live page's refresh."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from mm.apps.dashboard import documents
from mm.apps.dashboard.routes.context import chosen_market, dashboard
from mm.apps.dashboard.routes.run_ids import compared_run_ids

router = APIRouter(prefix="/api")


@router.get("/markets")
async def markets(request: Request) -> dict[str, Any]:
    context = dashboard(request)
    return documents.live_json(await context.read_model.live(context.clock.now_ms()))


@router.get("/quality")
async def quality(
    request: Request, symbol: str | None = None, hours: int = Query(24, ge=1, le=24 * 90)
) -> dict[str, Any]:
    context = dashboard(request)
    market, _ = await chosen_market(request, symbol)
    if market is None:
        return {"symbol": None, "agg_1m": [], "agg_1h": [], "worst_fills": []}
    return documents.quality_json(await context.read_model.quality(market, context.clock.now_ms(), hours=hours))


@router.get("/learning")
async def learning(request: Request, symbol: str | None = None) -> dict[str, Any]:
    market, _ = await chosen_market(request, symbol)
    if market is None:
        return {"symbol": None, "proposals": [], "rollouts": []}
    return documents.learning_json(await dashboard(request).read_model.learning(market))


@router.get("/learning/proposals/{proposal_id}")
async def proposal(request: Request, proposal_id: str) -> dict[str, Any]:
    stored, reasoning = await dashboard(request).read_model.proposal(proposal_id)
    return documents.reasoning_json(stored, reasoning)


@router.get("/backtests")
async def backtests(request: Request) -> dict[str, Any]:
    runs = await dashboard(request).read_model.backtest_runs()
    return {"runs": [documents.run_json(run) for run in runs]}


@router.get("/backtests/compare")
async def compare(request: Request, ids: Annotated[list[str] | None, Query()] = None) -> dict[str, Any]:
    read_model = dashboard(request).read_model
    runs = [await read_model.backtest(run_id) for run_id in compared_run_ids(ids or [])]
    return {"runs": [documents.run_json(run) for run in runs]}


@router.get("/backtests/{run_id}")
async def backtest(request: Request, run_id: int) -> dict[str, Any]:
    return documents.run_json(await dashboard(request).read_model.backtest(run_id), with_rows=True)

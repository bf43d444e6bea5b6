"""The HTML pages: markets live, quality, learning loop, backtests. Server-rendered; charts drawn by plotly.js."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from mm.apps.dashboard import charts, documents
from mm.apps.dashboard.routes.context import chosen_market, dashboard
from mm.apps.dashboard.routes.run_ids import compared_run_ids

Next = Callable[[Request], Awaitable[Response]]

router = APIRouter()


def _page(request: Request, template: str, page: str, **values: Any) -> Response:
    context = dashboard(request)
    return context.templates.TemplateResponse(
        request, template, {"page": page, "refresh_ms": context.refresh_ms, **values}
    )


async def _live_values(request: Request) -> dict[str, Any]:
    context = dashboard(request)
    view = await context.read_model.live(context.clock.now_ms())
    figures = {s.symbol: charts.live_book(s) for s in view.series}
    return {"view": view, "status": view.status, "figures": figures}


@router.get("/markets")
async def markets(request: Request) -> Response:
    return _page(request, "markets.html", "markets", **await _live_values(request))


@router.get("/markets/panel")
async def markets_panel(request: Request) -> Response:
    """The live page's content alone, fetched by the page every `DASHBOARD_REFRESH_S`."""
    return _page(request, "markets_panel.html", "markets", **await _live_values(request))


@router.get("/quality")
async def quality(request: Request, symbol: str | None = None, hours: int = Query(24, ge=1, le=24 * 90)) -> Response:
    context = dashboard(request)
    market, markets = await chosen_market(request, symbol)
    view = None if market is None else await context.read_model.quality(market, context.clock.now_ms(), hours=hours)
    figures = {}
    if view is not None:
        figures = {
            "markout_1m": charts.markouts(view.minutes, "markout by horizon, per minute"),
            "markout_1h": charts.markouts(view.hours, "markout by horizon, per hour"),
            "pnl_1h": charts.pnl(view.hours, "PnL per hour (fees negative)"),
            "pnl_sources_1h": charts.pnl_sources(
                view.hours, "PnL per hour by source: spread, inventory, funding, fees"
            ),
            "fills_1m": charts.fill_counts(view.minutes, "fills per minute"),
            "modes_1h": charts.modes_and_uptime(view.hours, "time per mode and quote uptime, per hour"),
        }
    return _page(
        request, "quality.html", "quality", view=view, market=market, markets=markets, hours=hours, figures=figures
    )


@router.get("/learning")
async def learning(request: Request, symbol: str | None = None) -> Response:
    market, markets = await chosen_market(request, symbol)
    view = None if market is None else await dashboard(request).read_model.learning(market)
    return _page(request, "learning.html", "learning", view=view, market=market, markets=markets)


@router.get("/learning/proposals/{proposal_id}")
async def proposal(request: Request, proposal_id: str) -> Response:
    stored, reasoning = await dashboard(request).read_model.proposal(proposal_id)
    return _page(request, "proposal.html", "learning", proposal=documents.proposal_json(stored), reasoning=reasoning)


@router.get("/backtests")
async def backtests(request: Request) -> Response:
    runs = await dashboard(request).read_model.backtest_runs()
    return _page(request, "backtests.html", "backtests", runs=[documents.run_json(run) for run in runs])


@router.get("/backtests/compare")
async def compare(request: Request, ids: Annotated[list[str] | None, Query()] = None) -> Response:
    read_model = dashboard(request).read_model
    runs = [await read_model.backtest(run_id) for run_id in compared_run_ids(ids or [])]
    groups = []
    for group in ("summary", "params", "settings"):
        tables = [charts.flat(getattr(run, group)) for run in runs]
        keys = sorted({key for table in tables for key in table})
        rows = [(key, [table.get(key) for table in tables]) for key in keys]
        groups.append((group, [(key, values, len({repr(v) for v in values}) > 1) for key, values in rows]))
    return _page(
        request,
        "compare.html",
        "backtests",
        runs=[documents.run_json(run) for run in runs],
        groups=groups,
        figure=charts.compare_runs(runs),
    )


@router.get("/backtests/{run_id}")
async def backtest(request: Request, run_id: int) -> Response:
    run = await dashboard(request).read_model.backtest(run_id)
    return _page(
        request, "backtest.html", "backtests", run=documents.run_json(run, with_rows=True), figure=charts.run_fills(run)
    )

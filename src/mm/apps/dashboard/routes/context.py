"""The dashboard context a route reads from its app, and the market a page shows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import Request

if TYPE_CHECKING:
    from mm.apps.dashboard.web_app import DashboardContext


def dashboard(request: Request) -> DashboardContext:
    context: DashboardContext = request.app.state.dashboard
    return context


async def chosen_market(request: Request, symbol: str | None) -> tuple[str | None, list[str]]:
    """The market asked for (else the first known), and every market to choose from."""
    markets = await dashboard(request).read_model.markets()
    if symbol:
        return symbol, markets if symbol in markets else [*markets, symbol]
    return (markets[0] if markets else None), markets

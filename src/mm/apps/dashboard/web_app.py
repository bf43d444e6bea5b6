"""The dashboard's ASGI app: routes, templates, static files, the token guard and security headers.

`create_app` builds a new app from its parts every time (nothing at import). Only GET routes exist: the
dashboard cannot place, change or cancel anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import plotly
from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from mm.apps.dashboard.auth import token_guard
from mm.apps.dashboard.errors import add_error_pages
from mm.apps.dashboard.read_model import DashboardReadModel
from mm.apps.dashboard.routes import api, pages
from mm.apps.dashboard.settings import DashboardSettings
from mm.apps.dashboard.template_filters import add_filters
from mm.ports.clock import Clock

_HERE = Path(__file__).parent
_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'"
)


def plotly_js_path() -> Path:
    """plotly.js as bundled with the installed `plotly` package: served from here, never from a CDN."""
    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


@dataclass(frozen=True, slots=True)
class DashboardContext:
    """What every route needs: the reads, the time, the refresh interval."""

    read_model: DashboardReadModel
    clock: Clock
    templates: Jinja2Templates
    refresh_ms: int


def create_app(read_model: DashboardReadModel, clock: Clock, settings: DashboardSettings) -> FastAPI:
    app = FastAPI(title="mm dashboard", docs_url=None, redoc_url=None, openapi_url=None)
    templates = Jinja2Templates(directory=str(_HERE / "templates"))
    add_filters(templates.env)
    app.state.dashboard = DashboardContext(
        read_model, clock, templates, refresh_ms=round(settings.dashboard_refresh_s * 1000)
    )
    app.include_router(pages.router)
    app.include_router(api.router)
    app.mount("/static", StaticFiles(directory=str(_HERE / "static")), name="static")
    add_error_pages(app, templates)
    plotly_js = plotly_js_path()

    @app.get("/vendor/plotly.min.js", include_in_schema=False)
    async def plotly_script() -> FileResponse:
        return FileResponse(plotly_js, media_type="text/javascript", headers={"Cache-Control": "max-age=86400"})

    @app.get("/", include_in_schema=False)
    async def home() -> RedirectResponse:
        return RedirectResponse("/markets", status_code=307)

    @app.middleware("http")
    async def security_headers(request: Request, call_next: pages.Next) -> Response:
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = _CONTENT_SECURITY_POLICY
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    if settings.dashboard_token is not None:
        app.middleware("http")(token_guard(settings.dashboard_token))
    return app

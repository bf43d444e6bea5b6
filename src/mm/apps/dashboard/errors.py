"""How the dashboard answers a read that failed: 404 for an unknown record, 503 when the database is down.

Pages get a page saying so, `/api/` paths a JSON document; the message is the typed error's, which names
no credentials.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from mm.ports.errors import RecordNotFound, StoreError


def add_error_pages(app: FastAPI, templates: Jinja2Templates) -> None:
    def answer(request: Request, status: int, message: str) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": message}, status_code=status)
        return templates.TemplateResponse(
            request, "error.html", {"status": status, "message": message, "page": ""}, status_code=status
        )

    async def not_found(request: Request, error: Exception) -> Response:
        return answer(request, 404, str(error))

    async def unavailable(request: Request, error: Exception) -> Response:
        return answer(request, 503, f"the database did not answer: {' '.join(str(error).split())}")

    app.add_exception_handler(RecordNotFound, not_found)
    app.add_exception_handler(StoreError, unavailable)

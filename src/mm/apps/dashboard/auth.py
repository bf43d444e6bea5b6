"""The dashboard's token check: every request carries `DASHBOARD_TOKEN` when one is set, or gets 401.

The token may come as `Authorization: Bearer <token>`, an `X-Dashboard-Token` header, `?token=` (a link to
open in a browser: answered with a redirect that drops it from the address bar and sets an HttpOnly cookie),
or that cookie. Compared in constant time; never logged or shown.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from urllib.parse import urlencode

from pydantic import SecretStr
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

COOKIE = "mm_dashboard_token"
HEADER = "x-dashboard-token"

Next = Callable[[Request], Awaitable[Response]]


def presented_token(request: Request) -> tuple[str | None, bool]:
    """The token the request carries, and whether it came in the query string."""
    authorization = request.headers.get("authorization", "")
    if authorization.lower().startswith("bearer "):
        return authorization[7:].strip(), False
    if HEADER in request.headers:
        return request.headers[HEADER], False
    if "token" in request.query_params:
        return request.query_params["token"], True
    return request.cookies.get(COOKIE), False


def token_guard(token: SecretStr) -> Callable[[Request, Next], Awaitable[Response]]:
    """An HTTP middleware refusing any request without `token`."""
    expected = token.get_secret_value().encode()

    async def guard(request: Request, call_next: Next) -> Response:
        presented, in_query = presented_token(request)
        if presented is None or not hmac.compare_digest(presented.encode(), expected):
            return PlainTextResponse(
                "401: this dashboard needs its token (DASHBOARD_TOKEN) as `Authorization: Bearer`, "
                "X-Dashboard-Token or ?token=",
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        if in_query and request.method == "GET":
            query = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "token"])
            response: Response = RedirectResponse(request.url.path + (f"?{query}" if query else ""), status_code=303)
            response.set_cookie(COOKIE, presented, httponly=True, samesite="strict")
            return response
        return await call_next(request)

    return guard

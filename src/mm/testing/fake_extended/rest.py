"""The REST side of the fake venue on aiohttp.web, under `/api/v1`, in Extended's envelopes.

One middleware is the choke point for everything around the handlers: the request log, injected
failures, the optional rate limit, the API-key check on `/user/...`, and `Rejection` → error envelope.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any

from aiohttp import web

from mm.ports.clock import Clock
from mm.testing.fake_extended.account_payloads import balance_payload, fill_payload, order_payload, position_payload
from mm.testing.fake_extended.credentials import FakeCredentials
from mm.testing.fake_extended.dead_man_switch import DeadManSwitch
from mm.testing.fake_extended.exchange import ORDER_NOT_FOUND, FakeExchange
from mm.testing.fake_extended.faults import FaultKnobs
from mm.testing.fake_extended.market_payloads import fees_payload, market_payload, rest_orderbook_payload
from mm.testing.fake_extended.rejections import ErrorCode, Rejection
from mm.testing.fake_extended.request_log import RequestLog

API_PREFIX = "/api/v1"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def ok(data: Any = None, **extra: Any) -> web.Response:
    body: dict[str, Any] = {"status": "OK"}
    if data is not None:
        body["data"] = data
    body.update(extra)
    return web.json_response(body)


def error_response(status: int, code: int, message: str) -> web.Response:
    return web.json_response({"status": "ERROR", "error": {"code": code, "message": message}}, status=status)


def _injected_failure(status: int, retry_after_s: float | None = None) -> web.Response:
    if status == HTTPStatus.TOO_MANY_REQUESTS:
        response = error_response(status, 429, "Rate limit exceeded")
        if retry_after_s is not None:
            response.headers["Retry-After"] = f"{retry_after_s:.3f}".rstrip("0").rstrip(".")
        return response
    if status == HTTPStatus.UNAUTHORIZED:
        return error_response(status, 401, "Unauthorized")
    return error_response(status, ErrorCode.UNHANDLED_ERROR, "Unhandled error")


def route_key(request: web.Request) -> str:
    resource = request.match_info.route.resource
    path = resource.canonical if resource is not None else request.path
    return f"{request.method} {path.removeprefix(API_PREFIX)}"


class FakeRestApi:
    """Handlers and the middleware; `app()` builds the aiohttp application."""

    def __init__(
        self,
        *,
        exchange: FakeExchange,
        dead_man_switch: DeadManSwitch,
        faults: FaultKnobs,
        request_log: RequestLog,
        credentials: FakeCredentials,
        clock: Clock,
    ) -> None:
        self._exchange = exchange
        self._dms = dead_man_switch
        self._faults = faults
        self._log = request_log
        self._credentials = credentials
        self._clock = clock

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._middleware])
        get, post, delete = "GET", "POST", "DELETE"
        for method, path, handler in [
            (get, "/info/markets", self._markets),
            (get, "/info/markets/{market}/orderbook", self._orderbook),
            (get, "/info/{market}/funding", self._funding),
            (get, "/user/account/info", self._account_info),
            (get, "/user/fees", self._fees),
            (post, "/user/order", self._place_order),
            (delete, "/user/order", self._cancel_by_external_id),
            (delete, "/user/order/{order_id}", self._cancel_by_id),
            (post, "/user/order/massCancel", self._mass_cancel),
            (post, "/user/deadmanswitch", self._dead_man_switch),
            (get, "/user/orders", self._open_orders),
            (get, "/user/orders/external/{external_id}", self._orders_by_external_id),
            (get, "/user/orders/{order_id}", self._order_by_id),
            (get, "/user/positions", self._positions),
            (get, "/user/balance", self._balance),
            (get, "/user/trades", self._trades),
        ]:
            app.router.add_route(method, API_PREFIX + path, handler)
        return app

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        key = route_key(request)
        now_ms = self._clock.now_ms()
        refusal = self._refusal(request, key, now_ms)
        response: web.StreamResponse
        if refusal is not None:
            response = refusal
        else:
            try:
                response = await handler(request)
            except Rejection as rejection:
                response = web.json_response(rejection.envelope(), status=rejection.http_status)
            except web.HTTPException as http_error:
                response = error_response(http_error.status, http_error.status, http_error.reason)
        self._log.record(now_ms, key, response.status)
        return response

    def _refusal(self, request: web.Request, key: str, now_ms: int) -> web.Response | None:
        """Answers that precede the handler: injected faults, the rate limit, a missing API key."""
        injected = self._faults.take_rest_failure(key)
        if injected is not None:
            return _injected_failure(injected.status, injected.retry_after_s)
        limit = self._faults.rate_limit_per_min
        if limit is not None:
            entries = self._log.entries
            first_recent = bisect.bisect_right(entries, now_ms - 60_000, key=lambda e: e.ts_ms)
            if len(entries) - first_recent >= limit:
                # The moment enough of the window's requests age out of it for this one to fit.
                frees_at_ms = entries[len(entries) - limit].ts_ms + 60_000
                return _injected_failure(HTTPStatus.TOO_MANY_REQUESTS, max(0.0, (frees_at_ms - now_ms) / 1000))
        is_private = request.path.startswith(API_PREFIX + "/user/")
        if is_private and request.headers.get("X-Api-Key") != self._credentials.api_key:
            return error_response(HTTPStatus.UNAUTHORIZED, 401, "Unauthorized")
        return None

    async def _markets(self, request: web.Request) -> web.Response:
        wanted = request.query.getall("market", [])
        specs = [s for name, s in self._exchange.specs.items() if not wanted or name in wanted]
        return ok([market_payload(spec, self._exchange.books[spec.name]) for spec in specs])

    async def _funding(self, request: web.Request) -> web.Response:
        """Funding history as the venue serves it: `{m, T, f}` items (T in ms), newest first."""
        spec = self._exchange.spec(request.match_info["market"])
        start_ms = _int_param(request.query.get("startTime", "0"), "startTime")
        end_ms = _int_param(request.query.get("endTime", str(2**62)), "endTime")
        history = [
            {"m": spec.name, "T": ts_ms, "f": str(rate)}
            for ts_ms, rate in self._exchange.funding.get(spec.name, [])
            if start_ms <= ts_ms <= end_ms
        ]
        return ok(sorted(history, key=lambda item: -int(item["T"])))

    async def _orderbook(self, request: web.Request) -> web.Response:
        spec = self._exchange.spec(request.match_info["market"])
        return ok(rest_orderbook_payload(self._exchange.books[spec.name]))

    async def _account_info(self, _: web.Request) -> web.Response:
        return ok(
            {
                "status": "ACTIVE",
                "l2Key": self._credentials.public_key_hex,
                "l2Vault": self._credentials.vault,
                "accountId": self._exchange.account.account_id,
                "description": "fake extended account",
                "accountIndex": 0,
            }
        )

    async def _fees(self, request: web.Request) -> web.Response:
        wanted = request.query.getall("market", [])
        return ok([fees_payload(s) for name, s in self._exchange.specs.items() if not wanted or name in wanted])

    async def _place_order(self, request: web.Request) -> web.Response:
        order = self._exchange.place_order(await _json_body(request))
        return ok({"id": order.id, "externalId": order.external_id})

    async def _cancel_by_id(self, request: web.Request) -> web.Response:
        self._exchange.cancel_order(_int_param(request.match_info["order_id"], "order id"))
        return ok()

    async def _cancel_by_external_id(self, request: web.Request) -> web.Response:
        external_id = request.query.get("externalId")
        if not external_id:
            raise Rejection(ErrorCode.INVALID_ORDER_PARAMETERS, "externalId is required")
        self._exchange.cancel_order_by_external_id(external_id)
        return ok()

    async def _mass_cancel(self, request: web.Request) -> web.Response:
        body = await _json_body(request)
        if not isinstance(body, dict):
            raise Rejection(ErrorCode.INVALID_ORDER_PARAMETERS, "Request body must be a JSON object")
        self._exchange.mass_cancel(
            order_ids=[_int_param(i, "order id") for i in body.get("orderIds") or []],
            external_ids=[str(i) for i in body.get("externalOrderIds") or []],
            markets=[str(m) for m in body.get("markets") or []],
            cancel_all=body.get("cancelAll") is True,
        )
        return ok()

    async def _dead_man_switch(self, request: web.Request) -> web.Response:
        countdown_s = _int_param(request.query.get("countdownTime", ""), "countdownTime")
        if countdown_s < 0:
            raise Rejection(ErrorCode.INVALID_ORDER_PARAMETERS, "countdownTime must not be negative")
        self._dms.arm(countdown_s)
        return ok()

    async def _open_orders(self, request: web.Request) -> web.Response:
        markets = request.query.getall("market", [])
        order_type, side = request.query.get("type"), request.query.get("side")
        orders = [
            o
            for o in self._exchange.account.open_orders()
            if (not markets or o.market in markets)
            and (order_type is None or o.order_type == order_type)
            and (side is None or o.side == side)
        ]
        return ok([order_payload(o, self._exchange.account.account_id) for o in orders])

    async def _order_by_id(self, request: web.Request) -> web.Response:
        order = self._exchange.account.orders.get(_int_param(request.match_info["order_id"], "order id"))
        if order is None:
            raise Rejection(ORDER_NOT_FOUND, "Order not found", http_status=404)
        return ok(order_payload(order, self._exchange.account.account_id))

    async def _orders_by_external_id(self, request: web.Request) -> web.Response:
        external_id = request.match_info["external_id"]
        account = self._exchange.account
        orders = [o for o in account.orders.values() if o.external_id == external_id]
        return ok([order_payload(o, account.account_id) for o in orders])

    async def _positions(self, request: web.Request) -> web.Response:
        markets, side = request.query.getall("market", []), request.query.get("side")
        account = self._exchange.account
        positions = [
            p
            for p in account.open_positions()
            if (not markets or p.market in markets) and (side is None or p.side == side)
        ]
        return ok([position_payload(p, account.account_id) for p in positions])

    async def _balance(self, _: web.Request) -> web.Response:
        return ok(balance_payload(self._exchange.account))

    async def _trades(self, request: web.Request) -> web.Response:
        markets, side = request.query.getall("market", []), request.query.get("side")
        trade_type = request.query.get("type")
        cursor = request.query.get("cursor")
        limit = _int_param(request.query.get("limit", "100"), "limit")
        account = self._exchange.account
        fills = [
            f
            for f in reversed(account.fills)
            if (not markets or f.market in markets)
            and (side is None or f.side == side)
            and trade_type in (None, "TRADE")
            and (cursor is None or f.id < _int_param(cursor, "cursor"))
        ][:limit]
        pagination = {"cursor": fills[-1].id if fills else None, "count": len(fills)}
        return ok([fill_payload(f, account.account_id, on_stream=False) for f in fills], pagination=pagination)


async def _json_body(request: web.Request) -> Any:
    try:
        return await request.json()
    except json.JSONDecodeError:
        raise Rejection(ErrorCode.INVALID_ORDER_PARAMETERS, "Request body is not valid JSON") from None


def _int_param(value: object, name: str) -> int:
    if isinstance(value, bool):
        raise Rejection(ErrorCode.INVALID_ORDER_PARAMETERS, f"{name} must be an integer")
    if isinstance(value, int):
        return value
    text = str(value)
    if not text.lstrip("-").isdigit():
        raise Rejection(ErrorCode.INVALID_ORDER_PARAMETERS, f"{name} must be an integer")
    return int(text)

"""The JSON shapes of private objects (orders, fills, positions, balance), SDK 2.6.0-valid.

Same objects on REST reads and on the account stream (PROTOCOL.md §4); the docs' shapes are not
always SDK-valid, so these follow the fixtures: `expiryTime` (plus the docs' `expireTime`),
`createdAt`/`updatedAt` on positions, integer ids, decimals as strings.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from mm.testing.fake_extended.account import FakeAccount, FakeFill, FakeOrder, FakePosition
from mm.testing.fake_extended.wire_decimal import decimal_text

ZERO = Decimal(0)


def order_payload(order: FakeOrder, account_id: int) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "id": order.id,
        "accountId": account_id,
        "externalId": order.external_id,
        "market": order.market,
        "type": order.order_type,
        "side": order.side,
        "status": order.status.value,
        "price": decimal_text(order.price),
        "qty": decimal_text(order.qty),
        "filledQty": decimal_text(order.filled_qty),
        "cancelledQty": decimal_text(order.cancelled_qty),
        "payedFee": decimal_text(order.payed_fee),
        "reduceOnly": order.reduce_only,
        "postOnly": order.post_only,
        "createdTime": order.created_ms,
        "updatedTime": order.updated_ms,
        "expiryTime": order.expiry_ms,
        "expireTime": order.expiry_ms,
        "timeInForce": order.time_in_force,
    }
    if order.status_reason is not None:
        payload["statusReason"] = order.status_reason
    if order.average_price is not None:
        payload["averagePrice"] = decimal_text(order.average_price)
    return payload


def fill_payload(fill: FakeFill, account_id: int, *, on_stream: bool) -> dict[str, Any]:
    """A fill; the stream names the client id `externalOrderId`, REST reads `externalId` (fixtures)."""
    payload: dict[str, Any] = {
        "id": fill.id,
        "accountId": account_id,
        "market": fill.market,
        "orderId": fill.order_id,
        "externalOrderId" if on_stream else "externalId": fill.external_order_id,
        "side": fill.side,
        "price": decimal_text(fill.price),
        "qty": decimal_text(fill.qty),
        "value": decimal_text(fill.value),
        "fee": decimal_text(fill.fee),
        "isTaker": fill.is_taker,
        "tradeType": "TRADE",
        "createdTime": fill.ts_ms,
    }
    return payload


def position_payload(position: FakePosition, account_id: int) -> dict[str, Any]:
    return {
        "id": position.id,
        "accountId": account_id,
        "market": position.market,
        "status": "OPENED" if position.is_open else "CLOSED",
        "side": position.side,
        "leverage": decimal_text(position.leverage),
        "size": decimal_text(abs(position.size)),
        "value": decimal_text(position.value),
        "openPrice": decimal_text(position.open_price),
        "markPrice": decimal_text(position.mark_price),
        "margin": decimal_text(position.value / position.leverage),
        "unrealisedPnl": decimal_text(position.unrealised_pnl),
        "realisedPnl": decimal_text(position.realised_pnl),
        "adl": 1,
        "createdAt": position.created_ms,
        "updatedAt": position.updated_ms,
    }


def balance_payload(account: FakeAccount) -> dict[str, Any]:
    equity = account.equity
    available = account.available_for_trade
    return {
        "collateralName": account.collateral_name,
        "balance": decimal_text(account.balance),
        "equity": decimal_text(equity),
        "availableForTrade": decimal_text(available),
        "availableForWithdrawal": decimal_text(max(available, ZERO)),
        "unrealisedPnl": decimal_text(account.unrealised_pnl),
        "initialMargin": decimal_text(account.initial_margin),
        "marginRatio": decimal_text(account.initial_margin / equity if equity > 0 else ZERO),
        "exposure": decimal_text(account.exposure),
        "leverage": decimal_text(account.exposure / equity if equity > 0 else ZERO),
        "updatedTime": account.balance_updated_ms,
    }

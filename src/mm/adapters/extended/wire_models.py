"""Account-stream payloads: the SDK's models, loosened where the venue sends more than they allow.

SDK 2.6.0 rejects documented values (order status `TRIGGERED`, status reasons `NEGATIVE_EQUITY`
and `ACCOUNT_LIQUIDATION`, a decimal `adl`) and drops the stream-only `externalOrderId` of a trade.
A rejected order must still reach the engine, so status and reason are kept as text here and
mapped in `mapping.py`.
"""

from __future__ import annotations

from typing import Any

from x10.models.balance import BalanceModel
from x10.models.base import X10BaseModel
from x10.models.order import OpenOrderModel
from x10.models.position import PositionModel
from x10.models.trade import AccountTradeModel


class AccountOrderWire(OpenOrderModel):
    status: str  # type: ignore[assignment]
    status_reason: str | None = None  # type: ignore[assignment]


class AccountTradeWire(AccountTradeModel):
    external_order_id: str | None = None


class AccountPositionWire(PositionModel):
    adl: Any = None


class AccountStreamData(X10BaseModel):
    """The `data` object of an account frame; the key present matches the frame's `type`."""

    orders: list[AccountOrderWire] | None = None
    trades: list[AccountTradeWire] | None = None
    positions: list[AccountPositionWire] | None = None
    balance: BalanceModel | None = None

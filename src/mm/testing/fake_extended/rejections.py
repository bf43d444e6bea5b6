"""Why the fake exchange refuses a request: Extended's numeric business codes and HTTP statuses.

The codes are the documented ones (PROTOCOL.md §7); the SDK needs them as integers inside
`{"status": "ERROR", "error": {"code", "message"}}`.
"""

from __future__ import annotations

from enum import IntEnum
from http import HTTPStatus


class ErrorCode(IntEnum):
    MARKET_NOT_FOUND = 1001
    UNHANDLED_ERROR = 1006
    INVALID_STARKNET_PUBLIC_KEY = 1100
    INVALID_STARKNET_SIGNATURE = 1101
    INVALID_STARKNET_VAULT = 1102
    ORDER_QTY_LESS_THAN_MIN_TRADE_SIZE = 1120
    INVALID_QTY_WRONG_SIZE_INCREMENT = 1121
    INVALID_QTY_PRECISION = 1123
    INVALID_PRICE_WRONG_PRICE_MOVEMENT = 1124
    INVALID_PRICE_PRECISION = 1125
    MAX_OPEN_ORDERS_NUMBER_EXCEEDED = 1126
    INVALID_TRADING_FEES = 1128
    MISSING_ORDER_PRICE = 1130
    NOT_ALLOWED_ORDER_TYPE = 1132
    INVALID_ORDER_PARAMETERS = 1133
    DUPLICATE_ORDER = 1134
    INVALID_ORDER_EXPIRATION = 1135
    REDUCE_ONLY_ORDER_SIZE_EXCEEDS_POSITION_SIZE = 1136
    REDUCE_ONLY_ORDER_POSITION_IS_MISSING = 1137
    REDUCE_ONLY_ORDER_POSITION_SAME_SIDE = 1138
    ORDER_COST_EXCEEDS_BALANCE = 1140
    INVALID_PRICE_AMOUNT = 1141
    EDIT_ORDER_NOT_FOUND = 1142


class Rejection(Exception):
    """A refused request: the REST layer turns it into the venue's error envelope."""

    def __init__(self, code: int, message: str, http_status: int = HTTPStatus.BAD_REQUEST) -> None:
        super().__init__(f"{code}: {message}")
        self.code = int(code)
        self.message = message
        self.http_status = int(http_status)

    def envelope(self) -> dict[str, object]:
        return {"status": "ERROR", "error": {"code": self.code, "message": self.message}}

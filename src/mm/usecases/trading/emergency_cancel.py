"""The way out when the executor itself failed: one mass cancel per market, straight to the gateway.

Whatever escaped the engine may escape it again, so this path runs none of its code: no tick, no
feature, no order book of our own, no state snapshot. It sends the venue's cancel-all for each
market once, each within `timeout_s`, and reports whether every one was answered; it never raises
(an exception here would leave orders resting until the dead man's switch fires). The executor then
goes on to `cancel_until_flat`, which reads the venue's open orders back.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import structlog

from mm.ports.trading_gateway import TradingGateway

_log = structlog.get_logger(__name__)


async def emergency_cancel_all(gateway: TradingGateway, symbols: Sequence[str], *, timeout_s: float) -> bool:
    """Send cancel-all for every market of `symbols`; True when the venue answered each of them."""
    answered = True
    for symbol in symbols:
        try:
            await asyncio.wait_for(gateway.cancel_all(symbol), timeout_s)
        except Exception as error:  # the last resort must not fail: log it, try the next market
            answered = False
            _log.error("emergency_cancel_all_failed", symbol=symbol, error=f"{type(error).__name__}: {error}")
        else:
            _log.warning("emergency_cancel_all_sent", symbol=symbol)
    return answered

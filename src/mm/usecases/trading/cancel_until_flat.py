"""Cancel every open order of ours and keep at it until the venue's own list is empty, or time runs out.

Used when the executor stops (SIGTERM) or fails, outside the engine: then no stream may be left to
confirm the cancels, so the venue's REST list of open orders is the only evidence that counts.
"""

from __future__ import annotations

from collections.abc import Sequence

import structlog

from mm.ports.clock import Clock
from mm.ports.errors import AuthFailed, ExchangeError, RateLimited
from mm.ports.trading_gateway import TradingGateway

_log = structlog.get_logger(__name__)


async def cancel_until_flat(
    gateway: TradingGateway,
    symbols: Sequence[str],
    clock: Clock,
    *,
    timeout_s: float,
    retry_interval_s: float = 0.5,
) -> bool:
    """Send cancel-all for `symbols` until no open order is listed; True when the venue confirmed it.

    A round refused as rate limited is tried again when the refusal says it may go (which may
    be sooner than `retry_interval_s`), never later than the deadline allows.
    """
    deadline_ms = clock.now_ms() + round(timeout_s * 1000)
    remaining = list(symbols)
    while True:
        retry_after_s: float | None = None
        for symbol in remaining:
            try:
                await gateway.cancel_all(symbol)
            except AuthFailed:
                raise
            except RateLimited as error:
                _log.warning("cancel_all_failed", symbol=symbol, error=str(error))
                retry_after_s = max(retry_after_s or 0.0, error.retry_after_s or 0.0)
            except ExchangeError as error:
                _log.warning("cancel_all_failed", symbol=symbol, error=str(error))
        remaining = [symbol for symbol in remaining if not await _is_flat(gateway, symbol)]
        if not remaining:
            return True
        now_ms = clock.now_ms()
        if now_ms >= deadline_ms:
            _log.error("cancel_all_unconfirmed", symbols=remaining, timeout_s=timeout_s)
            return False
        pause_s = retry_interval_s if retry_after_s is None else retry_after_s
        await clock.sleep(min(pause_s, (deadline_ms - now_ms) / 1000))


async def _is_flat(gateway: TradingGateway, symbol: str) -> bool:
    """Whether the venue lists no open order of ours; a failed read proves nothing, so it is False."""
    try:
        return not await gateway.open_orders(symbol)
    except AuthFailed:
        raise
    except ExchangeError as error:
        _log.warning("open_orders_read_failed", symbol=symbol, error=str(error))
        return False

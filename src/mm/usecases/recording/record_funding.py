"""The ingestor's funding recorder: the venue's funding settlements into md_funding, caught up after a stop.

Funding is settled hourly; a poll every few minutes is enough, and each poll asks from the newest
recorded settlement on (or `backfill_ms` back on a first start), so a stopped ingestor loses none.
"""

from __future__ import annotations

from collections.abc import Sequence

import structlog

from mm.ports.clock import Clock
from mm.ports.errors import ExchangeUnavailable, RateLimited, StoreError
from mm.ports.funding_rates import FundingRateSource, FundingRateStore

_log = structlog.get_logger(__name__)

DEFAULT_BACKFILL_MS = 24 * 3_600_000


class FundingRecorder:
    def __init__(
        self,
        *,
        exchange: str,
        source: FundingRateSource,
        store: FundingRateStore,
        clock: Clock,
        poll_interval_s: float = 300.0,
        backfill_ms: int = DEFAULT_BACKFILL_MS,
    ) -> None:
        self._exchange = exchange
        self._source = source
        self._store = store
        self._clock = clock
        self._poll_interval_s = poll_interval_s
        self._backfill_ms = backfill_ms

    async def record_once(self, symbols: Sequence[str]) -> int:
        """One poll of every market; returns the settlements newly recorded."""
        now_ms = self._clock.now_ms()
        recorded = 0
        for symbol in symbols:
            last = await self._store.last_ts_ms(self._exchange, symbol)
            start_ms = last + 1 if last is not None else now_ms - self._backfill_ms
            rates = await self._source.funding_rates(symbol, start_ms, now_ms)
            new = await self._store.save(self._exchange, symbol, rates)
            if new:
                _log.info("funding_recorded", market=symbol, settlements=new)
            recorded += new
        return recorded

    async def run(self, symbols: Sequence[str]) -> None:
        """Poll until cancelled; a venue or database that cannot be reached now is tried again at the next poll
        (the settlements are still there to read then)."""
        while True:
            try:
                await self.record_once(symbols)
            except (ExchangeUnavailable, RateLimited, StoreError) as error:
                _log.warning("funding_poll_failed", error=str(error))
            await self._clock.sleep(self._poll_interval_s)

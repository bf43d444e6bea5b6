"""`FundingRateSource` on Extended's public REST `GET /info/{market}/funding` (through the SDK)."""

from __future__ import annotations

from datetime import UTC, datetime

from x10.clients.rest.rest_api_client import RestApiClient

from mm.adapters.extended.errors import ensure_ok, translate_errors
from mm.adapters.extended.sdk_config import client_config
from mm.adapters.extended.settings import ExtendedEndpoints
from mm.domain.market_tape import FundingRate

_SECONDS_BEFORE_MS = 10**11
"""The docs' example gives `T` in seconds, the stream in milliseconds: below this a value is seconds."""


def funding_ts_ms(value: int) -> int:
    return value * 1000 if value < _SECONDS_BEFORE_MS else value


class ExtendedFundingHistory:
    def __init__(self, endpoints: ExtendedEndpoints) -> None:
        self._endpoints = endpoints

    async def funding_rates(self, symbol: str, start_ms: int, end_ms: int) -> list[FundingRate]:
        client = RestApiClient(client_config(self._endpoints))
        try:
            with translate_errors("funding"):
                response = await client.info.get_funding_rates_history(
                    market_name=symbol,
                    start_time=datetime.fromtimestamp(start_ms / 1000, tz=UTC),
                    end_time=datetime.fromtimestamp(end_ms / 1000, tz=UTC),
                )
            ensure_ok(response, "funding")
        finally:
            await client.close()  # type: ignore[no-untyped-call]  # the SDK leaves it unannotated
        rates = [FundingRate(funding_ts_ms(item.timestamp), item.funding_rate) for item in response.data or ()]
        return sorted(rates, key=lambda rate: rate.ts_ms)

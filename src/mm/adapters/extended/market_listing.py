"""The venue's list of markets, read once at start-up so an app refuses a market Extended does not list.

The venue streams nothing (or an error and a close) for an unknown market, which a recorder would
retry for ever; one REST read at start names it instead. While the venue cannot be reached the read
is retried, up to a bound: an app that never reached the venue must not run as if it had.

The same read gives each market's tick and step: the feeds bound inbound prices and sizes by them
(`inbound_bounds.MarketBounds`), rather than by wide generic limits.
"""

from __future__ import annotations

from collections.abc import Sequence

import structlog
from x10.clients.rest.rest_api_client import RestApiClient
from x10.models.market import MarketModel

from mm.adapters.extended.errors import ensure_ok, translate_errors
from mm.adapters.extended.mapping import instrument_from_market
from mm.adapters.extended.sdk_config import client_config
from mm.adapters.extended.settings import ExtendedEndpoints
from mm.domain.instrument import Instrument
from mm.ports.clock import Clock
from mm.ports.errors import ExchangeUnavailable, InvalidRequest, RateLimited

_log = structlog.get_logger(__name__)


class ExtendedMarketListing:
    """Checks market names against the venue's public markets endpoint (no account needed)."""

    def __init__(self, endpoints: ExtendedEndpoints, clock: Clock, *, retry_interval_s: float = 1.0) -> None:
        self._endpoints = endpoints
        self._clock = clock
        self._retry_interval_s = retry_interval_s
        self._instruments: tuple[Instrument, ...] | None = None

    async def check_listed(self, symbols: Sequence[str], *, give_up_after_s: float) -> tuple[Instrument, ...]:
        """The trading rules of every market in `symbols`, once the venue lists them all.

        Raises `InvalidRequest` naming the markets it does not list, and `ExchangeUnavailable` when
        the venue could not be read within `give_up_after_s` seconds. `instruments()` gives the
        result again later (to the feed a container builds after this check).
        """
        listed = await self._listed_within(give_up_after_s)
        unknown = [symbol for symbol in symbols if symbol not in listed]
        if unknown:
            raise InvalidRequest(
                f"unknown market {', '.join(map(repr, unknown))}: Extended {self._endpoints.network.value} "
                "does not list it (check SYMBOL and EXTENDED_ENV)"
            )
        try:
            self._instruments = tuple(instrument_from_market(listed[symbol]) for symbol in symbols)
        except ValueError as error:  # a tick or step that is not positive: its prices cannot be bounded
            raise InvalidRequest(f"Extended lists a market with unusable trading rules: {error}") from error
        return self._instruments

    def instruments(self) -> tuple[Instrument, ...]:
        """The markets `check_listed` found; it must have run first."""
        if self._instruments is None:
            raise RuntimeError("the market listing was not read yet: call check_listed() first")
        return self._instruments

    async def _listed_within(self, give_up_after_s: float) -> dict[str, MarketModel]:
        deadline_ms = self._clock.now_ms() + round(give_up_after_s * 1000)
        attempts = 0
        while True:
            attempts += 1
            try:
                return await self._listed_once()
            except (ExchangeUnavailable, RateLimited) as error:
                if self._clock.now_ms() + self._retry_interval_s * 1000 >= deadline_ms:
                    raise ExchangeUnavailable(
                        f"{error} (gave up after {attempts} attempts in {give_up_after_s:g} s)"
                    ) from error
                _log.warning("extended_markets_retrying", attempt=attempts, error=str(error))
                await self._clock.sleep(self._retry_interval_s)

    async def _listed_once(self) -> dict[str, MarketModel]:
        client = RestApiClient(client_config(self._endpoints))
        try:
            with translate_errors("markets"):
                response = await client.info.get_markets()
            ensure_ok(response, "markets")
        finally:
            await client.close()  # type: ignore[no-untyped-call]  # the SDK leaves it unannotated
        return {market.name: market for market in response.data or ()}

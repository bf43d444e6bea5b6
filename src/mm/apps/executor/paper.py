"""Paper trading glue: live Extended market data drives a simulated exchange that takes our orders.

The feed is teed: every live best bid/offer and trade is first handed to the simulated exchange
(so our resting orders can fill against it), then passed on to the executor unchanged. The
market's trading rules come from Extended's public markets endpoint: no account is needed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from decimal import Decimal

from x10.clients.rest.rest_api_client import RestApiClient

from mm.adapters.extended.errors import ensure_ok, translate_errors
from mm.adapters.extended.mapping import instrument_from_market
from mm.adapters.extended.sdk_config import client_config
from mm.adapters.extended.settings import ExtendedEndpoints
from mm.adapters.sim import SimulatedExchange, SimulatedExchangeGateway
from mm.domain.instrument import Instrument
from mm.domain.market_events import BestBidOffer, MarketEvent, PublicTrade
from mm.ports.errors import InvalidRequest
from mm.ports.market_data_feed import MarketDataFeed


async def fetch_instrument(endpoints: ExtendedEndpoints, symbol: str) -> Instrument:
    """The market's tick, step and minimum size from the public markets endpoint."""
    client = RestApiClient(client_config(endpoints))
    try:
        with translate_errors("markets"):
            response = await client.info.get_markets(market_names=[symbol])
        ensure_ok(response, "markets")
    finally:
        await client.close()  # type: ignore[no-untyped-call]  # the SDK leaves it unannotated
    for market in response.data or ():
        if market.name == symbol:
            return instrument_from_market(market)
    raise InvalidRequest(f"unknown market {symbol!r}")


def paper_exchange(
    instrument: Instrument, maker_fee_rate: float, order_latency_ms: int, now_ms: int
) -> SimulatedExchange:
    return SimulatedExchange(
        instrument,
        maker_fee_rate=Decimal(str(maker_fee_rate)),
        order_latency_ms=order_latency_ms,
        start_ts_ms=now_ms,
    )


class PaperMarketDataFeed:
    """A `MarketDataFeed` that lets the simulated exchange see each event before the executor does."""

    def __init__(self, feed: MarketDataFeed, gateway: SimulatedExchangeGateway) -> None:
        self._feed = feed
        self._gateway = gateway

    async def events(self, symbols: Sequence[str]) -> AsyncIterator[MarketEvent]:
        gateway = self._gateway
        async for event in self._feed.events(symbols):
            if isinstance(event, BestBidOffer):
                if event.bid_px is not None and event.ask_px is not None:
                    gateway.on_bbo(
                        event.received_ts_ms,
                        float(event.bid_px),
                        float(event.bid_sz or 0),
                        float(event.ask_px),
                        float(event.ask_sz or 0),
                    )
            elif isinstance(event, PublicTrade) and not event.is_replay:
                gateway.on_trade(event.received_ts_ms, float(event.price), float(event.size), event.taker_side)
            yield event

    async def aclose(self) -> None:
        await self._feed.aclose()

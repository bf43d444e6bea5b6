"""Extended (Starknet perpetuals) adapters: market data feed, trading gateway and account stream.

Built on the official SDK's REST client, models and Stark signing; streams use this package's own
client on current `websockets`, because the SDK's stream classes break on websockets >= 14.
"""

from mm.adapters.extended.account_stream import ExtendedAccountStream
from mm.adapters.extended.market_data_feed import ExtendedMarketDataFeed, PublicStream
from mm.adapters.extended.rest_session import ExtendedRestSession
from mm.adapters.extended.settings import (
    AccountStreamSettings,
    ExtendedCredentials,
    ExtendedEndpoints,
    ExtendedNetwork,
    RequestBudgetSettings,
    RestSettings,
    StreamSettings,
)
from mm.adapters.extended.trading_gateway import ExtendedTradingGateway

__all__ = [
    "AccountStreamSettings",
    "ExtendedAccountStream",
    "ExtendedCredentials",
    "ExtendedEndpoints",
    "ExtendedMarketDataFeed",
    "ExtendedNetwork",
    "ExtendedRestSession",
    "ExtendedTradingGateway",
    "PublicStream",
    "RequestBudgetSettings",
    "RestSettings",
    "StreamSettings",
]

"""A fake Extended exchange on loopback that speaks the real wire format (REST + v1 streams).

Tests, the demo and the executor's replay mode run the unmodified SDK against it. Importing this
package opens nothing; see `FakeExtendedServer.start()`.
"""

from mm.testing.fake_extended.account import FakeAccount, FakeFill, FakeOrder, FakePosition, OrderStatus
from mm.testing.fake_extended.credentials import FakeCredentials
from mm.testing.fake_extended.faults import FaultKnobs
from mm.testing.fake_extended.market import FakeMarket
from mm.testing.fake_extended.markets import BTC_USD, MarketSpec
from mm.testing.fake_extended.prices import PriceDerivation
from mm.testing.fake_extended.rejections import ErrorCode
from mm.testing.fake_extended.request_log import LoggedRequest, RequestLog
from mm.testing.fake_extended.server import FakeExtendedServer
from mm.testing.fake_extended.stream_hub import StreamKind

__all__ = [
    "BTC_USD",
    "ErrorCode",
    "FakeAccount",
    "FakeCredentials",
    "FakeExtendedServer",
    "FakeFill",
    "FakeMarket",
    "FakeOrder",
    "FakePosition",
    "FaultKnobs",
    "LoggedRequest",
    "MarketSpec",
    "OrderStatus",
    "PriceDerivation",
    "RequestLog",
    "StreamKind",
]

"""The funding recorder: the fake venue's funding history over REST (real sockets) into md_funding, caught up once."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from mm.adapters.clock import SystemClock
from mm.adapters.extended import ExtendedEndpoints
from mm.adapters.extended.funding_history import ExtendedFundingHistory
from mm.adapters.postgres.funding_rate_store import PostgresFundingRateStore
from mm.testing.fake_extended import FakeExtendedServer
from mm.usecases.recording.record_funding import FundingRecorder
from tests.unique_keys import an_id

pytestmark = pytest.mark.integration

HOUR_MS = 3_600_000


async def test_settlements_are_recorded_once_and_caught_up(
    fake_extended_server: FakeExtendedServer, shared_db_engine: AsyncEngine
) -> None:
    clock = SystemClock()
    now_ms = clock.now_ms()
    settled = [(now_ms - 3 * HOUR_MS, Decimal("0.0001")), (now_ms - 2 * HOUR_MS, Decimal("-0.00005"))]
    fake_extended_server.exchange.funding["BTC-USD"] = list(settled)
    endpoints = ExtendedEndpoints(api_url=fake_extended_server.rest_url, stream_url=fake_extended_server.stream_url)
    store = PostgresFundingRateStore(shared_db_engine)
    exchange = an_id("venue")
    recorder = FundingRecorder(exchange=exchange, source=ExtendedFundingHistory(endpoints), store=store, clock=clock)

    assert await recorder.record_once(["BTC-USD"]) == 2
    fake_extended_server.exchange.funding["BTC-USD"].append((now_ms - HOUR_MS, Decimal("0.0002")))
    assert await recorder.record_once(["BTC-USD"]) == 1
    assert await recorder.record_once(["BTC-USD"]) == 0
    assert await store.last_ts_ms(exchange, "BTC-USD") == now_ms - HOUR_MS

"""`mm ingest` and `mm trade` bound the feed by each market's tick and step, read from the venue at start-up.

The generic bounds take any price up to 1e12; BTC-USD's tick of 1 allows at most 10^9 ticks. A
book at 5e9 is therefore refused (counted as malformed) only when the container wired the
market's rules into the feed, as production must.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from mm.apps.async_providers import resolved, settle
from mm.apps.executor.container import Container as ExecutorContainer
from mm.apps.executor.settings import ExecutorSettings
from mm.apps.ingestor.container import Container as IngestorContainer
from mm.apps.ingestor.settings import IngestorSettings
from mm.domain.market_events import BestBidOffer
from mm.testing.fake_extended import FakeExtendedServer, StreamKind
from tests.integration.extended.conftest import EventCollector

pytestmark = pytest.mark.integration

SYMBOL = "BTC-USD"  # the fake's default market: tick 1, step 0.00001


def book(bid_px: str, ask_px: str) -> dict[str, object]:
    return {"t": "SNAPSHOT", "m": SYMBOL, "b": [{"q": "1", "p": bid_px}], "a": [{"q": "1", "p": ask_px}], "d": "1"}


@pytest.fixture
async def server() -> AsyncIterator[FakeExtendedServer]:
    async with FakeExtendedServer.start() as running:
        await running.market.push_bbo("84000", "1.5", "84010", "2")
        yield running


def venue_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, server: FakeExtendedServer) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("SYMBOL", SYMBOL)
    monkeypatch.setenv("EXTENDED_API_URL", server.rest_url)
    monkeypatch.setenv("EXTENDED_STREAM_URL", server.stream_url)
    monkeypatch.setenv("MM_HOME", str(tmp_path))


async def refused_by_the_feed(server: FakeExtendedServer, feed: Any, malformed: Callable[[], float]) -> None:
    """Publish a book beyond 10^9 ticks, then a good one: only the good one comes through, one frame counted bad."""
    events = EventCollector(feed.events([SYMBOL]))
    try:
        await events.wait_for(BestBidOffer, 1, bid_px=Decimal("84000"))
        server.streams.publish(StreamKind.BBO, SYMBOL, "SNAPSHOT", book("5000000000", "5000000001"))
        server.streams.publish(StreamKind.BBO, SYMBOL, "SNAPSHOT", book("84001", "84002"))
        await events.wait_for(BestBidOffer, 1, bid_px=Decimal("84001"))
        assert events.of(BestBidOffer, bid_px=Decimal("5000000000")) == []
        assert malformed() == 1
    finally:
        await events.stop()
        await feed.aclose()


async def test_the_ingestors_feed_refuses_a_price_beyond_the_markets_range(
    server: FakeExtendedServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    venue_env(monkeypatch, tmp_path, server)
    container = IngestorContainer(settings=IngestorSettings())
    instruments = await container.market_listing().check_listed([SYMBOL], give_up_after_s=5)
    assert [(i.symbol, i.tick_size) for i in instruments] == [(SYMBOL, Decimal("1"))]
    metrics = container.shared.metrics()
    await refused_by_the_feed(
        server,
        container.feed(),
        lambda: metrics.value("extended_stream_malformed_total", stream="bbo", symbol=SYMBOL) or 0,
    )


async def test_the_executors_feed_refuses_a_price_beyond_the_markets_range(
    server: FakeExtendedServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    venue_env(monkeypatch, tmp_path, server)
    monkeypatch.setenv("PAPER_TRADING", "true")
    container = ExecutorContainer(settings=ExecutorSettings())
    try:
        await container.market_listing().check_listed([SYMBOL], give_up_after_s=5)
        metrics = container.shared.metrics()
        await refused_by_the_feed(
            server,
            await resolved(container.market_feed()),
            lambda: metrics.value("extended_stream_malformed_total", stream="bbo", symbol=SYMBOL) or 0,
        )
    finally:
        await settle(container.shutdown_resources())


def test_a_feed_built_before_the_markets_were_read_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No silent fall-back to the generic bounds: the wiring needs the start-up check to have run."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SYMBOL", SYMBOL)
    container = IngestorContainer(settings=IngestorSettings())
    with pytest.raises(RuntimeError, match="check_listed"):
        container.feed()

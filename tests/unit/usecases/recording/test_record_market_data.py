"""The recorder: feed events in, rows, latest tops and gaps out to the sink, thinning per market."""

from __future__ import annotations

import pytest

from mm.adapters.memory.market_data_sink import InMemoryMarketDataSink
from mm.adapters.memory.scripted_market_data_feed import ScriptedMarketDataFeed
from mm.adapters.observability.prometheus import PrometheusMetrics
from mm.domain.bbo_thinning import BboThinning, BboTrigger
from mm.domain.market_events import MarketEvent, PriceKind
from mm.domain.side import Side
from mm.ports.errors import StoreError
from mm.usecases.recording.record_market_data import MarketDataRecorder, RecorderConfig
from tests.ingestor_support.market_data_examples import T0_MS, a_bbo, a_gap, a_price, a_recovery, trades_frame

PRICE_CHANGE = BboThinning(BboTrigger.PRICE_CHANGE)


async def record(
    events: list[MarketEvent], config: RecorderConfig | None = None, symbols: tuple[str, ...] = ("BTC-USD",)
) -> tuple[InMemoryMarketDataSink, PrometheusMetrics]:
    sink, metrics = InMemoryMarketDataSink(), PrometheusMetrics()
    feed = ScriptedMarketDataFeed(events, hold_open=False)
    await MarketDataRecorder(feed, sink, metrics, config).run(symbols)
    return sink, metrics


async def test_without_thinning_every_event_becomes_a_row_in_arrival_order() -> None:
    events: list[MarketEvent] = [a_bbo(1), *trades_frame(2, ("60000.5", "0.1", Side.BUY)), a_price(3), a_bbo(4)]
    sink, _ = await record(events)
    assert [stored.row for stored in sink.rows] == events
    assert [stored.row_no for stored in sink.rows] == [1, 2, 3, 4]


async def test_thinned_out_updates_do_not_become_rows() -> None:
    sink, _ = await record(
        [a_bbo(1), a_bbo(2, bid_sz="7"), a_bbo(3, "59999.0")], RecorderConfig({"BTC-USD": PRICE_CHANGE})
    )
    assert [stored.row.seq for stored in sink.rows] == [1, 3]


async def test_a_thinned_out_update_still_becomes_the_latest_top() -> None:
    sink, _ = await record([a_bbo(1), a_bbo(2, bid_sz="7")], RecorderConfig({"BTC-USD": PRICE_CHANGE}))
    assert sink.latest_tops[("extended", "BTC-USD")] == a_bbo(2, bid_sz="7")


async def test_trades_and_prices_are_never_thinned() -> None:
    every_minute = BboThinning(BboTrigger.ANY_CHANGE, min_interval_ms=60_000)
    same_trade = ("60000.5", "0.1", Side.BUY)
    events: list[MarketEvent] = [*trades_frame(1, same_trade), *trades_frame(2, same_trade), a_price(3), a_price(4)]
    sink, _ = await record(events, RecorderConfig(default_thinning=every_minute))
    assert len(sink.rows) == 4


async def test_thinning_applies_per_market() -> None:
    events: list[MarketEvent] = [a_bbo(1), a_bbo(2), a_bbo(1, symbol="ETH-USD"), a_bbo(2, symbol="ETH-USD")]
    sink, _ = await record(events, RecorderConfig({"BTC-USD": PRICE_CHANGE}), symbols=("BTC-USD", "ETH-USD"))
    assert [(stored.row.symbol, stored.row.seq) for stored in sink.rows] == [
        ("BTC-USD", 1),
        ("ETH-USD", 1),
        ("ETH-USD", 2),
    ]


async def test_the_first_update_after_a_gap_is_stored_whatever_the_rule() -> None:
    events: list[MarketEvent] = [
        a_bbo(1),
        a_gap(T0_MS + 1),
        a_recovery(T0_MS + 1, T0_MS + 9),
        a_bbo(1, ts_ms=T0_MS + 9),
    ]
    sink, _ = await record(events, RecorderConfig({"BTC-USD": PRICE_CHANGE}))
    assert len(sink.rows) == 2


async def test_a_gap_is_recorded_and_closed_by_its_recovery() -> None:
    sink, _ = await record([a_gap(T0_MS), a_recovery(T0_MS, T0_MS + 1_500)])
    assert [(stored.gap.from_ts_ms, stored.to_ts_ms) for stored in sink.gaps] == [(T0_MS, T0_MS + 1_500)]


async def test_messages_in_are_counted_per_market_and_kind() -> None:
    events: list[MarketEvent] = [a_bbo(1), a_bbo(2), a_price(3, kind=PriceKind.INDEX), a_gap(T0_MS)]
    _, metrics = await record(events)
    assert metrics.value("ingest_messages_in_total", symbol="BTC-USD", kind="bbo") == 2
    assert metrics.value("ingest_messages_in_total", symbol="BTC-USD", kind="index") == 1
    assert metrics.value("ingest_feed_gaps_total", symbol="BTC-USD", stream="bbo", kind="disconnected") == 1


async def test_thinned_updates_are_counted() -> None:
    _, metrics = await record([a_bbo(1), a_bbo(2), a_bbo(3)], RecorderConfig({"BTC-USD": PRICE_CHANGE}))
    assert metrics.value("ingest_bbo_thinned_total", symbol="BTC-USD") == 2


async def test_stop_ends_the_recording_after_the_events_already_received() -> None:
    sink, feed = InMemoryMarketDataSink(), ScriptedMarketDataFeed([a_bbo(1), a_bbo(2)])
    recorder = MarketDataRecorder(feed, sink, PrometheusMetrics())
    await recorder.stop()
    await recorder.run(["BTC-USD"])
    assert len(sink.rows) == 2


async def test_a_sink_that_fails_ends_the_recording_with_its_error() -> None:
    sink = InMemoryMarketDataSink()
    await sink.aclose()
    recorder = MarketDataRecorder(ScriptedMarketDataFeed([a_bbo(1)], hold_open=False), sink, PrometheusMetrics())
    with pytest.raises(StoreError, match="closed"):
        await recorder.run(["BTC-USD"])

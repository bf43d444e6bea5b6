"""The ingestor's parts wired by hand (as a notebook would): Extended feed, recorder, Postgres sink."""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import TracebackType

from mm.adapters.extended import ExtendedEndpoints, ExtendedMarketDataFeed, StreamSettings
from mm.adapters.observability.prometheus import PrometheusMetrics
from mm.adapters.postgres.ingest.batch import RecordingSource
from mm.adapters.postgres.ingest.market_data_sink import PostgresMarketDataSink, WriterSettings
from mm.testing.fake_extended.wall_clock import WallClock
from mm.usecases.recording.record_market_data import MarketDataRecorder, RecorderConfig
from tests.ingestor_support.frame_tap import FrameTap

STREAMS = ("bbo", "trades", "mark", "index")


class RecordingRun:
    """`async with RecordingRun(...) as run:` records until the block ends, then flushes everything."""

    def __init__(
        self,
        stream_url: str,
        database_url: str,
        spool_folder: Path,
        *,
        symbols: tuple[str, ...] = ("BTC-USD",),
        config: RecorderConfig | None = None,
        settings: WriterSettings | None = None,
    ) -> None:
        self.metrics = PrometheusMetrics()
        self.symbols = symbols
        endpoints = ExtendedEndpoints(stream_url=stream_url)
        self.feed = ExtendedMarketDataFeed(
            endpoints, WallClock(), self.metrics, StreamSettings(reconnect_initial_s=0.05)
        )
        self.sink = PostgresMarketDataSink(
            database_url,
            source=RecordingSource("extended", f"test-{spool_folder.name}"),
            spool_folder=spool_folder,
            metrics=self.metrics,
            settings=settings or WriterSettings(batch_max_delay_s=0.02),
        )
        self.recorder = MarketDataRecorder(self.feed, self.sink, self.metrics, config)
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> RecordingRun:
        await self.sink.start()
        self._task = asyncio.create_task(self.recorder.run(self.symbols))
        return self

    async def __aexit__(self, *_: type[BaseException] | BaseException | TracebackType | None) -> None:
        await self.recorder.stop()
        try:
            if self._task is not None:
                await self._task
        finally:
            await self.sink.aclose()

    def frames_received(self) -> int:
        return int(
            sum(
                self.metrics.value("extended_stream_messages_total", stream=stream, symbol=symbol) or 0
                for stream in STREAMS
                for symbol in self.symbols
            )
        )

    async def wait_for_frames_settled(self, tap: FrameTap, timeout_s: float = 30.0) -> None:
        """Wait until the feed has received every frame the tap passed on, and no more come.

        Frames the feed has received are already on their way to the sink; leaving the `async with`
        then stores them all.
        """
        async with asyncio.timeout(timeout_s):
            while True:
                if self._task is not None and self._task.done():
                    self._task.result()
                sent = len(tap.frames)
                if self.frames_received() == sent:
                    await asyncio.sleep(0.2)
                    if len(tap.frames) == sent and self.frames_received() == sent:
                        return
                await asyncio.sleep(0.01)

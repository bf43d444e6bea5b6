from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from mm.adapters.files.recorded_tape import recording_paths
from mm.adapters.postgres.epoch_ms import to_datetime
from mm.adapters.postgres.ingest.recording_import import import_recording
from mm.adapters.postgres.recorded_market_data import PostgresRecordedMarketData
from mm.adapters.postgres.tables import md_gap
from mm.domain.market_tape import RecordedGap
from tests.contract.recorded_market_data.contract import (
    EXCHANGE,
    SYMBOL,
    T0,
    RecordedMarketDataContract,
    write_recording,
)


@pytest.mark.contract
@pytest.mark.integration
class TestPostgresRecordedMarketData(RecordedMarketDataContract):
    @pytest.fixture
    def market_data(
        self, db_engine: AsyncEngine, clean_database_url: str, tmp_path: Path
    ) -> PostgresRecordedMarketData:
        for path in recording_paths(write_recording(tmp_path)):
            assert path is not None
            import_recording(clean_database_url, path, EXCHANGE, SYMBOL)
        return PostgresRecordedMarketData(db_engine)


async def _record_gaps(db_engine: AsyncEngine, gaps: list[tuple[str, str, str, int, int | None]]) -> None:
    async with db_engine.begin() as conn:
        await conn.execute(
            insert(md_gap),
            [
                {
                    "exchange": exchange,
                    "symbol": symbol,
                    "stream": stream,
                    "kind": "disconnected",
                    "from_ts": to_datetime(from_ms),
                    "to_ts": None if to_ms is None else to_datetime(to_ms),
                }
                for exchange, symbol, stream, from_ms, to_ms in gaps
            ],
        )


@pytest.mark.integration
async def test_the_gaps_recorded_for_the_market_come_with_its_tape(
    db_engine: AsyncEngine, clean_database_url: str, tmp_path: Path
) -> None:
    for path in recording_paths(write_recording(tmp_path)):
        assert path is not None
        import_recording(clean_database_url, path, EXCHANGE, SYMBOL)
    await _record_gaps(
        db_engine,
        [
            (EXCHANGE, SYMBOL, "orderbooks", T0 - 1_000, T0 - 500),  # over before the span
            (EXCHANGE, SYMBOL, "orderbooks", T0 - 800, None),  # never marked recovered
            (EXCHANGE, SYMBOL, "trades", T0 + 100, T0 + 200),
            (EXCHANGE, SYMBOL, "orderbooks", T0 + 900, T0 + 950),  # from the span's end on
            (EXCHANGE, "ETHUSDT", "orderbooks", T0 + 100, T0 + 200),  # another market
        ],
    )
    tape = await PostgresRecordedMarketData(db_engine).tape(EXCHANGE, SYMBOL, T0, T0 + 900)
    assert tape.gaps == (
        RecordedGap("orderbooks", "disconnected", T0 - 800, None),
        RecordedGap("trades", "disconnected", T0 + 100, T0 + 200),
    )
    everything = await PostgresRecordedMarketData(db_engine).tape(EXCHANGE, SYMBOL, None, None)
    assert len(everything.gaps) == 4

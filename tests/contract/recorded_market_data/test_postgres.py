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
    T0,
    RecordedMarketDataContract,
    write_recording,
)
from tests.unique_keys import a_symbol


@pytest.mark.contract
@pytest.mark.integration
class TestPostgresRecordedMarketData(RecordedMarketDataContract):
    @pytest.fixture
    def market_data(
        self, shared_db_engine: AsyncEngine, database_url: str, tmp_path: Path, symbol: str
    ) -> PostgresRecordedMarketData:
        for path in recording_paths(write_recording(tmp_path)):
            assert path is not None
            import_recording(database_url, path, EXCHANGE, symbol)
        return PostgresRecordedMarketData(shared_db_engine)


async def _record_gaps(engine: AsyncEngine, gaps: list[tuple[str, str, str, int, int | None]]) -> None:
    async with engine.begin() as conn:
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
    shared_db_engine: AsyncEngine, database_url: str, tmp_path: Path
) -> None:
    symbol, another_symbol = a_symbol(), a_symbol()
    for path in recording_paths(write_recording(tmp_path)):
        assert path is not None
        import_recording(database_url, path, EXCHANGE, symbol)
    await _record_gaps(
        shared_db_engine,
        [
            (EXCHANGE, symbol, "orderbooks", T0 - 1_000, T0 - 500),  # over before the span
            (EXCHANGE, symbol, "orderbooks", T0 - 800, None),  # never marked recovered
            (EXCHANGE, symbol, "trades", T0 + 100, T0 + 200),
            (EXCHANGE, symbol, "orderbooks", T0 + 900, T0 + 950),  # from the span's end on
            (EXCHANGE, another_symbol, "orderbooks", T0 + 100, T0 + 200),  # another market
        ],
    )
    tape = await PostgresRecordedMarketData(shared_db_engine).tape(EXCHANGE, symbol, T0, T0 + 900)
    assert tape.gaps == (
        RecordedGap("orderbooks", "disconnected", T0 - 800, None),
        RecordedGap("trades", "disconnected", T0 + 100, T0 + 200),
    )
    everything = await PostgresRecordedMarketData(shared_db_engine).tape(EXCHANGE, symbol, None, None)
    assert len(everything.gaps) == 4

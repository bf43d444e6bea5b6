from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from mm.adapters.files.recorded_tape import recording_paths
from mm.adapters.postgres.recorded_market_data import PostgresRecordedMarketData
from mm.adapters.postgres.recording_import import import_recording
from tests.contract.recorded_market_data.contract import EXCHANGE, SYMBOL, RecordedMarketDataContract, write_recording


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

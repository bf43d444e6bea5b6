from __future__ import annotations

from pathlib import Path

import pytest

from mm.adapters.files.recorded_tape import CsvRecordedMarketData
from tests.contract.recorded_market_data.contract import EXCHANGE, RecordedMarketDataContract, write_recording


@pytest.mark.contract
class TestCsvRecordedMarketData(RecordedMarketDataContract):
    @pytest.fixture
    def market_data(self, tmp_path: Path, symbol: str) -> CsvRecordedMarketData:
        return CsvRecordedMarketData(write_recording(tmp_path), EXCHANGE, symbol)

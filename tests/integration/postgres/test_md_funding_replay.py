"""md_funding rows reach a database replay's tape, within its span."""

from __future__ import annotations

from decimal import Decimal

import psycopg
import pytest

from mm.adapters.files.recorded_tape import recording_paths
from mm.adapters.postgres.engine import create_engine_for
from mm.adapters.postgres.ingest.recording_import import import_recording
from mm.adapters.postgres.recorded_market_data import PostgresRecordedMarketData
from mm.apps.backtest.shipped_slice import shipped_prefix
from mm.domain.market_tape import FundingRate
from tests.unique_keys import a_symbol

pytestmark = pytest.mark.integration

T0 = 1_723_161_256_313


async def test_the_funding_of_the_span_is_on_the_tape(database_url: str) -> None:
    symbol = a_symbol()
    import_recording(database_url, recording_paths(shipped_prefix())[0], "bn", symbol)
    with psycopg.connect(database_url) as conn:
        for offset_ms, rate in ((-60_000, "0.5"), (60_000, "0.0001"), (120_000, "-0.0002"), (600_000, "0.5")):
            conn.execute(
                "INSERT INTO md_funding (exchange, symbol, ts, rate) VALUES ('bn', %s, to_timestamp(%s / 1000.0), %s)",
                (symbol, T0 + offset_ms, rate),
            )
    engine = create_engine_for(database_url)
    try:
        tape = await PostgresRecordedMarketData(engine).tape("bn", symbol, T0, T0 + 180_000)
    finally:
        await engine.dispose()

    assert tape.funding == (
        FundingRate(T0 + 60_000, Decimal("0.0001")),
        FundingRate(T0 + 120_000, Decimal("-0.0002")),
    )

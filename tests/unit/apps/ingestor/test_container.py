"""The ingestor container's small builders: names, endpoints and limits from settings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mm.adapters.clock import SimulatedClock
from mm.apps.ingestor.container import endpoints_of, recorder_config_of, recording_source, writer_settings_of
from mm.apps.ingestor.settings import IngestorSettings
from mm.domain.bbo_thinning import BboThinning, BboTrigger


@pytest.fixture
def settings(tmp_path: Path) -> IngestorSettings:
    return IngestorSettings.model_validate(  # validated as given: no environment, no .env
        {
            "SYMBOL": "BTC-USD,ETH-USD",
            "MM_HOME": tmp_path,
            "BBO_THINNING": "BTC-USD:price_change",
            "EXTENDED_STREAM_URL": "ws://127.0.0.1:9/stream.extended.exchange/v1",
            "INGEST_BATCH_MAX_DELAY_MS": 50,
        }
    )


def test_the_source_is_named_by_its_start_time_and_lists_the_markets(settings: IngestorSettings) -> None:
    source = recording_source(settings, SimulatedClock(1_723_161_300_123))
    assert source.name.startswith("20240808T235500123000Z-")
    assert json.loads(source.detail)["symbols"] == ["BTC-USD", "ETH-USD"]


def test_the_stream_url_override_reaches_the_feed(settings: IngestorSettings) -> None:
    assert endpoints_of(settings).stream_url == "ws://127.0.0.1:9/stream.extended.exchange/v1"


def test_thinning_rules_reach_the_recorder(settings: IngestorSettings) -> None:
    assert recorder_config_of(settings).thinning_for("BTC-USD") == BboThinning(BboTrigger.PRICE_CHANGE)


def test_the_batch_delay_is_given_in_seconds_to_the_writer(settings: IngestorSettings) -> None:
    assert writer_settings_of(settings).batch_max_delay_s == 0.05


def test_the_spool_lives_under_the_log_folder(settings: IngestorSettings, tmp_path: Path) -> None:
    assert settings.spool_folder == tmp_path / "logs" / "ingest-spool"

"""Settings of `mm ingest`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import NoDecode

from mm.apps.ingestor.thinning_spec import ThinningRules, parse_thinning
from mm.apps.settings import CommonSettings, ExtendedEndpointSettings, MarketsSettings


class IngestorSettings(CommonSettings, MarketsSettings, ExtendedEndpointSettings):
    """Public market data needs no credentials: markets, endpoints, thinning and the writer's limits."""

    bbo_thinning: Annotated[ThinningRules, NoDecode] = Field(
        ThinningRules(),
        alias="BBO_THINNING",
        description="best bid/offer thinning, e.g. price_change or BTC-USD:change+100ms,ETH-USD:250ms (default off)",
    )
    ingest_queue_max_items: int = Field(
        100_000, alias="INGEST_QUEUE_MAX_ITEMS", ge=1, description="messages the writer may fall behind by"
    )
    ingest_batch_max_rows: int = Field(
        20_000, alias="INGEST_BATCH_MAX_ROWS", ge=1, description="rows per COPY transaction at most"
    )
    ingest_batch_max_delay_ms: int = Field(
        200, alias="INGEST_BATCH_MAX_DELAY_MS", ge=0, description="how long a batch waits for more rows, in ms"
    )
    ingest_retry_interval_s: float = Field(
        1.0, alias="INGEST_RETRY_INTERVAL_S", gt=0, description="seconds between attempts while Postgres is down"
    )
    ingest_start_timeout_s: float = Field(
        30.0,
        alias="INGEST_START_TIMEOUT_S",
        gt=0,
        le=3_600,
        description="seconds to keep trying to reach the venue at start before giving up (exit 3)",
    )

    @field_validator("bbo_thinning", mode="before")
    @classmethod
    def _parse_thinning(cls, value: object) -> object:
        return parse_thinning(value) if isinstance(value, str) else value

    @property
    def spool_folder(self) -> Path:
        """Where batches wait while Postgres is down (LOG_DIR/ingest-spool)."""
        return self.resolved_log_dir / "ingest-spool"

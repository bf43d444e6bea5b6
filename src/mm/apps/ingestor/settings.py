"""Settings of `mm ingest`."""

from __future__ import annotations

from mm.apps.settings import CommonSettings, ExtendedEndpointSettings, MarketsSettings


class IngestorSettings(CommonSettings, MarketsSettings, ExtendedEndpointSettings):
    """Public market data needs no credentials: markets and endpoints only."""

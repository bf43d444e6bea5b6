"""Settings of `mm summarize`."""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator

from mm.apps.settings import CommonSettings, Symbols, split_symbols


class SummarizerSettings(CommonSettings):
    """Which markets to summarize and how markouts are measured. No exchange credentials needed."""

    symbols: Symbols = Field(
        default_factory=list, alias="SYMBOL", description="market(s) to summarize, comma separated (default: all)"
    )
    markout_max_staleness_ms: int = Field(
        5_000,
        alias="MARKOUT_MAX_STALENESS_MS",
        ge=0,
        description="oldest an as-of mid may be before a markout horizon, in ms",
    )
    decision_max_hold_s: float = Field(
        60.0,
        alias="DECISION_MAX_HOLD_S",
        gt=0,
        description="longest a decision's mode counts without a newer decision (executor presumed down after)",
    )
    summarizer_batch_size: int = Field(
        20_000, alias="SUMMARIZER_BATCH_SIZE", ge=1, description="fills enriched per SQL statement"
    )
    summarize_interval_s: float = Field(
        30.0, alias="SUMMARIZE_INTERVAL_S", gt=0, description="seconds between runs with --loop"
    )

    @field_validator("symbols", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        return split_symbols(value)

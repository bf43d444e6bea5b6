"""Settings of `mm status`."""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator

from mm.apps.settings import CommonSettings, Symbols, split_symbols


class StatusSettings(CommonSettings):
    """Which markets to show; all the database knows when `SYMBOL` is unset."""

    symbols: Symbols = Field(
        default_factory=list, alias="SYMBOL", description="market(s) to show, comma separated (default: all)"
    )

    @field_validator("symbols", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        return split_symbols(value)

"""The recorded data slice shipped inside the package: what `mm backtest` replays with no options."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

SHIPPED_SLICE = "binance_usdm_btcusdt_20240808_3min"
SHIPPED_EXCHANGE = "binance"
SHIPPED_SYMBOL = "BTCUSDT"


def shipped_prefix() -> Path:
    """The slice's file prefix (see src/mm/data/README.md for its origin and licence)."""
    return Path(str(resources.files("mm") / "data" / SHIPPED_SLICE))

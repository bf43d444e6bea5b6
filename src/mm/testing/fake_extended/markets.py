"""The markets the fake lists: trading rules, fees and Stark settlement ids per market.

Defaults reproduce BTC-USD of the real `markets.json` capture (tick 1, step 0.00001, min 0.0001,
resolutions 1e6), so the SDK signs exactly as it would for mainnet.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


def default_synthetic_id(name: str, synthetic_resolution: int) -> str:
    """Extended's ids are the ASCII of `<BASE>-<decimals>` left-aligned in 15 bytes (BTC at 1e6: `BTC-6`)."""
    base = name.split("-", 1)[0]
    decimals = len(str(synthetic_resolution)) - 1
    text = f"{base}-{decimals}".encode("ascii")[:15]
    return "0x" + text.hex() + "00" * (15 - len(text))


@dataclass(frozen=True, slots=True)
class MarketSpec:
    """One listed market. Sizes and prices are exact; fee rates are fractions (0.00025 = 2.5 bps)."""

    name: str = "BTC-USD"
    tick_size: Decimal = Decimal("1")
    step_size: Decimal = Decimal("0.00001")
    min_order_size: Decimal = Decimal("0.0001")
    asset_precision: int = 5
    synthetic_resolution: int = 1_000_000
    collateral_resolution: int = 1_000_000
    collateral_id: str = "0x1"
    synthetic_id: str = ""
    maker_fee_rate: Decimal = Decimal("0")
    taker_fee_rate: Decimal = Decimal("0.00025")
    builder_fee_rate: Decimal = Decimal("0.0001")
    max_open_orders: int = 200
    limit_price_cap: Decimal = Decimal("0.05")
    limit_price_floor: Decimal = Decimal("0.05")
    leverage: Decimal = Decimal("10")

    def __post_init__(self) -> None:
        if "-" not in self.name:
            raise ValueError(f"market name must look like BASE-QUOTE, got {self.name!r}")
        for field in ("tick_size", "step_size", "min_order_size"):
            value = getattr(self, field)
            if not isinstance(value, Decimal) or not value.is_finite() or value <= 0:
                raise ValueError(f"{field} must be a positive Decimal, got {value!r}")
        if not self.synthetic_id:
            object.__setattr__(self, "synthetic_id", default_synthetic_id(self.name, self.synthetic_resolution))

    @property
    def asset_name(self) -> str:
        return self.name.split("-", 1)[0]

    @property
    def collateral_name(self) -> str:
        return self.name.split("-", 1)[1]


BTC_USD = MarketSpec()

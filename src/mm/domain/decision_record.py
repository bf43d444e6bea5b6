"""One row of the decision log (`ex_decision`): what the strategy saw, decided and asked for. No I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


@dataclass(frozen=True, slots=True)
class DecisionRecord:
    """A decision worth logging: the mode, its reasons, the quotes wanted and the requests planned.

    `bid_px`/`ask_px` and sizes are the desired quotes (None: no order wanted on that side);
    `features` and `commands` are JSON-ready for the log.
    """

    exchange: str
    symbol: str
    ts_ms: int
    mode: str
    prev_mode: str | None
    reasons: tuple[str, ...]
    params_version: int
    mid: float | None
    bid_px: Decimal | None
    bid_sz: Decimal | None
    ask_px: Decimal | None
    ask_sz: Decimal | None
    position: float
    features: dict[str, Any] | None = None
    commands: tuple[dict[str, Any], ...] = field(default_factory=tuple)

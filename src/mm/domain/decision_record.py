"""One row of the decision log (`ex_decision`): what the strategy saw, decided and asked for. No I/O."""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from mm.domain.features import Features

if TYPE_CHECKING:
    from mm.domain.engine_commands import OrderCommand

_FEATURE_NAMES = tuple(f.name for f in fields(Features))


@dataclass(frozen=True, slots=True)
class DecisionRecord:
    """A decision worth logging: the mode, its reasons, the quotes wanted and the requests planned.

    `bid_px`/`ask_px` and sizes are the desired quotes (None: no order wanted on that side).
    `features` and `commands` are kept as values: turning them into JSON is the log writer's
    work, off the tick's path.
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
    features: Features | None = None
    commands: tuple[OrderCommand, ...] = ()

    def features_json(self) -> dict[str, Any] | None:
        features = self.features
        return None if features is None else {name: getattr(features, name) for name in _FEATURE_NAMES}

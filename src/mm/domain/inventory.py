"""Our inventory in one market and the PnL of this run's fills. No I/O.

The venue's position reports are the truth; a fill moves the position at once only if it is newer
than the last report (the venue sends fill and position as separate frames, in no promised order),
so a fill is never counted twice. PnL is for the run's own fills, marked to a mid: cash paid and
received, fees, and the fills' net position at that mid.
"""

from __future__ import annotations

from decimal import Decimal

from mm.domain.orders import Fill, Position

_REMEMBERED_FILLS = 10_000  # enough to recognise any repeat a re-sync can bring


class Inventory:
    __slots__ = ("_cash", "_fees", "_fill_ids", "_fill_position", "_position_ts_ms", "position")

    def __init__(self) -> None:
        self.position = 0.0
        self._position_ts_ms: int | None = None
        self._cash = Decimal(0)
        self._fees = Decimal(0)
        self._fill_position = Decimal(0)
        self._fill_ids: dict[str, None] = {}

    def on_position(self, position: Position) -> None:
        """Take the venue's report unless it is older than one already taken."""
        if self._position_ts_ms is not None and position.ts_ms < self._position_ts_ms:
            return
        self.position = float(position.size)
        self._position_ts_ms = position.ts_ms

    def on_fill(self, fill: Fill) -> bool:
        """Count a fill once; returns False for a repeat (a re-sync can replay one)."""
        if fill.fill_id in self._fill_ids:
            return False
        self._fill_ids[fill.fill_id] = None
        if len(self._fill_ids) > _REMEMBERED_FILLS:
            del self._fill_ids[next(iter(self._fill_ids))]
        signed = fill.size if fill.side.sign > 0 else -fill.size
        self._fill_position += signed
        self._cash -= signed * fill.price
        self._fees += fill.fee
        if self._position_ts_ms is None or fill.ts_ms > self._position_ts_ms:
            self.position += float(signed)
        return True

    def run_pnl(self, mid: float | None) -> float | None:
        """PnL of this run's fills marked to `mid`, fees included; None without a mid."""
        if mid is None:
            return None
        return float(self._cash - self._fees) + float(self._fill_position) * mid

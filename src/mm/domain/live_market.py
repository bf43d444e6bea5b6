"""What the dashboard's live page shows of a market beyond `mm status`: recent series. Pure values, no I/O.

The book, our desired quotes and the mode changes over a recent window, and the recording gaps (open ones
and recently recovered reconnects). Together with a `SystemStatus` they make the live view.
"""

from __future__ import annotations

from decimal import Decimal

from mm.domain.backtest_run import ModeChange
from mm.domain.market_status import FillLine, SystemStatus
from mm.domain.value import value


@value(frozen=True)
class BookSample:
    """The recorded best bid and ask at `ts_ms` (either may be None on a one-sided book)."""

    ts_ms: int
    bid_px: Decimal | None
    ask_px: Decimal | None


@value(frozen=True)
class QuoteSample:
    """The quotes the executor wanted at `ts_ms` (None: no order wanted on that side)."""

    ts_ms: int
    bid_px: Decimal | None
    ask_px: Decimal | None


@value(frozen=True)
class GapLine:
    """A recording gap: a sequence gap or a reconnect; `to_ms` None while it is open."""

    stream: str
    kind: str
    from_ms: int
    to_ms: int | None

    @property
    def is_open(self) -> bool:
        return self.to_ms is None


@value(frozen=True)
class MarketSeries:
    """One market over `[start_ms, end_ms]`: book, our quotes, mode changes and fills (oldest first), gaps."""

    symbol: str
    start_ms: int
    end_ms: int
    book: tuple[BookSample, ...]
    quotes: tuple[QuoteSample, ...]
    modes: tuple[ModeChange, ...]
    fills: tuple[FillLine, ...]
    gaps: tuple[GapLine, ...]


@value(frozen=True)
class LiveView:
    """The live page's content: every market's status with its series, and each app's heartbeat."""

    status: SystemStatus
    series: tuple[MarketSeries, ...]

    def series_of(self, symbol: str) -> MarketSeries | None:
        return next((s for s in self.series if s.symbol == symbol), None)

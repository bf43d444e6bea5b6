"""What an operator sees of the running system: each market's state and each app's heartbeat. Pure values.

Built by a read model from the database (`mm status`, the demo's live view); nothing here reads a clock:
staleness is judged against the `now_ms` the status was read at.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from mm.domain.day_pnl import DayPnl
from mm.domain.mode import Mode
from mm.domain.shadow_backtest import ShadowComparison
from mm.domain.side import Side
from mm.domain.value import value


class App(StrEnum):
    """The apps whose writes show they are alive."""

    INGESTOR = "ingestor"
    EXECUTOR = "executor"
    SUMMARIZER = "summarizer"
    REFLECTOR = "reflector"


HEARTBEAT_STALE_AFTER_MS: dict[App, int] = {
    # The ingestor commits a batch at least every few hundred ms while its markets trade.
    App.INGESTOR: 60_000,
    # The executor saves its state every STATE_SAVE_INTERVAL_S (5 s by default) and journals each decision.
    App.EXECUTOR: 60_000,
    # The summarizer writes only when fills arrive or mature; a quiet market leaves it silent longer.
    App.SUMMARIZER: 15 * 60_000,
    # The reflector writes once per hourly window at most.
    App.REFLECTOR: 2 * 3_600_000,
}
"""How long an app may go without a write before its heartbeat counts as stale."""


@value(frozen=True)
class Heartbeat:
    """An app's last write to the database, as epoch ms (None: it never wrote)."""

    app: App
    last_write_ms: int | None

    def age_ms(self, now_ms: int) -> int | None:
        return None if self.last_write_ms is None else max(0, now_ms - self.last_write_ms)

    def is_stale(self, now_ms: int) -> bool:
        age = self.age_ms(now_ms)
        return age is None or age > HEARTBEAT_STALE_AFTER_MS[self.app]


@value(frozen=True)
class QuoteLine:
    """One of our resting orders as the executor last saved them."""

    side: Side
    price: Decimal
    size: Decimal
    phase: str


@value(frozen=True)
class FillLine:
    """One of our fills with its markouts in bps (None until the summarizer has measured them)."""

    ts_ms: int
    side: Side
    price: Decimal
    size: Decimal
    fee: Decimal
    markout_1s_bps: Decimal | None
    markout_10s_bps: Decimal | None
    markout_60s_bps: Decimal | None


@value(frozen=True)
class OpenGap:
    """A recording gap not yet marked recovered."""

    stream: str
    kind: str
    from_ms: int


@value(frozen=True)
class ProposalLine:
    """The reflector's latest proposal for the market."""

    proposal_id: str
    status: str
    created_ms: int
    changes: str


@value(frozen=True)
class RolloutLine:
    """The executor's latest verdict on a proposal: applied, rejected or rolled back, with its reasons."""

    ts_ms: int
    action: str
    proposal_id: str | None
    reasons: tuple[str, ...]
    shadow: ShadowComparison | None = None
    """The shadow backtest of the params in force and the proposed ones, when one ran."""


@value(frozen=True)
class BookTop:
    """The best bid and ask the ingestor (or executor) last recorded."""

    bid_px: Decimal | None
    ask_px: Decimal | None
    ts_ms: int

    @property
    def mid(self) -> Decimal | None:
        if self.bid_px is None or self.ask_px is None:
            return None
        return (self.bid_px + self.ask_px) / 2


@value(frozen=True)
class MarketStatus:
    """One market at a glance. Fields are None where the database holds nothing for them yet."""

    symbol: str
    mode: Mode | None
    mode_since_ms: int | None
    mode_reasons: tuple[str, ...]
    params_version: int | None
    quotes: tuple[QuoteLine, ...]
    book: BookTop | None
    pnl: DayPnl | None
    last_fills: tuple[FillLine, ...]
    open_gaps: tuple[OpenGap, ...]
    last_proposal: ProposalLine | None
    last_rollout: RolloutLine | None

    @property
    def has_data(self) -> bool:
        return self.mode is not None or self.book is not None or bool(self.last_fills)


@value(frozen=True)
class SystemStatus:
    """Every market asked for, and every app's heartbeat, read at `now_ms`."""

    now_ms: int
    exchange: str
    markets: tuple[MarketStatus, ...]
    heartbeats: tuple[Heartbeat, ...]

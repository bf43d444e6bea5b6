"""Hand-built recorded data for backtest tests: a quiet warm-up, then the rows a test is about."""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from mm.domain.instrument import Instrument
from mm.domain.market_tape import BookColumns, MarketTape, PriceColumns, RecordedGap, TradeColumns
from mm.domain.params import StrategyParams
from mm.usecases.backtest.backtest import BacktestSpec, FillModelKind

START_MS = 1_723_161_000_000
WARM_UP_MS = 11_000  # the engine's volatility windows need 10 s of history before it quotes
BTC = Instrument("BTCUSDT", tick_size=Decimal("0.1"), step_size=Decimal("0.001"), min_order_size=Decimal("0.001"))

# A calm book 59999.4 / 60000.6 (mid 60000.0): with a 0.1 bps half-spread (0.6) the engine bids at
# the best bid and offers at the best ask, joining the visible queues (1.0 and 2.0).
BID, ASK, BID_SZ, ASK_SZ = 59_999.4, 60_000.6, 1.0, 2.0


def quiet_params(**changes: object) -> StrategyParams:
    """A fixed-spread quoter: no volatility term, no skew, no calm period, orders never refreshed."""
    values: dict[str, object] = {
        "base_half_spread_bps": 0.1,
        "vol_multiplier": 0.0,
        "inventory_skew_bps": 0.0,
        "order_size": 0.001,
        "max_position": 0.01,
        "hard_max_position": 0.02,
        "refresh_interval_ms": 3_600_000,
        "price_tolerance_bps": 0.0,
        "calm_period_ms": 0,
        "requires_mark_index": False,
    }
    values.update(changes)
    return StrategyParams.from_mapping(values)


def spec_for(fill_model: FillModelKind = FillModelKind.TOUCH, **changes: object) -> BacktestSpec:
    values: dict[str, object] = {
        "exchange": "test",
        "symbol": BTC.symbol,
        "params": quiet_params(),
        "fill_model": fill_model,
        "tick_size": BTC.tick_size,
        "step_size": BTC.step_size,
        "timer_resolution_ms": 0,
    }
    values.update(changes)
    return BacktestSpec(**values)  # type: ignore[arg-type]


@dataclass
class TapeBuilder:
    """Rows in time order; `warm_up()` adds a calm book every 100 ms for long enough to quote."""

    book: list[tuple[int, float, float, float, float]] = field(default_factory=list)
    trades: list[tuple[int, float, float, bool, bool, bool]] = field(default_factory=list)
    prices: list[tuple[int, bool, float]] = field(default_factory=list)
    gaps: list[RecordedGap] = field(default_factory=list)

    def warm_up(self, until_ms: int = START_MS + WARM_UP_MS) -> TapeBuilder:
        for ts_ms in range(START_MS, until_ms + 1, 100):
            self.quote(ts_ms)
        return self

    def quote(
        self, ts_ms: int, bid: float = BID, ask: float = ASK, bid_sz: float = BID_SZ, ask_sz: float = ASK_SZ
    ) -> TapeBuilder:
        self.book.append((ts_ms, bid, bid_sz, ask, ask_sz))
        return self

    def trade(
        self,
        ts_ms: int,
        px: float,
        sz: float,
        *,
        taker_buys: bool,
        is_history: bool = False,
        is_liquidation: bool = False,
    ) -> TapeBuilder:
        self.trades.append((ts_ms, px, sz, taker_buys, is_history, is_liquidation))
        return self

    def price(self, ts_ms: int, px: float, *, is_mark: bool) -> TapeBuilder:
        self.prices.append((ts_ms, is_mark, px))
        return self

    def gap(self, from_ms: int, to_ms: int | None, stream: str = "orderbooks") -> TapeBuilder:
        self.gaps.append(RecordedGap(stream, "disconnected", from_ms, to_ms))
        return self

    def tape(self) -> MarketTape:
        book = sorted(self.book, key=lambda row: row[0])
        trades = sorted(self.trades, key=lambda row: row[0])
        prices = sorted(self.prices, key=lambda row: row[0])
        return MarketTape(
            exchange="test",
            symbol=BTC.symbol,
            book=BookColumns(*_columns(book, "qdddd")),
            trades=TradeColumns(
                array("q", (t[0] for t in trades)),
                array("d", (t[1] for t in trades)),
                array("d", (t[2] for t in trades)),
                array("b", (int(t[3]) for t in trades)),
                array("b", (int(t[5]) for t in trades)),
                array("b", (int(t[4]) for t in trades)),
            ),
            prices=PriceColumns(
                array("q", (p[0] for p in prices)),
                array("b", (int(p[1]) for p in prices)),
                array("d", (p[2] for p in prices)),
            ),
            source="hand-built",
            gaps=tuple(sorted(self.gaps, key=lambda gap: gap.from_ts_ms)),
        )


def _columns(rows: Sequence[tuple[float, ...]], typecodes: str) -> list[array]:  # type: ignore[type-arg]
    return [array(code, (row[index] for row in rows)) for index, code in enumerate(typecodes)]

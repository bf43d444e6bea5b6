"""Cost of the Extended inbound validation boundary per frame: the mapping with it against the mapping without it.

"Without" maps the same frames the way the mapping did before the boundary existed: numbers
straight into `Decimal`, no ranges, no time window (written out below for the market frames; for
account frames, the SDK parse and the `*_from_wire` functions without the `checked_*` bounds).
Each case is timed in CPU time (`process_time_ns`, so other processes on a shared machine do not
count) over a batch of calls, several rounds in one run; the medians are printed
in microseconds per frame, with the median of the paired differences (the boundary's own cost,
goal under 2 µs) and
what refusing a hostile number costs. Run: `python benchmarks/bench_frame_validation.py [--rounds N]`.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from mm.adapters.extended.frames import StreamFrame, decode_frame
from mm.adapters.extended.inbound_bounds import InboundBounds
from mm.adapters.extended.mapping import (
    EXCHANGE,
    account_events_from_frame,
    balance_from_wire,
    bbo_from_frame,
    fill_from_wire,
    open_order_from_wire,
    position_from_wire,
    price_from_frame,
    public_trades_from_frame,
)
from mm.adapters.extended.wire_models import AccountStreamData
from mm.domain.instrument import Instrument
from mm.domain.market_events import BestBidOffer, PriceKind, PriceUpdate, PublicTrade, TradeKind
from mm.domain.side import Side
from mm.ports.errors import MalformedMessage

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "extended"
BTC = Instrument("BTC-USD", Decimal("1"), Decimal("0.00001"), Decimal("0.0001"))
BOUNDS = InboundBounds.for_instruments([BTC])
CALLS_PER_ROUND = 4_000
_SIDES = {"BUY": Side.BUY, "SELL": Side.SELL}
_KINDS = {"TRADE": TradeKind.TRADE, "LIQUIDATION": TradeKind.LIQUIDATION, "DELEVERAGE": TradeKind.DELEVERAGE}


def _number(value: Any) -> Decimal:
    if type(value) is str or type(value) is int:
        return Decimal(value)
    raise ValueError(value)


def unchecked_bbo(frame: StreamFrame, received_ts_ms: int) -> BestBidOffer:
    data = frame.data
    bid = data["b"][0] if data["b"] else None
    ask = data["a"][0] if data["a"] else None
    return BestBidOffer(
        EXCHANGE,
        str(data["m"]),
        frame.ts_ms,
        received_ts_ms,
        frame.seq,
        _number(bid["p"]) if bid else None,
        _number(bid["q"]) if bid else None,
        _number(ask["p"]) if ask else None,
        _number(ask["q"]) if ask else None,
        frame.raw,
    )


def unchecked_trades(frame: StreamFrame, received_ts_ms: int) -> list[PublicTrade]:
    return [
        PublicTrade(
            EXCHANGE,
            str(item["m"]),
            item["T"],
            received_ts_ms,
            frame.seq,
            str(item["i"]),
            _number(item["p"]),
            _number(item["q"]),
            _SIDES[item["S"]],
            _KINDS[item["tT"]],
            False,
            frame.raw,
        )
        for item in frame.data
    ]


def unchecked_price(frame: StreamFrame, received_ts_ms: int) -> PriceUpdate:
    data = frame.data
    inner = data.get("ts")
    ts_ms = inner if isinstance(inner, int) and inner > 0 else frame.ts_ms
    return PriceUpdate(
        EXCHANGE, str(data["m"]), ts_ms, received_ts_ms, frame.seq, PriceKind.MARK, _number(data["p"]), frame.raw
    )


def unchecked_account(frame: StreamFrame, _received_ts_ms: int) -> list[object]:
    data = AccountStreamData.model_validate(frame.data)
    return [
        *(open_order_from_wire(order) for order in data.orders or ()),
        *(fill_from_wire(trade, trade.external_order_id or "") for trade in data.trades or ()),
        *(position_from_wire(position) for position in data.positions or ()),
        *([balance_from_wire(data.balance)] if data.balance is not None else []),
    ]


def per_call_us(call: Callable[[], object], calls: int) -> float:
    started = time.process_time_ns()
    for _ in range(calls):
        call()
    return (time.process_time_ns() - started) / calls / 1000


def refused(call: Callable[[], object]) -> Callable[[], object]:
    def run() -> object:
        try:
            call()
        except MalformedMessage:
            return None
        raise AssertionError("a hostile frame was accepted")

    return run


def frame_of(name: str) -> tuple[StreamFrame, int]:
    frame = decode_frame((FIXTURES / name).read_text())
    return frame, frame.ts_ms + 40


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=25)
    parser.add_argument("--calls", type=int, default=CALLS_PER_ROUND)
    args = parser.parse_args()

    bbo, bbo_at = frame_of("bbo.json")
    trades, trades_at = frame_of("public_trades_live.json")
    mark, mark_at = frame_of("mark_price_live.json")
    fill, fill_at = frame_of("account_trade.json")
    order, order_at = frame_of("account_order.json")
    cases: list[tuple[str, Callable[[], object], Callable[[], object]]] = [
        ("best bid/offer", lambda: unchecked_bbo(bbo, bbo_at), lambda: bbo_from_frame(bbo, bbo_at, BOUNDS)),
        (
            "trades (2 prints)",
            lambda: unchecked_trades(trades, trades_at),
            lambda: public_trades_from_frame(trades, trades_at, is_replay=False, bounds=BOUNDS),
        ),
        (
            "mark price",
            lambda: unchecked_price(mark, mark_at),
            lambda: price_from_frame(mark, mark_at, PriceKind.MARK, BOUNDS),
        ),
        ("account fill", lambda: unchecked_account(fill, fill_at), lambda: account_events_from_frame(fill, fill_at)),
        (
            "account order",
            lambda: unchecked_account(order, order_at),
            lambda: account_events_from_frame(order, order_at),
        ),
    ]
    hostile = [
        ("ask 1e308", bbo._replace(data={**bbo.data, "a": [{"p": "1e308", "q": "1"}]})),
        ("ask 1e999999", bbo._replace(data={**bbo.data, "a": [{"p": "1e999999", "q": "1"}]})),
        ("ask of 1,000,000 digits", bbo._replace(data={**bbo.data, "a": [{"p": "9" * 1_000_000, "q": "1"}]})),
        ("frame ts 10^18", bbo._replace(ts_ms=10**18)),
    ]

    print(f"python {platform.python_version()}, {args.rounds} rounds of {args.calls} calls, median µs per frame")
    print(f"{'frame':<26}{'without':>10}{'with':>10}{'boundary':>10}")
    for name, without, with_bounds in cases:
        rounds_without, rounds_with = [], []
        for _ in range(args.rounds):  # paired and short, so drift in machine load hits both alike
            rounds_without.append(per_call_us(without, args.calls))
            rounds_with.append(per_call_us(with_bounds, args.calls))
        before, after = statistics.median(rounds_without), statistics.median(rounds_with)
        boundary = statistics.median(w - wo for w, wo in zip(rounds_with, rounds_without, strict=True))
        print(f"{name:<26}{before:>10.2f}{after:>10.2f}{boundary:>+10.2f}")
    print(f"{'refusing a hostile frame':<26}{'':>10}{'with':>10}")
    for name, frame in hostile:
        call = refused(lambda frame=frame: bbo_from_frame(frame, bbo_at, BOUNDS))  # type: ignore[misc]
        median = statistics.median(per_call_us(call, args.calls // 10) for _ in range(args.rounds))
        print(f"{name:<26}{'':>10}{median:>10.2f}")


if __name__ == "__main__":
    main()

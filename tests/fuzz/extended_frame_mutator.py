"""A seeded mutator of Extended stream frames that knows which of its mutations make a frame malformed.

Each fixture frame has a table of fields, each of a class (a book price, a frame time, a venue id,
...). A class lists replacement values, each labelled good (the boundary must map the frame) or bad
(it must refuse it) under the bounds the fuzz runs with: BTC-USD's tick 1 and step 0.00001 for
market frames, the generic bounds for account frames, and a receive time 40 ms after the frame's
own time. Structural mutations (truncation, deletion, a payload of the wrong type, crossed books,
deep nesting) are labelled the same way.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "extended"
RECEIVE_DELAY_MS = 40
_DAY_MS = 86_400_000


class FrameKind(StrEnum):
    BBO = "bbo"
    TRADES = "trades"
    MARK = "mark"
    INDEX = "index"
    ACCOUNT = "account"


@dataclass(frozen=True, slots=True)
class Replacement:
    name: str
    value: Callable[[Any, int], Any]  # (original value, receive time) -> new value
    is_bad: bool


def _fixed(name: str, value: Any, *, bad: bool) -> Replacement:
    return Replacement(name, lambda _original, _received: value, bad)


def _relative(name: str, offset_ms: int, *, bad: bool) -> Replacement:
    return Replacement(name, lambda _original, received: received + offset_ms, bad)


_NOT_A_NUMBER = [
    _fixed("nan", "NaN", bad=True),
    _fixed("infinity", "Infinity", bad=True),
    _fixed("minus_infinity", "-Infinity", bad=True),
    _fixed("huge_exponent", "1e200000", bad=True),
    _fixed("huger_exponent", "1e999999", bad=True),
    _fixed("1e308", "1e308", bad=True),
    _fixed("beyond_1e300", "1.5e301", bad=True),
    _fixed("text", "abc", bad=True),
    _fixed("empty_text", "", bad=True),
    _fixed("null", None, bad=True),
    _fixed("array", [], bad=True),
    _fixed("object", {}, bad=True),
    _fixed("zero", "0", bad=True),
    _fixed("negative", "-1", bad=True),
    _fixed("many_digits", "9" * 10_000, bad=True),
]
_STRICT_ONLY = [
    _fixed("float", 82588.5, bad=True),  # inexact: refused on the market streams
    _fixed("boolean", True, bad=True),
    _fixed("huge_integer", 10**50, bad=True),
]

# Each class: replacements, and whether deleting the field is bad.
FIELD_CLASSES: dict[str, tuple[list[Replacement], bool]] = {
    "book_price": (
        [
            _fixed("other_price", "82589", bad=False),
            _fixed("integer_price", 82588, bad=False),
            _fixed("fractional_price", "82588.25", bad=False),
            _fixed("below_tick", "0.5", bad=True),
            _fixed("beyond_range", "2e9", bad=True),
            *_NOT_A_NUMBER,
            *_STRICT_ONLY,
        ],
        True,
    ),
    "book_size": (
        [
            _fixed("other_size", "1.25", bad=False),
            _fixed("integer_size", 3, bad=False),
            _fixed("one_step", "0.00001", bad=False),
            _fixed("below_step", "0.000001", bad=True),
            _fixed("beyond_range", "1e8", bad=True),
            *_NOT_A_NUMBER,
            *_STRICT_ONLY,
        ],
        True,
    ),
    "account_price": (
        [
            _fixed("other_price", "100.5", bad=False),
            _fixed("integer_price", 100, bad=False),
            _fixed("tiny_price", "0.0001", bad=False),
            _fixed("beyond_range", "2e12", bad=True),
            *_NOT_A_NUMBER,
        ],
        True,
    ),
    "account_size": (
        [
            _fixed("other_size", "20", bad=False),
            _fixed("beyond_range", "2e12", bad=True),
            *_NOT_A_NUMBER,
        ],
        True,
    ),
    "filled_size": (
        [
            _fixed("none_filled", "0", bad=False),
            _fixed("null", None, bad=False),  # a new order: nothing filled yet
            _fixed("all_filled", "10", bad=False),
            _fixed("negative", "-0.5", bad=True),
            _fixed("beyond_size", "25", bad=True),  # beyond the order's size even when that became 20
            _fixed("nan", "NaN", bad=True),
            _fixed("huge_exponent", "1e999999", bad=True),
            _fixed("text", "abc", bad=True),
        ],
        False,
    ),
    "amount": (
        [
            _fixed("negative", "-12.5", bad=False),
            _fixed("zero", "0", bad=False),
            _fixed("beyond_range", "1e301", bad=True),
            _fixed("negative_beyond_range", "-1e301", bad=True),
            _fixed("nan", "NaN", bad=True),
            _fixed("infinity", "Infinity", bad=True),
            _fixed("text", "abc", bad=True),
            _fixed("null", None, bad=True),
            _fixed("many_digits", "1." + "0" * 200 + "1", bad=True),
        ],
        True,
    ),
    "frame_ts": (
        [
            _relative("a_second_before", -1_000 - RECEIVE_DELAY_MS, bad=False),
            _relative("at_receipt", 0, bad=False),
            _relative("two_hours_old", -2 * 3_600_000, bad=True),
            _relative("a_day_ahead", _DAY_MS, bad=True),
            _fixed("ten_to_the_18", 10**18, bad=True),
            _fixed("beyond_int64", 2**63, bad=True),
            _fixed("zero", 0, bad=True),
            _fixed("negative", -1, bad=True),
            _fixed("text", "1790586554509", bad=True),
            _fixed("null", None, bad=True),
            _fixed("float", 1.7e12, bad=True),
            _fixed("boolean", True, bad=True),
        ],
        True,
    ),
    "seq": (
        [
            _fixed("other_seq", 7, bad=False),
            _fixed("largest_int64", 2**63 - 1, bad=False),
            _fixed("two_to_the_63", 2**63, bad=True),
            _fixed("two_to_the_64", 2**64, bad=True),
            _fixed("negative", -1, bad=True),
            _fixed("text", "2", bad=True),
            _fixed("null", None, bad=True),
            _fixed("float", 2.0, bad=True),
            _fixed("boolean", True, bad=True),
        ],
        True,
    ),
    "record_ts": (
        [
            _relative("a_day_old", -_DAY_MS, bad=False),
            _relative("a_second_ago", -1_000, bad=False),
            _relative("two_years_old", -730 * _DAY_MS, bad=True),
            _relative("a_day_ahead", _DAY_MS, bad=True),
            _fixed("ten_to_the_18", 10**18, bad=True),
            _fixed("zero", 0, bad=True),
            _fixed("negative", -5, bad=True),
            _fixed("text", "abc", bad=True),
            _fixed("null", None, bad=True),
        ],
        True,
    ),
    "strict_record_ts": (  # a market frame's: JSON integers only
        [
            _fixed("float", 1.7e12, bad=True),
            _fixed("boolean", True, bad=True),
            _fixed("digit_text", "1790586586451", bad=True),
        ],
        True,
    ),
    "price_ts": (
        [
            _fixed("unset", 0, bad=False),
            _fixed("null", None, bad=False),
            _relative("ten_seconds_ago", -10_000, bad=False),
            _relative("a_day_ahead", _DAY_MS, bad=True),
            _relative("two_hours_old", -2 * 3_600_000, bad=True),
            _fixed("ten_to_the_18", 10**18, bad=True),
            _fixed("negative", -1, bad=True),
            _fixed("text", "0", bad=True),
            _fixed("float", 1.7e12, bad=True),
            _fixed("boolean", True, bad=True),
        ],
        False,
    ),
    "market_symbol": (
        [
            _fixed("other_market", "ETH-USD", bad=True),  # the fuzz knows BTC-USD only
            _fixed("empty", "", bad=True),
            _fixed("number", 42, bad=True),
            _fixed("null", None, bad=True),
            _fixed("long", "X" * 1000, bad=True),
            _fixed("array", ["BTC-USD"], bad=True),
        ],
        True,
    ),
    "account_symbol": (
        [
            _fixed("other_market", "ETH-USD", bad=False),
            _fixed("empty", "", bad=True),
            _fixed("number", 42, bad=True),
            _fixed("null", None, bad=True),
            _fixed("long", "X" * 1000, bad=True),
        ],
        True,
    ),
    "taker_side": (
        [
            _fixed("buy", "BUY", bad=False),
            _fixed("sell", "SELL", bad=False),
            _fixed("lower_case", "buy", bad=True),
            _fixed("null", None, bad=True),
            _fixed("number", 1, bad=True),
            _fixed("array", [], bad=True),
        ],
        True,
    ),
    "trade_kind": (
        [
            _fixed("liquidation", "LIQUIDATION", bad=False),
            _fixed("deleverage", "DELEVERAGE", bad=False),
            _fixed("unknown", "AUCTION", bad=True),
            _fixed("null", None, bad=True),
        ],
        True,
    ),
    "venue_id": (
        [
            _fixed("zero", 0, bad=False),
            _fixed("largest_uint64", 2**64 - 1, bad=False),
            _fixed("two_to_the_64", 2**64, bad=True),
            _fixed("negative", -1, bad=True),
            _fixed("text", "25124", bad=True),
            _fixed("null", None, bad=True),
            _fixed("float", 1.5, bad=True),
            _fixed("boolean", True, bad=True),
        ],
        True,
    ),
    "levels": (
        [
            _fixed("empty_side", [], bad=False),
            _fixed("null", None, bad=True),
            _fixed("text", "82588", bad=True),
            _fixed("object", {"p": "82588", "q": "1"}, bad=True),
            _fixed("level_null", [None], bad=True),
            _fixed("level_text", ["82588"], bad=True),
            _fixed("level_empty", [{}], bad=True),
        ],
        True,
    ),
    "payload": (
        [
            _fixed("null", None, bad=True),
            _fixed("number", 1, bad=True),
            _fixed("text", "BTC-USD", bad=True),
            _fixed("array", [1, 2], bad=True),
            _fixed("object", {"x": 1}, bad=True),
        ],
        True,
    ),
    "ignored": (  # fields the mapping does not read
        [
            _fixed("null", None, bad=False),
            _fixed("number", 1e308, bad=False),
            _fixed("nested", {"a": [1, {"b": None}]}, bad=False),
        ],
        False,
    ),
}

_MARKET_ENVELOPE = {"seq": "seq", "ts": "frame_ts", "type": "ignored"}
_BBO_SIDE = {"p": "book_price", "q": "book_size"}
_PRINT = {
    "m": "market_symbol",
    "T": "record_ts+strict_record_ts",
    "i": "venue_id",
    "p": "book_price",
    "q": "book_size",
    "S": "taker_side",
    "tT": "trade_kind",
}
_PRICE = {"data": "payload", "data.m": "market_symbol", "data.p": "book_price", "data.ts": "price_ts"}
_ORDER = {
    "market": "account_symbol",
    "price": "account_price",
    "qty": "account_size",
    "filledQty": "filled_size",
    "createdTime": "record_ts",
    "updatedTime": "record_ts",
    "side": "taker_side",
}


def _prefixed(prefix: str, fields: dict[str, str]) -> dict[str, str]:
    return {f"{prefix}.{path}": kind for path, kind in fields.items()}


@dataclass(frozen=True, slots=True)
class BaseFrame:
    fixture: str
    kind: FrameKind
    fields: dict[str, str]  # dotted path -> field class


BASE_FRAMES = (
    BaseFrame(
        "bbo.json",
        FrameKind.BBO,
        {
            **_MARKET_ENVELOPE,
            "data": "payload",
            "data.m": "market_symbol",
            "data.t": "ignored",
            "data.b": "levels",
            "data.a": "levels",
            **_prefixed("data.b.0", _BBO_SIDE),
            **_prefixed("data.a.0", _BBO_SIDE),
        },
    ),
    BaseFrame(
        "public_trades_live.json",
        FrameKind.TRADES,
        {**_MARKET_ENVELOPE, **_prefixed("data.0", _PRINT), **_prefixed("data.1", _PRINT)},
    ),
    BaseFrame("public_trades.json", FrameKind.TRADES, {**_MARKET_ENVELOPE, **_prefixed("data.0", _PRINT)}),
    BaseFrame("mark_price_live.json", FrameKind.MARK, {**_MARKET_ENVELOPE, **_PRICE}),
    BaseFrame("mark_price.json", FrameKind.MARK, {**_MARKET_ENVELOPE, **_PRICE, "sourceEventId": "ignored"}),
    BaseFrame("index_price.json", FrameKind.INDEX, {**_MARKET_ENVELOPE, **_PRICE}),
    BaseFrame(
        "account_order.json",
        FrameKind.ACCOUNT,
        {**_MARKET_ENVELOPE, **_prefixed("data.orders.0", _ORDER)},
    ),
    BaseFrame(
        "error_post_only.json",
        FrameKind.ACCOUNT,
        {
            **_MARKET_ENVELOPE,
            **_prefixed("data.orders.0", {path: kind for path, kind in _ORDER.items() if path != "filledQty"}),
        },
    ),
    BaseFrame(
        "account_trade.json",
        FrameKind.ACCOUNT,
        {
            **_MARKET_ENVELOPE,
            **_prefixed(
                "data.trades.0",
                {
                    "market": "account_symbol",
                    "price": "account_price",
                    "qty": "account_size",
                    "fee": "amount",
                    "createdTime": "record_ts",
                },
            ),
        },
    ),
    BaseFrame(
        "account_position.json",
        FrameKind.ACCOUNT,
        {
            **_MARKET_ENVELOPE,
            **_prefixed(
                "data.positions.0",
                {
                    "market": "account_symbol",
                    "openPrice": "account_price",
                    "unrealisedPnl": "amount",
                    "realisedPnl": "amount",
                    "updatedAt": "record_ts",
                },
            ),
        },
    ),
    BaseFrame(
        "account_balance.json",
        FrameKind.ACCOUNT,
        {
            **_MARKET_ENVELOPE,
            **_prefixed(
                "data.balance", {"equity": "amount", "availableForTrade": "amount", "updatedTime": "record_ts"}
            ),
        },
    ),
)


@dataclass(frozen=True, slots=True)
class MutatedFrame:
    base: BaseFrame
    raw: str
    received_ts_ms: int
    mutations: tuple[str, ...]
    is_bad: bool
    is_crossed: bool


def _parent_and_key(body: Any, path: str) -> tuple[Any, Any] | None:
    """The container holding `path` and the key in it, or None when the path no longer exists."""
    *parents, last = path.split(".")
    node = body
    for part in parents:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    if isinstance(node, dict):
        return (node, last) if last in node else None
    if isinstance(node, list) and last.isdigit() and int(last) < len(node):
        return node, int(last)
    return None


class FrameMutator:
    """Produces mutated frames from the fixtures, each labelled with whether it must be refused."""

    def __init__(self, seed: int) -> None:
        self._random = random.Random(seed)
        self._bases = [(base, json.loads((FIXTURES / base.fixture).read_text())) for base in BASE_FRAMES]

    def frame(self) -> MutatedFrame:
        base, original = self._random.choice(self._bases)
        body = json.loads(json.dumps(original))
        received_ts_ms = original["ts"] + RECEIVE_DELAY_MS
        roll = self._random.random()
        applied: list[tuple[str, bool]] = []
        is_crossed = False
        if roll < 0.1:
            pass  # an untouched frame must map too
        elif roll < 0.17 and base.kind is FrameKind.BBO:
            is_crossed = self._cross(body, applied)
        elif roll < 0.19:
            body = self._whole_frame(body)
            applied.append(("whole_frame", True))
        else:
            # Parents before children: a child's mutation must not survive its parent's replacement.
            paths = sorted(self._random.sample(sorted(base.fields), k=self._random.choice((1, 1, 1, 2, 3))))
            for path in paths:
                self._mutate_field(body, path, base.fields[path], received_ts_ms, applied)
        raw = body if isinstance(body, str) else json.dumps(body)
        if self._random.random() < 0.04:
            cut = self._random.randrange(1, len(raw.rstrip()))
            raw = raw[:cut]
            applied.append(("truncated", True))
        names = tuple(name for name, _ in applied)
        return MutatedFrame(base, raw, received_ts_ms, names, any(bad for _, bad in applied), is_crossed)

    def _whole_frame(self, body: dict[str, Any]) -> str:
        """Text that is no frame at all: another JSON value, nesting too deep to decode, or not JSON."""
        choice = self._random.randrange(4)
        if choice == 0:
            return json.dumps(list(body.values()))
        if choice == 1:
            return "null"
        if choice == 2:
            return f'{{"ts": {body["ts"]}, "seq": 1, "data": {"[" * 50_000 + "]" * 50_000}}}'
        return "not json at all"

    def _cross(self, body: dict[str, Any], applied: list[tuple[str, bool]]) -> bool:
        data = body["data"]
        ask = data["a"][0]["p"]
        is_locked = self._random.random() < 0.3
        data["b"][0]["p"] = ask if is_locked else str(int(ask) + self._random.randint(1, 50_000))
        applied.append(("locked_book" if is_locked else "crossed_book", False))
        return True

    def _mutate_field(
        self, body: Any, path: str, field_class: str, received_ts_ms: int, applied: list[tuple[str, bool]]
    ) -> None:
        located = _parent_and_key(body, path)
        if located is None:
            return  # an earlier mutation replaced its parent
        parent, key = located
        replacements: list[Replacement] = []
        is_deletion_bad = False
        for name in field_class.split("+"):
            options, deletion_bad = FIELD_CLASSES[name]
            replacements += options
            is_deletion_bad = is_deletion_bad or deletion_bad
        if isinstance(parent, dict) and self._random.random() < 0.1:
            del parent[key]
            applied.append((f"{field_class}:deleted", is_deletion_bad))
            return
        replacement = self._random.choice(replacements)
        parent[key] = replacement.value(parent[key], received_ts_ms)
        applied.append((f"{field_class}:{replacement.name}", replacement.is_bad))

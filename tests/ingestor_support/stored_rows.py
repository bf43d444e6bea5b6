"""What the fake server sent, as the rows it should become, and what the database holds, in one form.

The expectation restates the wire format (PROTOCOL.md §3) independently of the adapter's mapping:
a best bid/offer frame is one `md_bbo` row at the frame's time; a trades frame is one `md_trade`
row per print, at the print's time, marked replay on a connection's first frame; a mark or index
frame is one `md_price` row at the price's own time (the frame's when that is 0).
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from decimal import Decimal
from typing import Any

import psycopg

from tests.ingestor_support.frame_tap import TappedFrame

Row = tuple[Any, ...]


def _side(level: list[dict[str, str]]) -> tuple[Decimal | None, Decimal | None]:
    return (Decimal(level[0]["p"]), Decimal(level[0]["q"])) if level else (None, None)


def rows_of_frame(frame: TappedFrame) -> list[Row]:
    body = json.loads(frame.text)
    data, ts_ms, seq = body["data"], body["ts"], body["seq"]
    if "/orderbooks/" in frame.path:
        return [("md_bbo", data["m"], ts_ms, seq, *_side(data["b"]), *_side(data["a"]))]
    if "/publicTrades/" in frame.path:
        return [
            (
                "md_trade",
                t["m"],
                t["T"],
                seq,
                str(t["i"]),
                Decimal(t["p"]),
                Decimal(t["q"]),
                t["S"].lower(),
                t["tT"].lower(),
                seq == 1,
            )
            for t in data
        ]
    kind = "mark" if "/prices/mark/" in frame.path else "index"
    price_ts_ms = data.get("ts") or ts_ms
    return [("md_price", data["m"], kind, price_ts_ms, seq, Decimal(data["p"]))]


def expected_rows(frames: list[TappedFrame]) -> Counter[Row]:
    return Counter(row for frame in frames for row in rows_of_frame(frame))


def expected_raw_messages(frames: list[TappedFrame]) -> Counter[str]:
    """Every sent message that carries data, as normalised JSON (an empty trades history has none)."""
    return Counter(_normal(json.loads(frame.text)) for frame in frames if rows_of_frame(frame))


def _normal(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def _ms(ts: datetime) -> int:
    return round(ts.timestamp() * 1000)


def stored_rows(url: str) -> Counter[Row]:
    with psycopg.connect(url) as conn:
        bbo = conn.execute("SELECT symbol, ts, seq, bid_px, bid_sz, ask_px, ask_sz FROM md_bbo").fetchall()
        trades = conn.execute(
            "SELECT symbol, ts, seq, trade_id, price, size, taker_side, kind, is_replay FROM md_trade"
        ).fetchall()
        prices = conn.execute("SELECT symbol, kind, ts, seq, price FROM md_price").fetchall()
    rows: Counter[Row] = Counter()
    rows.update(("md_bbo", s, _ms(ts), *rest) for s, ts, *rest in bbo)
    rows.update(("md_trade", s, _ms(ts), *rest) for s, ts, *rest in trades)
    rows.update(("md_price", s, kind, _ms(ts), *rest) for s, kind, ts, *rest in prices)
    return rows


def stored_raw_messages(url: str) -> Counter[str]:
    query = " UNION ALL ".join(
        f"SELECT raw FROM {table} WHERE raw IS NOT NULL" for table in ("md_bbo", "md_trade", "md_price")
    )
    with psycopg.connect(url) as conn:
        return Counter(_normal(json.loads(raw)) for (raw,) in conn.execute(query))


def stored_row_numbers(url: str) -> list[int]:
    query = " UNION ALL ".join(f"SELECT row_no FROM {table}" for table in ("md_bbo", "md_trade", "md_price"))
    with psycopg.connect(url) as conn:
        return sorted(row_no for (row_no,) in conn.execute(query))

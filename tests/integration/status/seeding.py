"""Rows as the apps write them, for status tests: one market seen by every app, under a test's own exchange."""

from __future__ import annotations

import json

import psycopg

from mm.adapters.postgres.epoch_ms import to_datetime
from mm.adapters.postgres.partitions import create_partition_sql, day_of_ms
from mm.domain.day_pnl import DAY_MS

NOW_MS = 1_765_000_000_000 - 1_765_000_000_000 % DAY_MS + 12 * 3_600_000  # noon UTC
YESTERDAY_MS = NOW_MS - DAY_MS


def seed_market(url: str, exchange: str, symbol: str) -> None:
    """Long 1 from yesterday at 100 (mid 110 at midnight), sold today at 120, bought 1 at 118; book 119/121."""
    with psycopg.connect(url) as conn:
        for day_ms in (YESTERDAY_MS, NOW_MS):
            conn.execute(create_partition_sql("md_bbo", day_of_ms(day_ms)))
        conn.execute(
            "INSERT INTO md_bbo (exchange, symbol, ts, bid_px, ask_px, source_id, row_no) VALUES (%s, %s, %s, 109, 111, 1, 1)",
            (exchange, symbol, to_datetime(NOW_MS - NOW_MS % DAY_MS - 1_000)),
        )
        conn.execute(
            "INSERT INTO latest_top (exchange, symbol, ts, bid_px, ask_px, updated_at) VALUES (%s, %s, %s, 119, 121, %s)",
            (exchange, symbol, to_datetime(NOW_MS - 500), to_datetime(NOW_MS - 400)),
        )
        fills = [
            ("f0", YESTERDAY_MS, "buy", 100, "0"),
            ("f1", NOW_MS - 60_000, "sell", 120, "0.01"),
            ("f2", NOW_MS - 30_000, "buy", 118, "0.01"),
        ]
        for fill_id, ts_ms, side, price, fee in fills:
            conn.execute(
                "INSERT INTO ex_fill (exchange, fill_id, symbol, ts, side, price, size, fee, is_taker) "
                "VALUES (%s, %s, %s, %s, %s, %s, 1, %s, false)",
                (exchange, f"{symbol}-{fill_id}", symbol, to_datetime(ts_ms), side, price, fee),
            )
        conn.execute(
            "INSERT INTO fills_enriched (exchange, fill_id, symbol, ts, side, price, size, fee, markout_10s_bps, "
            "is_complete, enriched_at) VALUES (%s, %s, %s, %s, 'sell', 120, 1, 0.01, 2.5, false, %s)",
            (exchange, f"{symbol}-f1", symbol, to_datetime(NOW_MS - 60_000), to_datetime(NOW_MS - 20_000)),
        )
        detail = {
            "mode_since_ts_ms": NOW_MS - 300_000,
            "orders": [
                {"client_order_id": "mm-1", "side": "buy", "price": "119.5", "size": "1", "phase": "open"},
                {"client_order_id": "mm-2", "side": "sell", "price": "120.5", "size": "1", "phase": "open"},
            ],
        }
        conn.execute(
            "INSERT INTO strategy_state (exchange, symbol, version, mode, mode_reasons, params_version, saved_ts, detail) "
            "VALUES (%s, %s, 7, 'DEFENSIVE', ARRAY['volatility_high'], 3, %s, %s)",
            (exchange, symbol, to_datetime(NOW_MS - 2_000), json.dumps(detail)),
        )
        conn.execute(
            "INSERT INTO md_gap (exchange, symbol, stream, kind, from_ts) VALUES (%s, %s, 'orderbooks', 'seq_gap', %s)",
            (exchange, symbol, to_datetime(NOW_MS - 10_000)),
        )
        conn.execute(
            "INSERT INTO md_gap (exchange, symbol, stream, kind, from_ts, to_ts) "
            "VALUES (%s, %s, 'trades', 'disconnect', %s, %s)",
            (exchange, symbol, to_datetime(NOW_MS - 90_000), to_datetime(NOW_MS - 80_000)),
        )

"""Rows as the apps write them, for dashboard tests: one market seen by every app, at a chosen `now_ms`.

The book and our quotes over the last minutes, mode changes, fills with markouts, gaps, minute and hour
aggregates, a proposal with its reasoning file, its rollouts, and two stored backtest runs.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import psycopg

from mm.adapters.postgres.epoch_ms import to_datetime
from mm.adapters.postgres.partitions import create_partition_sql, day_of_ms
from mm.domain.day_pnl import DAY_MS

MINUTE_MS = 60_000
HOUR_MS = 3_600_000


@dataclass(frozen=True, slots=True)
class Seeded:
    exchange: str
    symbol: str
    now_ms: int
    proposal_id: str
    run_ids: tuple[int, int]


def seed_everything(url: str, exchange: str, symbol: str, now_ms: int, log_dir: Path) -> Seeded:
    with psycopg.connect(url) as conn:
        _book(conn, exchange, symbol, now_ms)
        _trading(conn, exchange, symbol, now_ms)
        _aggregates(conn, exchange, symbol, now_ms)
        proposal_id = _learning(conn, exchange, symbol, now_ms, log_dir)
        run_ids = (_backtest(conn, symbol, now_ms, 1.0), _backtest(conn, symbol, now_ms, 2.0))
    return Seeded(exchange, symbol, now_ms, proposal_id, run_ids)


def insert_fill(url: str, exchange: str, symbol: str, *, fill_id: str, ts_ms: int, side: str, price: float) -> None:
    """One fill as the executor journals it."""
    with psycopg.connect(url) as conn:
        conn.execute(
            "INSERT INTO ex_fill (exchange, fill_id, symbol, ts, side, price, size, fee, is_taker) "
            "VALUES (%s, %s, %s, %s, %s, %s, 0.001, 0.0002, false)",
            (exchange, fill_id, symbol, to_datetime(ts_ms), side, price),
        )


def _book(conn: psycopg.Connection, exchange: str, symbol: str, now_ms: int) -> None:
    for day_ms in (now_ms - DAY_MS, now_ms):
        conn.execute(create_partition_sql("md_bbo", day_of_ms(day_ms)))
    rows = []
    for i in range(600):  # one a second over the last 10 minutes
        ts_ms = now_ms - 600_000 + i * 1000
        mid = 100 + (i % 60) / 10
        rows.append((exchange, symbol, to_datetime(ts_ms), mid - 0.05, mid + 0.05, i))
    with conn.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO md_bbo (exchange, symbol, ts, bid_px, ask_px, source_id, row_no) VALUES (%s, %s, %s, %s, %s, 1, %s)",
            rows,
        )
    conn.execute(
        "INSERT INTO latest_top (exchange, symbol, ts, bid_px, ask_px, updated_at) VALUES (%s, %s, %s, 105.85, 105.95, %s)",
        (exchange, symbol, to_datetime(now_ms - 1000), to_datetime(now_ms - 900)),
    )


def _trading(conn: psycopg.Connection, exchange: str, symbol: str, now_ms: int) -> None:
    modes = [
        (now_ms - 900_000, "NORMAL", None, []),
        (now_ms - 300_000, "DEFENSIVE", "NORMAL", ["volatility_high"]),
        (now_ms - 120_000, "PAUSE", "DEFENSIVE", ["data_gap"]),
        (now_ms - 60_000, "NORMAL", "PAUSE", []),
    ]
    for ts_ms, mode, prev, reasons in modes:
        conn.execute(
            "INSERT INTO ex_decision (exchange, symbol, ts, mode, prev_mode, reasons, params_version, bid_px, ask_px) "
            "VALUES (%s, %s, %s, %s, %s, %s, 1, 99.9, 100.1)",
            (exchange, symbol, to_datetime(ts_ms), mode, prev, reasons),
        )
    for i in range(60):  # decisions that keep the mode (prev_mode NULL), one every 10 s, quoting around the book
        ts_ms = now_ms - 600_000 + i * 10_000 + 500
        mid = 100 + ((i * 10) % 60) / 10
        _, mode, _, reasons = [change for change in modes if change[0] <= ts_ms][-1]
        conn.execute(
            "INSERT INTO ex_decision (exchange, symbol, ts, mode, prev_mode, reasons, params_version, bid_px, ask_px) "
            "VALUES (%s, %s, %s, %s, NULL, %s, 1, %s, %s)",
            (exchange, symbol, to_datetime(ts_ms), mode, reasons, mid - 0.2, mid + 0.2),
        )
    fills = [("f1", now_ms - 200_000, "buy", 100.8), ("f2", now_ms - 100_000, "sell", 101.6)]
    for fill_id, ts_ms, side, price in fills:
        conn.execute(
            "INSERT INTO ex_fill (exchange, fill_id, symbol, ts, side, price, size, fee, is_taker, mode) "
            "VALUES (%s, %s, %s, %s, %s, %s, 0.001, 0.0002, false, 'NORMAL')",
            (exchange, f"{symbol}-{fill_id}", symbol, to_datetime(ts_ms), side, price),
        )
        conn.execute(
            "INSERT INTO fills_enriched (exchange, fill_id, symbol, ts, side, price, size, fee, mid_at_fill, "
            "markout_1s, markout_10s, markout_60s, markout_1s_bps, markout_10s_bps, markout_60s_bps, mode, is_complete) "
            "VALUES (%s, %s, %s, %s, %s, %s, 0.001, 0.0002, %s, 0.01, -0.02, 0.03, 1.0, -2.0, 3.0, 'NORMAL', true)",
            (exchange, f"{symbol}-{fill_id}", symbol, to_datetime(ts_ms), side, price, price),
        )
    detail = {
        "mode_since_ts_ms": now_ms - 60_000,
        "orders": [
            {"client_order_id": "mm-1", "side": "buy", "price": "105.7", "size": "0.001", "phase": "open"},
            {"client_order_id": "mm-2", "side": "sell", "price": "106.1", "size": "0.001", "phase": "open"},
        ],
    }
    conn.execute(
        "INSERT INTO strategy_state (exchange, symbol, version, mode, mode_reasons, params_version, saved_ts, detail) "
        "VALUES (%s, %s, 3, 'NORMAL', '{}', 1, %s, %s)",
        (exchange, symbol, to_datetime(now_ms - 1_000), json.dumps(detail)),
    )
    conn.execute(
        "INSERT INTO md_gap (exchange, symbol, stream, kind, from_ts) VALUES (%s, %s, 'orderbooks', 'seq_gap', %s)",
        (exchange, symbol, to_datetime(now_ms - 10_000)),
    )
    conn.execute(
        "INSERT INTO md_gap (exchange, symbol, stream, kind, from_ts, to_ts) VALUES (%s, %s, 'trades', 'reconnect', %s, %s)",
        (exchange, symbol, to_datetime(now_ms - 130_000), to_datetime(now_ms - 118_000)),
    )


def _aggregates(conn: psycopg.Connection, exchange: str, symbol: str, now_ms: int) -> None:
    for table, width_ms, count in (("agg_1m", MINUTE_MS, 30), ("agg_1h", HOUR_MS, 6)):
        for i in range(count):
            start_ms = now_ms - now_ms % width_ms - (count - 1 - i) * width_ms
            conn.execute(
                f"INSERT INTO {table} (exchange, symbol, bucket_start, fill_count, buy_count, sell_count, volume, "
                "notional, fees, mean_markout_1s_bps, mean_markout_10s_bps, mean_markout_60s_bps, realized_pnl, mtm_pnl, "
                "pause_count, time_normal_s, time_defensive_s, time_pause_s, quote_uptime, position_end, "
                "spread_capture, inventory_pnl, funding_pnl) "
                "VALUES (%s, %s, %s, %s, %s, %s, 0.004, 0.4, 0.0008, %s, %s, %s, %s, %s, 0, %s, %s, %s, 0.9, 0, "
                "%s, -0.05, -0.001)",
                (
                    exchange,
                    symbol,
                    to_datetime(start_ms),
                    4,
                    2,
                    2,
                    0.5 + i / 10,
                    -1 + i / 10,
                    1 - i / 20,
                    0.01 * i,
                    0.02 * i - 0.05,
                    width_ms / 1000 * 0.8,
                    width_ms / 1000 * 0.15,
                    width_ms / 1000 * 0.05,
                    0.02 * i,  # spread capture; with the inventory PnL of -0.05 it makes the marked PnL
                ),
            )


def _learning(conn: psycopg.Connection, exchange: str, symbol: str, now_ms: int, log_dir: Path) -> str:
    proposal_id = f"p-{symbol.lower()}"
    folder = log_dir / "llm"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"llm-reflection-{exchange}-{symbol}-20261203T000000Z-{proposal_id}.json"
    data = (
        json.dumps(
            {"format": "mm.llm-reflection/2", "proposal_id": proposal_id, "prompt": {"user_prompt": "why"}}, indent=2
        )
        + "\n"
    ).encode()
    path.write_bytes(data)
    changes = [{"name": "base_half_spread_bps", "new_value": 2.5, "reason": "markouts negative at 10 s"}]
    conditions = [{"metric": "markout_10s_bps", "comparison": "below", "threshold": -3.0}]
    conn.execute(
        "INSERT INTO llm_proposal (id, exchange, symbol, input_window_start, input_window_end, status, model, "
        "base_params_version, changes, rollback_conditions, rationale, reasoning_path, reasoning_sha256, created_at, updated_at) "
        "VALUES (%s, %s, %s, %s, %s, 'rolled_back', 'offline', 1, %s, %s, 'widen the spread', %s, %s, %s, %s)",
        (
            proposal_id,
            exchange,
            symbol,
            to_datetime(now_ms - 2 * HOUR_MS),
            to_datetime(now_ms - HOUR_MS),
            json.dumps(changes),
            json.dumps(conditions),
            str(path),
            hashlib.sha256(data).hexdigest(),
            to_datetime(now_ms - HOUR_MS + 1000),
            to_datetime(now_ms - 10_000),
        ),
    )
    rollouts = [
        (now_ms - HOUR_MS + 5000, "applied", 1, 2, []),
        (now_ms - 10_000, "rolled_back", 2, 3, ["markout_10s_bps below -3.0"]),
    ]
    for ts_ms, action, from_v, to_v, reasons in rollouts:
        conn.execute(
            "INSERT INTO param_rollout (proposal_id, exchange, symbol, ts, action, from_version, to_version, reasons, detail) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (
                proposal_id,
                exchange,
                symbol,
                to_datetime(ts_ms),
                action,
                from_v,
                to_v,
                reasons,
                json.dumps(
                    {"facts": {"mode": "NORMAL", "pause_count": 0, "data_gap_count": 0, "exchange_error_count": 0}}
                ),
            ),
        )
    return proposal_id


def _backtest(conn: psycopg.Connection, symbol: str, now_ms: int, half_spread_bps: float) -> int:
    start_ms = now_ms - 3 * HOUR_MS
    run_id: int = conn.execute(
        "INSERT INTO backtest_run (exchange, symbol, start_ts, end_ts, data_source, data_sha256, rows, params, settings, summary) "
        "VALUES ('binance', %s, %s, %s, 'slice', %s, 1000, %s, %s, %s) RETURNING id",
        (
            symbol,
            to_datetime(start_ms),
            to_datetime(start_ms + 180_000),
            "0" * 64,
            json.dumps({"base_half_spread_bps": half_spread_bps}),
            json.dumps({"fill_model": "touch"}),
            json.dumps(
                {
                    "fills": int(4 / half_spread_bps),
                    "realized_pnl": str(0.5 * half_spread_bps),
                    "mtm_pnl": str(0.4 * half_spread_bps),
                    "mean_markout_bps": {"1": 0.5, "10": -half_spread_bps, "60": 1.5},
                }
            ),
        ),
    ).fetchone()[0]  # type: ignore[index]
    for i, side in enumerate(("buy", "sell")):
        conn.execute(
            "INSERT INTO backtest_fill (run_id, fill_id, ts, side, price, size, fee, mode, position_after, mid_at_fill, "
            "markout_10s, markout_10s_bps) VALUES (%s, %s, %s, %s, 100, 0.001, 0, 'NORMAL', %s, 100, 0.01, 1.0)",
            (run_id, f"bt-{i}", to_datetime(start_ms + 60_000 * (i + 1)), side, "0.001" if side == "buy" else "0"),
        )
    conn.execute(
        "INSERT INTO backtest_mode (run_id, seq, ts, mode, reasons) VALUES (%s, 0, %s, 'NORMAL', '{}'), (%s, 1, %s, 'DEFENSIVE', ARRAY['spread_wide'])",
        (run_id, to_datetime(start_ms), run_id, to_datetime(start_ms + 90_000)),
    )
    return run_id

"""The set-based SQL that enriches a batch of pending fills in one statement.

Each as-of look-up is a LATERAL `ORDER BY ts DESC ... LIMIT 1` on md_bbo's (exchange, symbol, ts DESC)
index, bounded below by the staleness limit so run-time partition pruning touches one or two day
partitions. The markout arithmetic mirrors `mm.domain.markouts` (buy: mid - price, sell: price - mid,
bps of the fill price, rounded like `mm.domain.fill_enrichment`); a parity test holds the two together.
"""

from __future__ import annotations

from mm.domain.fill_enrichment import MARKOUT_BPS_DECIMALS
from mm.domain.fill_summary import MARKOUT_HORIZONS_S

_AS_OF_MID = """
    LEFT JOIN LATERAL (
        SELECT (b.bid_px + b.ask_px) / 2 AS mid, b.ask_px - b.bid_px AS spread
        FROM md_bbo b
        WHERE b.exchange = batch.exchange AND b.symbol = batch.symbol
          AND b.ts <= batch.ts + interval '{horizon_s} seconds'
          AND b.ts >= batch.ts + interval '{horizon_s} seconds' - :max_staleness
          AND b.bid_px IS NOT NULL AND b.ask_px IS NOT NULL
          AND batch.ts + interval '{horizon_s} seconds' <= data_end.end_ts
        ORDER BY b.ts DESC, b.source_id DESC, b.row_no DESC
        LIMIT 1
    ) {alias} ON true"""

_MARKOUT = "CASE WHEN side = 'buy' THEN {alias}.mid - price ELSE price - {alias}.mid END"


def _as_of(alias: str, horizon_s: int) -> str:
    return _AS_OF_MID.format(alias=alias, horizon_s=horizon_s)


def _markout_columns() -> str:
    parts = []
    for horizon_s in MARKOUT_HORIZONS_S:
        markout = _MARKOUT.format(alias=f"h{horizon_s}")
        parts.append(f"{markout} AS markout_{horizon_s}s")
        parts.append(f"round(({markout}) * 10000 / price, {MARKOUT_BPS_DECIMALS}) AS markout_{horizon_s}s_bps")
    return ",\n        ".join(parts)


def _enrichment_columns() -> list[str]:
    columns = ["mid_at_fill", "spread_at_fill"]
    columns += [f"markout_{h}s" for h in MARKOUT_HORIZONS_S]
    columns += [f"markout_{h}s_bps" for h in MARKOUT_HORIZONS_S]
    return columns


def enrich_pending_sql(*, with_symbol: bool) -> str:
    """One statement: pick the batch, look up mids, upsert, and report what changed per market.

    Binds: exchange, after_fill_id, limit, max_staleness (interval) and, `with_symbol`, symbol.
    Returns one row per touched market (or a single row with NULL symbol when none was touched),
    each carrying the batch's `examined` count and `last_fill_id` cursor.
    """
    symbol_filter = "AND f.symbol = :symbol" if with_symbol else ""
    enrichment = _enrichment_columns()
    horizons = "".join(_as_of(f"h{h}", h) for h in MARKOUT_HORIZONS_S)
    complete = " AND ".join(f"markout_{h}s IS NOT NULL" for h in MARKOUT_HORIZONS_S)
    updates = ", ".join(f"{column} = EXCLUDED.{column}" for column in enrichment)
    stored = ", ".join(f"fills_enriched.{column}" for column in enrichment)
    incoming = ", ".join(f"EXCLUDED.{column}" for column in enrichment)
    return f"""
WITH batch AS (
    SELECT f.exchange, f.fill_id, f.symbol, f.ts, f.side, f.price, f.size, f.fee, f.mode, f.params_version
    FROM ex_fill f
    WHERE f.exchange = :exchange AND f.fill_id > :after_fill_id {symbol_filter}
      AND NOT EXISTS (
          SELECT 1 FROM fills_enriched e
          WHERE e.exchange = f.exchange AND e.fill_id = f.fill_id AND e.is_complete
      )
    ORDER BY f.fill_id
    LIMIT :limit
),
data_end AS (
    SELECT markets.symbol, latest.ts AS end_ts
    FROM (SELECT DISTINCT symbol FROM batch) markets
    LEFT JOIN LATERAL (
        SELECT b.ts FROM md_bbo b
        WHERE b.exchange = :exchange AND b.symbol = markets.symbol
        ORDER BY b.ts DESC LIMIT 1
    ) latest ON true
),
looked_up AS (
    SELECT batch.*, at_fill.mid AS mid_at_fill, at_fill.spread AS spread_at_fill,
        {_markout_columns()}
    -- In time order, consecutive look-ups walk the index nearly in order and mostly hit cached pages.
    FROM (SELECT * FROM batch ORDER BY symbol, ts) batch
    JOIN data_end USING (symbol)
    {_as_of("at_fill", 0)}{horizons}
),
written AS (
    INSERT INTO fills_enriched (
        exchange, fill_id, symbol, ts, side, price, size, fee, mode, params_version, is_complete,
        {", ".join(enrichment)}
    )
    SELECT exchange, fill_id, symbol, ts, side, price, size, fee, mode, params_version, {complete},
        {", ".join(enrichment)}
    FROM looked_up
    ON CONFLICT (exchange, fill_id) DO UPDATE SET {updates},
        is_complete = EXCLUDED.is_complete, enriched_at = now()
    WHERE ({stored}) IS DISTINCT FROM ({incoming})
    RETURNING symbol, ts, is_complete
)
SELECT pass.examined, pass.last_fill_id, touched.symbol, touched.first_ts, touched.last_ts,
    touched.written, touched.completed
FROM (SELECT count(*) AS examined, max(fill_id) AS last_fill_id FROM batch) pass
LEFT JOIN (
    SELECT symbol, min(ts) AS first_ts, max(ts) AS last_ts, count(*) AS written,
        count(*) FILTER (WHERE is_complete) AS completed
    FROM written GROUP BY symbol
) touched ON true
ORDER BY touched.symbol
"""

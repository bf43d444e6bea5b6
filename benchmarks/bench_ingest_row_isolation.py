"""What the ingest writer's per-row isolation costs: rows/s before and after, measured in one run.

Issue #14's change gave the md_* writer a check per row (a time, seq or number its columns cannot
hold is set aside instead of failing the batch), a numeric encoder linear in its digits, and a
savepoint-halving path for a batch Postgres refuses. "Before" is the previous encoding loop and
numeric encoder, kept here verbatim as reference code; "after" is the package's own.

1. encoding only (CPU, no database): `MarketRowEncoder.encode` over the shipped slice's best
   bid/offer rows (raw frame kept), before against after;
2. the writer end to end: `PostgresMarketDataSink.append()` for every row, then `flush()` (queue,
   batching, binary COPY, ledger, latest_top), with the before and the after encoder;
3. one batch of `--rows` rows holding one row Postgres refuses (a NUL in a text): stored by the
   isolating path (the row set aside, the rest stored) against a clean batch's plain write;
4. the numeric encoder on `1e100000` (the quadratic case), before against after.

Each figure is the median of `--repeat` interleaved rounds. Creates its own database on the server
of MM_BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/test) and drops it after.
Run: `python benchmarks/bench_ingest_row_isolation.py [--rows N] [--repeat N]`.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import gzip
import json
import os
import statistics
import struct
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from mm.adapters.observability.prometheus import PrometheusMetrics
from mm.adapters.postgres import migrations
from mm.adapters.postgres.ingest.batch import BatchBuilder, RecordingSource
from mm.adapters.postgres.ingest.batch_writer import PostgresBatchWriter
from mm.adapters.postgres.ingest.market_data_rows import MS_PER_DAY, Row, bbo_row, price_row, trade_row
from mm.adapters.postgres.ingest.market_data_sink import PostgresMarketDataSink
from mm.adapters.postgres.ingest.market_row_encoder import EncodedRows, MarketRowEncoder
from mm.adapters.postgres.ingest.numeric_binary import NumericCache, encode_numeric
from mm.adapters.postgres.partitions import create_partition_sql, day_of_ms
from mm.adapters.postgres.tables import PARTITIONED_TABLES
from mm.domain.market_events import BestBidOffer, PriceUpdate, PublicTrade
from mm.domain.recorded_rows import MarketDataRow, continues_message

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/test"
SLICE = Path(__file__).resolve().parents[1] / "src" / "mm" / "data" / "binance_usdm_btcusdt_20240808_3min.bbo.csv.gz"
EXCHANGE, SYMBOL = "extended", "BTC-USD"


# --- before: the previous encoding loop and numeric encoder, verbatim ------------------------------


class BeforeEncoder(MarketRowEncoder):
    """The encoding loop as it was: no check per row."""

    def encode(self, items: Iterable[object], into: EncodedRows) -> None:
        numeric, last_ms, days = self._numeric, self._last_ms, into.days
        targets: dict[type, tuple[list[Row], Callable[[Any, int, int, str | None, NumericCache], Row]]] = {
            BestBidOffer: (into.bbo, bbo_row),
            PublicTrade: (into.trades, trade_row),
            PriceUpdate: (into.prices, price_row),
        }
        previous, row_no, last_day = self._previous, self.row_no, -1
        for item in items:
            target = targets.get(type(item))
            if target is None:
                continue
            row: MarketDataRow = item  # type: ignore[assignment]
            ts_ms, msg_no = row.exchange_ts_ms, 0
            if type(row) is not PublicTrade:
                stream = row.symbol if type(row) is BestBidOffer else (row.symbol, row.kind)  # type: ignore[union-attr]
                state = last_ms.get(stream)
                if state is None:
                    last_ms[stream] = [ts_ms, 0]
                elif state[0] == ts_ms:
                    msg_no = state[1] = state[1] + 1
                else:
                    state[0], state[1] = ts_ms, 0
            row_no += 1
            raw: str | None = row.raw or None
            if (
                raw is not None
                and previous is not None
                and previous.seq == row.seq
                and continues_message(previous, row)
            ):
                raw = None
            rows, encode = target
            rows.append(encode(row, row_no, msg_no, raw, numeric))
            previous = row
            day = ts_ms // MS_PER_DAY
            if day != last_day:
                days.add(day)
                last_day = day
        self._previous, self.row_no = previous, row_no


_HEADER = struct.Struct(">hhHh")


def before_encode_numeric(value: Decimal) -> bytes:
    """The numeric encoder as it was: repeated division of the whole coefficient."""
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    coefficient = int("".join(map(str, digits)) or "0")
    fraction_digits = max(0, -exponent)
    if exponent > 0:
        coefficient *= 10**exponent
    padding = -fraction_digits % 4
    scaled = coefficient * 10**padding
    groups: list[int] = []
    while scaled:
        scaled, group = divmod(scaled, 10_000)
        groups.append(group)
    groups.reverse()
    weight = len(groups) - 1 - (fraction_digits + padding) // 4
    while groups and groups[-1] == 0:
        groups.pop()
    if not groups:
        return _HEADER.pack(0, 0, 0, fraction_digits)
    return _HEADER.pack(len(groups), weight, 0x4000 if sign else 0, fraction_digits) + struct.pack(
        f">{len(groups)}H", *groups
    )


# --- data and database ---------------------------------------------------------------------------


def load_events(rows: int) -> list[BestBidOffer]:
    """The shipped slice's best bid/offer rows as the Extended adapter emits them (raw frame kept), cycled."""
    with gzip.open(SLICE, "rt") as handle:
        recorded = list(csv.reader(handle))[1:]
    events: list[BestBidOffer] = []
    for seq in range(1, rows + 1):
        ts, bid_px, bid_sz, ask_px, ask_sz = recorded[(seq - 1) % len(recorded)]
        ts_ms = int(ts) + (seq - 1) // len(recorded) * 200_000  # later laps later in time
        data = {"t": "SNAPSHOT", "m": SYMBOL, "b": [{"q": bid_sz, "p": bid_px}], "a": [{"q": ask_sz, "p": ask_px}]}
        raw = json.dumps({"type": "SNAPSHOT", "data": data, "ts": ts_ms, "seq": seq}, separators=(",", ":"))
        prices = (Decimal(bid_px), Decimal(bid_sz), Decimal(ask_px), Decimal(ask_sz))
        events.append(BestBidOffer(EXCHANGE, SYMBOL, ts_ms, ts_ms + 3, seq, *prices, raw=raw))
    return events


def _empty(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("TRUNCATE md_bbo, latest_top, md_ingest_batch")


def _median_rate(rows: int, seconds: list[float]) -> float:
    return rows / statistics.median(seconds)


# --- measurements --------------------------------------------------------------------------------


def time_encoding(events: list[BestBidOffer], encoder_type: type[MarketRowEncoder]) -> float:
    encoder, into = encoder_type(), EncodedRows()
    started = time.perf_counter()
    encoder.encode(events, into)
    elapsed = time.perf_counter() - started
    assert len(into.bbo) == len(events)
    return elapsed


def time_writer(url: str, events: list[BestBidOffer], spool: Path, encoder_type: type[MarketRowEncoder]) -> float:
    async def main() -> float:
        source = RecordingSource(EXCHANGE, f"bench-{uuid.uuid4().hex[:8]}")
        sink = PostgresMarketDataSink(url, source=source, spool_folder=spool, metrics=PrometheusMetrics())
        sink._builder._encoder = encoder_type()  # the one difference between before and after
        await sink.start()
        await sink.flush()  # connected before the clock starts, like a running ingestor
        started = time.perf_counter()
        for event in events:
            await sink.append(event)
        await sink.flush()
        elapsed = time.perf_counter() - started
        await sink.aclose()
        if not sink.spool.is_empty:
            raise RuntimeError("the writer spooled during the benchmark: Postgres refused writes")
        return elapsed

    return asyncio.run(main())


def time_one_batch(url: str, events: list[BestBidOffer], *, with_refused_row: bool) -> tuple[float, int]:
    """(seconds, rows refused) to store one batch: clean by `write`, or with one bad row by `write_isolating`."""
    if with_refused_row:
        middle = len(events) // 2
        events = [*events[:middle], replace(events[middle], symbol="BTC\x00-USD"), *events[middle + 1 :]]
    batch = BatchBuilder(RecordingSource(EXCHANGE, f"bench-{uuid.uuid4().hex[:8]}")).build(events)

    async def main() -> tuple[float, int]:
        writer = PostgresBatchWriter(url)
        try:
            started = time.perf_counter()
            if with_refused_row:
                _is_new, refused = await writer.write_isolating(batch)
            else:
                await writer.write(batch)
                refused = []
            return time.perf_counter() - started, len(refused)
        finally:
            await writer.close()

    return asyncio.run(main())


def time_numeric(encode: Callable[[Decimal], bytes], value: Decimal) -> float:
    started = time.perf_counter()
    encode(value)
    return time.perf_counter() - started


def run(url: str, args: argparse.Namespace) -> None:
    events = load_events(args.rows)
    with psycopg.connect(url, autocommit=True) as conn:
        for day in sorted({day_of_ms(e.exchange_ts_ms) for e in events}):
            for table in PARTITIONED_TABLES:
                conn.execute(create_partition_sql(table, day))
    encoding: dict[str, list[float]] = {"before": [], "after": []}
    writer: dict[str, list[float]] = {"before": [], "after": []}
    batch: dict[str, list[float]] = {"clean, write": [], "one refused row, write_isolating": []}
    numeric: dict[str, list[float]] = {"before": [], "after": []}
    refused_rows = set()
    with tempfile.TemporaryDirectory() as spool:
        for _ in range(args.repeat):
            for label, encoder_type in (("before", BeforeEncoder), ("after", MarketRowEncoder)):
                encoding[label].append(time_encoding(events, encoder_type))
                _empty(url)
                writer[label].append(time_writer(url, events, Path(spool), encoder_type))
            _empty(url)
            batch["clean, write"].append(time_one_batch(url, events, with_refused_row=False)[0])
            _empty(url)
            seconds, refused = time_one_batch(url, events, with_refused_row=True)
            batch["one refused row, write_isolating"].append(seconds)
            refused_rows.add(refused)
            numeric["before"].append(time_numeric(before_encode_numeric, Decimal("1e100000")))
            numeric["after"].append(time_numeric(encode_numeric, Decimal("1e100000")))
    rows = len(events)
    print(f"{rows:,} best bid/offer rows (raw kept), medians of {args.repeat} interleaved rounds")
    for title, figures in (("encoding only (rows/s)", encoding), ("writer end to end (rows/s)", writer)):
        before, after = _median_rate(rows, figures["before"]), _median_rate(rows, figures["after"])
        print(f"{title:<32} before {before:>12,.0f}   after {after:>12,.0f}   after/before {after / before:.3f}")
    clean, isolating = (_median_rate(rows, batch[k]) for k in batch)
    print(
        f"{'one batch (rows/s)':<32} clean {clean:>13,.0f}   one refused row {isolating:>10,.0f} "
        f"(set aside: {sorted(refused_rows)} = the row and its latest_top)   ratio {isolating / clean:.3f}"
    )
    old_ms, new_ms = (statistics.median(numeric[k]) * 1000 for k in ("before", "after"))
    print(
        f"{'numeric 1e100000 (ms)':<32} before {old_ms:>12.2f}   after {new_ms:>12.3f}   before/after {old_ms / new_ms:,.0f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    server = os.environ.get("MM_BENCH_DATABASE_URL", DEFAULT_SERVER)
    name = f"mm_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    base, _, query = server.partition("?")
    url = f"{base.rsplit('/', 1)[0]}/{name}" + (f"?{query}" if query else "")
    try:
        migrations.upgrade(url)
        run(url, args)
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


if __name__ == "__main__":
    main()

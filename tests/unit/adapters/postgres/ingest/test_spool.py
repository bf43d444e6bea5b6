"""The disk spool: durable FIFO of batches, across files and runs, safe against a torn tail."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from mm.adapters.postgres.ingest.batch import BatchBuilder, IngestBatch, RecordingSource
from mm.adapters.postgres.ingest.spool import IngestSpool
from mm.domain.market_events import MarketEvent
from mm.domain.side import Side
from tests.ingestor_support.market_data_examples import T0_MS, a_bbo, a_gap, a_price, a_recovery, trades_frame

SOURCE = RecordingSource("extended", "20240808T235500Z-abc", '{"symbols": ["BTC-USD"]}')


def batches(count: int, builder: BatchBuilder | None = None) -> list[IngestBatch]:
    builder = builder or BatchBuilder(SOURCE)
    return [builder.build([a_bbo(2 * n), a_price(2 * n + 1)]) for n in range(count)]


def drain(spool: IngestSpool) -> list[str]:
    replayed = []
    while (batch := spool.peek()) is not None:
        replayed.append(batch.batch_id)
        spool.consume()
    return replayed


def test_batches_come_back_in_the_order_they_were_spooled(tmp_path: Path) -> None:
    spool = IngestSpool(tmp_path, SOURCE.name)
    spooled = batches(3)
    for batch in spooled:
        spool.append(batch)
    assert drain(spool) == [batch.batch_id for batch in spooled]


def test_a_spooled_batch_keeps_its_id_source_counts_gaps_and_tops(tmp_path: Path) -> None:
    spool = IngestSpool(tmp_path, SOURCE.name)
    builder = BatchBuilder(SOURCE)
    events: list[MarketEvent] = [
        a_bbo(1),
        *trades_frame(2, ("60000", "1", Side.BUY)),
        a_gap(T0_MS),
        a_recovery(T0_MS, T0_MS + 9),
    ]
    original = builder.build(events)
    spool.append(original)
    replayed = spool.peek()
    assert replayed is not None
    assert (replayed.batch_id, replayed.source, replayed.row_counts, replayed.days) == (
        original.batch_id,
        original.source,
        original.row_counts,
        original.days,
    )
    # latest_top has no raw column, so the spool does not keep the tops' raw text
    assert (replayed.gap_events, replayed.latest_tops) == (
        original.gap_events,
        [replace(top, raw="") for top in original.latest_tops],
    )
    assert set(replayed.text_rows) == {"md_bbo", "md_trade"}


def test_peek_leaves_the_batch_in_the_spool_until_consumed(tmp_path: Path) -> None:
    spool = IngestSpool(tmp_path, SOURCE.name)
    spool.append(batches(1)[0])
    spool.peek()
    assert spool.pending_batches == 1


def test_the_file_is_deleted_once_every_batch_in_it_was_replayed(tmp_path: Path) -> None:
    spool = IngestSpool(tmp_path, SOURCE.name)
    spool.append(batches(1)[0])
    drain(spool)
    assert (spool.is_empty, list(tmp_path.glob("*.spool"))) == (True, [])


def test_a_later_run_replays_what_an_earlier_run_spooled(tmp_path: Path) -> None:
    earlier = IngestSpool(tmp_path, SOURCE.name)
    spooled = batches(2)
    for batch in spooled:
        earlier.append(batch)
    earlier.close()
    later = IngestSpool(tmp_path, "20240809T000000Z-def")
    later.recover()
    assert drain(later) == [batch.batch_id for batch in spooled]


def test_an_earlier_runs_batches_come_before_this_runs(tmp_path: Path) -> None:
    earlier = IngestSpool(tmp_path, SOURCE.name)
    earlier.append(batches(1)[0])
    earlier.close()
    later_source = RecordingSource("extended", "20240809T000000Z-def")
    later = IngestSpool(tmp_path, later_source.name)
    later.recover()
    later.append(BatchBuilder(later_source).build([a_bbo(1)]))
    assert drain(later) == [f"{SOURCE.name}/1", f"{later_source.name}/1"]


def test_a_torn_record_at_the_end_is_cut_off_and_the_rest_kept(tmp_path: Path) -> None:
    earlier = IngestSpool(tmp_path, SOURCE.name)
    spooled = batches(2)
    for batch in spooled:
        earlier.append(batch)
    earlier.close()
    (path,) = tmp_path.glob("*.spool")
    path.write_bytes(path.read_bytes()[:-10])
    later = IngestSpool(tmp_path, "later")
    later.recover()
    assert drain(later) == [spooled[0].batch_id]


def test_sizes_count_what_is_still_pending(tmp_path: Path) -> None:
    spool = IngestSpool(tmp_path, SOURCE.name)
    sizes = [spool.append(batch) for batch in batches(2)]
    spool.peek()
    spool.consume()
    assert (spool.pending_batches, spool.pending_bytes) == (1, sizes[1])


def test_a_rejected_batch_is_kept_aside_and_never_replayed(tmp_path: Path) -> None:
    spool = IngestSpool(tmp_path, SOURCE.name)
    path = spool.reject(batches(1)[0])
    later = IngestSpool(tmp_path, "later")
    later.recover()
    assert (path.parent.name, path.exists(), later.is_empty) == ("rejected", True, True)


def test_a_file_that_a_running_spool_owns_is_not_taken_over(tmp_path: Path) -> None:
    running = IngestSpool(tmp_path, SOURCE.name)
    running.append(batches(1)[0])
    other = IngestSpool(tmp_path, "20240809T000000Z-other")
    other.recover()
    assert (other.is_empty, running.pending_batches) == (True, 1)


def test_closing_keeps_what_is_still_spooled(tmp_path: Path) -> None:
    spool = IngestSpool(tmp_path, SOURCE.name)
    spool.append(batches(1)[0])
    spool.close()
    assert (spool.pending_batches, len(list(tmp_path.glob("*.spool")))) == (1, 1)

"""What every `ReasoningSink` must do, wherever it writes."""

from __future__ import annotations

import hashlib
import json
import re

import pytest

from mm.ports.errors import ReasoningWriteFailed, RecordNotFound
from mm.ports.reasoning_sink import ReasoningSink
from tests.reflection_data import reasoning_record

_NAME = re.compile(r"^llm-reflection-extended-BTC-USD-20260101T010105Z-p1\.json$")


class ReasoningSinkContract:
    """Subclasses provide `sink` (a working sink) and `failing_sink` (one whose writes cannot succeed)."""

    async def test_the_file_is_named_after_exchange_symbol_utc_time_and_proposal_id(self, sink: ReasoningSink) -> None:
        receipt = await sink.write(reasoning_record(proposal_id="p1"))
        assert _NAME.match(receipt.path.rsplit("/", 1)[-1])

    async def test_the_returned_sha256_is_that_of_the_bytes_written(self, sink: ReasoningSink) -> None:
        receipt = await sink.write(reasoning_record())
        assert hashlib.sha256(await sink.read(receipt.path)).hexdigest() == receipt.sha256

    async def test_the_written_document_holds_the_proposal_and_the_prompt(self, sink: ReasoningSink) -> None:
        record = reasoning_record()
        document = json.loads(await sink.read((await sink.write(record)).path))
        assert (document["proposal_id"], document["prompt"]["user_prompt"], len(document["proposal"]["changes"])) == (
            record.proposal_id,
            record.prompt.user_prompt,
            1,
        )

    async def test_two_proposals_get_two_files(self, sink: ReasoningSink) -> None:
        first, second = await sink.write(reasoning_record()), await sink.write(reasoning_record())
        assert first.path != second.path

    async def test_writing_the_same_proposal_twice_raises_and_keeps_the_first(self, sink: ReasoningSink) -> None:
        receipt = await sink.write(reasoning_record(proposal_id="p1"))
        with pytest.raises(ReasoningWriteFailed):
            await sink.write(reasoning_record(proposal_id="p1", symbol="BTC-USD"))
        assert hashlib.sha256(await sink.read(receipt.path)).hexdigest() == receipt.sha256

    async def test_reading_a_path_never_written_raises_record_not_found(self, sink: ReasoningSink) -> None:
        receipt = await sink.write(reasoning_record(proposal_id="p1"))
        with pytest.raises(RecordNotFound):
            await sink.read(receipt.path.replace("-p1.json", "-p2.json"))

    async def test_a_write_that_cannot_succeed_raises_reasoning_write_failed(self, failing_sink: ReasoningSink) -> None:
        with pytest.raises(ReasoningWriteFailed):
            await failing_sink.write(reasoning_record())

"""The v1 stream envelope decoder."""

from __future__ import annotations

import pytest

from mm.adapters.extended.frames import ErrorFrame, decode_frame, raw_text
from mm.ports.errors import MalformedMessage
from tests.unit.adapters.extended.conftest import fixture_text


def test_a_frame_decodes_to_its_seq_time_type_and_raw_text() -> None:
    raw = fixture_text("bbo.json")

    frame = decode_frame(raw)

    assert (frame.seq, frame.ts_ms, frame.type, frame.raw, frame.error) == (2, 1790586554509, "SNAPSHOT", raw, None)


def test_a_trades_frame_without_type_decodes_with_type_none() -> None:
    assert decode_frame(fixture_text("public_trades.json")).type is None


def test_text_that_is_not_json_is_malformed_and_keeps_the_raw_text() -> None:
    with pytest.raises(MalformedMessage) as raised:
        decode_frame('{"seq": 1, "ts": ')

    assert raised.value.raw == '{"seq": 1, "ts": '


def test_a_json_array_is_malformed() -> None:
    with pytest.raises(MalformedMessage):
        decode_frame("[1, 2]")


def test_a_frame_without_seq_is_malformed() -> None:
    with pytest.raises(MalformedMessage):
        decode_frame('{"ts": 1, "data": {}}')


def test_a_boolean_seq_is_not_a_sequence_number() -> None:
    with pytest.raises(MalformedMessage):
        decode_frame('{"ts": 1, "seq": true, "data": {}}')


def test_the_venue_error_object_without_ts_and_seq_is_an_error_frame() -> None:
    with pytest.raises(ErrorFrame) as raised:
        decode_frame(fixture_text("ws_error_market_not_found.json"))

    assert "1001" in str(raised.value)


def test_a_sequenced_frame_carrying_an_error_decodes_with_the_error_set() -> None:
    frame = decode_frame('{"ts": 5, "seq": 3, "error": "market halted"}')

    assert (frame.seq, frame.error) == (3, "market halted")


def test_binary_frames_with_invalid_utf8_keep_their_bytes_visible() -> None:
    assert raw_text(b'{"a": "\xff"}') == '{"a": "\ufffd"}'


@pytest.mark.parametrize("seq", [2**63, 2**64, 10**30, -1])
def test_a_seq_outside_the_64_bit_range_is_malformed(seq: int) -> None:
    with pytest.raises(MalformedMessage, match="64-bit"):
        decode_frame(f'{{"ts": 1790586554509, "seq": {seq}, "data": {{}}}}')


def test_a_seq_just_below_two_to_the_63_decodes() -> None:
    assert decode_frame(f'{{"ts": 1790586554509, "seq": {2**63 - 1}, "data": {{}}}}').seq == 2**63 - 1


def test_a_ts_beyond_the_64_bit_range_is_malformed() -> None:
    with pytest.raises(MalformedMessage, match="64-bit"):
        decode_frame(f'{{"ts": {2**63}, "seq": 1, "data": {{}}}}')


def test_json_nested_deeper_than_the_decoder_can_go_is_malformed() -> None:
    with pytest.raises(MalformedMessage, match="RecursionError"):
        decode_frame('{"ts": 1, "seq": 1, "data": ' + "[" * 100_000 + "]" * 100_000 + "}")


def test_an_integer_of_more_digits_than_python_parses_is_malformed() -> None:
    with pytest.raises(MalformedMessage, match="not JSON"):
        decode_frame('{"ts": 1, "seq": ' + "9" * 5000 + "}")

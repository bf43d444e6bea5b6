from __future__ import annotations

from pathlib import Path

import pytest

from mm.adapters.files.recorded_csv import MalformedRecording, RecordingKind, read_recording, recording_kind


def test_the_kind_comes_from_the_file_name() -> None:
    assert recording_kind(Path("a.bbo.csv.gz")) is RecordingKind.BBO
    assert recording_kind(Path("a.trades.csv")) is RecordingKind.TRADES


def test_an_unknown_file_name_is_refused() -> None:
    with pytest.raises(MalformedRecording):
        recording_kind(Path("a.csv"))


def test_a_wrong_header_names_line_1(tmp_path: Path) -> None:
    path = tmp_path / "a.trades.csv"
    path.write_text("ts,px,sz,side\n")
    with pytest.raises(MalformedRecording, match="line 1"):
        list(read_recording(path))


@pytest.mark.parametrize(
    ("row", "reason"),
    [("1,2,3", "expected 4 fields"), ("x,1,1,buy", "ts_ms"), ("1,-1,1,buy", "px"), ("1,1,1,up", "side")],
)
def test_each_bad_row_names_its_line_and_reason(tmp_path: Path, row: str, reason: str) -> None:
    path = tmp_path / "a.trades.csv"
    path.write_text(f"ts_ms,px,sz,side\n1,1,1,buy\n{row}\n")
    with pytest.raises(MalformedRecording, match=f"line 3: .*{reason}"):
        list(read_recording(path))

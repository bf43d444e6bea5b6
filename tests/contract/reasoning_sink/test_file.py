from __future__ import annotations

import os
from pathlib import Path

import pytest

from mm.adapters.files.reasoning_sink import FileReasoningSink
from mm.ports.errors import ReasoningWriteFailed, RecordNotFound
from tests.contract.reasoning_sink.contract import ReasoningSinkContract
from tests.reflection_data import reasoning_record


@pytest.mark.contract
class TestFileReasoningSink(ReasoningSinkContract):
    @pytest.fixture
    def sink(self, tmp_path: Path) -> FileReasoningSink:
        return FileReasoningSink(tmp_path / "logs")

    @pytest.fixture
    def failing_sink(self, tmp_path: Path) -> FileReasoningSink:
        (tmp_path / "logs").mkdir()
        (tmp_path / "logs" / "llm").write_text("a file where the folder should be")
        return FileReasoningSink(tmp_path / "logs")

    async def test_files_go_to_the_llm_folder_of_the_log_dir(self, tmp_path: Path) -> None:
        receipt = await FileReasoningSink(tmp_path).write(reasoning_record())
        assert Path(receipt.path).parent == tmp_path / "llm"

    async def test_a_write_failing_before_the_rename_leaves_no_file_at_all(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        sink = FileReasoningSink(tmp_path)

        def disk_full(descriptor: int) -> None:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(os, "fsync", disk_full)
        with pytest.raises(ReasoningWriteFailed):
            await sink.write(reasoning_record())
        assert list((tmp_path / "llm").iterdir()) == []

    async def test_a_failed_directory_sync_removes_the_renamed_file(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        sink = FileReasoningSink(tmp_path)
        real_fsync = os.fsync

        def directory_sync_fails(descriptor: int) -> None:
            if os.path.isdir(f"/proc/self/fd/{descriptor}"):
                raise OSError(5, "Input/output error")
            real_fsync(descriptor)

        monkeypatch.setattr(os, "fsync", directory_sync_fails)
        with pytest.raises(ReasoningWriteFailed):
            await sink.write(reasoning_record())
        assert list((tmp_path / "llm").iterdir()) == []

    async def test_a_path_outside_the_llm_folder_is_not_read(self, tmp_path: Path) -> None:
        (tmp_path / "llm-reflection-secret.json").write_text("{}")
        with pytest.raises(RecordNotFound):
            await FileReasoningSink(tmp_path).read(str(tmp_path / "llm-reflection-secret.json"))

    async def test_an_unreadable_reasoning_file_is_a_typed_error_not_a_crash(self, tmp_path: Path) -> None:
        """A permission error or a folder at the path raises `RecordNotFound`, never a bare `OSError`."""
        sink = FileReasoningSink(tmp_path)
        unreadable = tmp_path / "llm" / "llm-reflection-unreadable.json"
        unreadable.mkdir(parents=True)  # reading it fails with an OSError other than FileNotFoundError, even as root
        with pytest.raises(RecordNotFound, match="cannot read"):
            await sink.read(str(unreadable))

    async def test_the_receipt_carries_exactly_the_bytes_written(self, tmp_path: Path) -> None:
        sink = FileReasoningSink(tmp_path)
        receipt = await sink.write(reasoning_record())
        assert receipt.document == await sink.read(receipt.path)

"""Composition root of `mm data import` (and the entry of `mm data export`)."""

from __future__ import annotations

import argparse
import sys
from contextlib import ExitStack
from pathlib import Path

import structlog
from tqdm import tqdm

from mm.adapters.files.recorded_csv import MalformedRecording, recording_kind
from mm.adapters.observability.logging import configure_logging, secret_values
from mm.adapters.postgres.ingest.recording_import import import_recording
from mm.apps.database import open_database
from mm.apps.settings import CommonSettings, read_settings, settings_or_exit
from mm.apps.startup import startup_boundary

EXIT_MALFORMED = 1


def run(args: argparse.Namespace) -> int:
    if args.action == "export":
        from mm.apps.data.export import run_export

        return run_export(args)
    settings, problems = read_settings(CommonSettings)
    settings = settings_or_exit(settings, [*problems, *_file_problems(args.files)])
    configure_logging(settings.log_level, secrets=secret_values(settings))
    log = structlog.get_logger()
    with ExitStack() as resources:
        with startup_boundary("data", settings):
            url = resources.enter_context(open_database(settings))
        for path in args.files:
            with tqdm(desc=path.name, unit=" rows", disable=None) as progress:
                try:
                    result = import_recording(url, path, args.exchange, args.symbol, on_rows=progress.update)
                except MalformedRecording as error:
                    print(f"import stopped, nothing of {path.name} stored: {error}", file=sys.stderr)
                    return EXIT_MALFORMED
            if result.skipped:
                log.info("recording_already_imported", file=str(path), table=result.table)
            else:
                log.info("recording_imported", file=str(path), table=result.table, rows=result.rows)
    return 0


def _file_problems(files: list[Path]) -> list[str]:
    """The files checked before any database starts: they exist and are named as recordings."""
    problems: list[str] = []
    for path in files:
        if not path.is_file():
            problems.append(f"bad options: no such file: {path}")
            continue
        try:
            recording_kind(path)
        except MalformedRecording as error:
            problems.append(f"bad options: {error}")
    return problems


if __name__ == "__main__":
    from mm.apps.cli import run_as_module

    run_as_module("data")

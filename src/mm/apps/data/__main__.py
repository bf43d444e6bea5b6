"""Composition root of `mm data import` (and the entry of `mm data export`).

Exit codes: 0 imported (or already there), 1 a file's row, bytes or compression is bad (one line
names the file and line; nothing of that file is stored: each file is one transaction), 2 bad
settings or a file that is missing or whose name or header is not a recording's (all named at
once, before any database starts), 3 the database could not start.
"""

from __future__ import annotations

import argparse
import sys
from contextlib import ExitStack
from pathlib import Path

import structlog
from tqdm import tqdm

from mm.adapters.files.recorded_csv import MalformedRecording, header_problem
from mm.adapters.observability.logging import configure_logging, secret_values
from mm.adapters.postgres.ingest.recording_import import ImportResult, import_recording
from mm.apps.database import open_database
from mm.apps.settings import CommonSettings, read_settings, settings_or_exit
from mm.apps.startup import startup_boundary
from mm.apps.time_text import iso_utc

EXIT_MALFORMED = 1


def run(args: argparse.Namespace) -> int:
    if args.action == "export":
        from mm.apps.data.export import run_export

        return run_export(args)
    settings, problems = read_settings(CommonSettings)
    settings = settings_or_exit(settings, [*problems, *_file_problems(args.files)])
    configure_logging(settings.log_level, secrets=secret_values(settings))
    log = structlog.get_logger()
    results: list[ImportResult] = []
    with ExitStack() as resources:
        with startup_boundary("data", settings):
            url = resources.enter_context(open_database(settings))
        for path in args.files:
            with tqdm(desc=path.name, unit=" rows", disable=None) as progress:
                try:
                    result = import_recording(url, path, args.exchange, args.symbol, on_rows=progress.update)
                except MalformedRecording as error:
                    print(f"import stopped, nothing of {path.name} stored: {error}", file=sys.stderr)
                    if results:
                        print(summary_line(results), file=sys.stderr)
                    return EXIT_MALFORMED
            results.append(result)
            if result.skipped:
                log.info("recording_already_imported", file=str(path), table=result.table)
            else:
                log.info("recording_imported", file=str(path), table=result.table, rows=result.rows)
    print(summary_line(results))
    return 0


def summary_line(results: list[ImportResult]) -> str:
    """What the run stored, for a person: rows per table and their span in UTC, files already there."""
    rows: dict[str, int] = {}
    for result in results:
        rows[result.table] = rows.get(result.table, 0) + result.rows
    stored = [r for r in results if not r.skipped]
    skipped = len(results) - len(stored)
    tables = ", ".join(f"{table} {count:,} rows" for table, count in rows.items() if count) or "no rows"
    line = f"imported {len(stored)} of {len(results)} files: {tables}"
    firsts = [r.first_ts_ms for r in stored if r.first_ts_ms is not None]
    lasts = [r.last_ts_ms for r in stored if r.last_ts_ms is not None]
    if firsts and lasts:
        line += f", {iso_utc(min(firsts))} .. {iso_utc(max(lasts))}"
    if skipped:
        line += f" ({skipped} imported before, left as they were)"
    return line


def _file_problems(files: list[Path]) -> list[str]:
    """The files checked before any database starts: they exist, are named as recordings and have their header."""
    problems: list[str] = []
    for path in files:
        if not path.is_file():
            problems.append(f"bad options: no such file: {path}")
            continue
        problem = header_problem(path)
        if problem is not None:
            problems.append(f"bad options: {problem}")
    return problems


if __name__ == "__main__":
    from mm.apps.cli import run_as_module

    run_as_module("data")

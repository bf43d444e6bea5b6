"""Composition root of `mm data import`."""

from __future__ import annotations

import argparse
import sys
from contextlib import ExitStack

import structlog
from tqdm import tqdm

from mm.adapters.files.recorded_csv import MalformedRecording
from mm.adapters.observability.logging import configure_logging, secret_values
from mm.adapters.postgres.ingest.recording_import import import_recording
from mm.apps.database import open_database
from mm.apps.settings import CommonSettings, load_settings
from mm.apps.startup import startup_boundary

EXIT_MALFORMED = 1


def run(args: argparse.Namespace) -> int:
    settings = load_settings(CommonSettings)
    configure_logging(settings.log_level, secrets=secret_values(settings))
    log = structlog.get_logger()
    missing = [str(path) for path in args.files if not path.is_file()]
    if missing:
        print(f"no such file: {', '.join(missing)}", file=sys.stderr)
        return 2
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

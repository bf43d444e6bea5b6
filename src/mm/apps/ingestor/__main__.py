"""Composition root of `mm ingest`."""

from __future__ import annotations

import argparse

from mm.apps.ingestor.settings import IngestorSettings
from mm.apps.settings import load_settings


def run(args: argparse.Namespace) -> int:
    settings = load_settings(IngestorSettings)
    raise NotImplementedError(f"ingestor for {settings.symbols} is being built (issue 5)")

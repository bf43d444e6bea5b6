"""Parser of `mm reflect`."""

from __future__ import annotations

import argparse
from typing import Any


def _run(args: argparse.Namespace) -> int:
    from mm.apps.reflector.__main__ import run

    return run(args)


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "reflect",
        help="propose at most two small, gated parameter changes from the last hour (LLM or offline rules)",
        description=(
            "Read the last full hour's aggregates and worst fills for SYMBOL, ask MODEL (or, without MODEL, "
            "the offline rule-based model) for a proposal, gate it, write LOG_DIR/llm/llm-reflection-*.json "
            "and store it in llm_proposal. A window that already has a proposal is skipped."
        ),
    )
    parser.add_argument("--loop", action="store_true", help="run every RUN_INTERVAL_MS until SIGINT or SIGTERM")
    parser.add_argument(
        "--window-end",
        metavar="UTC_TIME",
        help="reflect on the hour ending at this ISO 8601 time (e.g. 2026-01-01T01:00Z) instead of the last full one",
    )
    parser.set_defaults(run=_run)

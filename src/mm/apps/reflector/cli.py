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
        help="propose at most two small, gated parameter changes from closed windows (LLM or offline rules)",
        description=(
            "For each closed window (REFLECTION_WINDOW_S long, ended at least REFLECTION_SETTLE_S ago; the newest "
            "REFLECTION_CATCH_UP of them), read the aggregates and worst fills for SYMBOL; with at least "
            "REFLECTION_MIN_FILLS fills and REFLECTION_MIN_QUOTING_S of quoting, ask MODEL (or, without MODEL, "
            "the offline rule-based model) for a proposal, gate it, write LOG_DIR/llm/llm-reflection-*.json "
            "and store it (with the document) in llm_proposal. Each window's outcome is stored once in "
            "reflection_outcome; a decided window is skipped."
        ),
    )
    parser.add_argument(
        "--loop",
        action="store_true",
        help="run at each window end plus REFLECTION_SETTLE_S (and at most RUN_INTERVAL_MS apart) until SIGINT or SIGTERM",
    )
    parser.add_argument(
        "--window-end",
        metavar="UTC_TIME",
        help=(
            "reflect on the window ending at this ISO 8601 time (e.g. 2026-01-01T01:00Z) instead of the closed ones; "
            "refused until the window is closed"
        ),
    )
    parser.set_defaults(run=_run)

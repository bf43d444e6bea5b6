"""Parser of `mm summarize`."""

from __future__ import annotations

import argparse
from typing import Any

from mm.apps.cli_types import positive_float


def _run(args: argparse.Namespace) -> int:
    from mm.apps.summarizer.__main__ import run

    return run(args)


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "summarize",
        help="enrich fills with markouts into fills_enriched and update the agg_1m / agg_1h summaries",
        description=(
            "Turn each fill in ex_fill into a fills_enriched row (mid and spread at fill time, markouts at "
            "1 s, 10 s and 60 s, positive = good for us), then recompute the 1-minute and 1-hour summaries "
            "the new or matured fills touch. Idempotent: re-running stores nothing twice. "
            "SYMBOL limits it to some markets; MARKOUT_MAX_STALENESS_MS bounds how old an as-of mid may be."
        ),
    )
    parser.add_argument("--loop", action="store_true", help="keep running every --interval-s seconds until stopped")
    parser.add_argument(
        "--interval-s",
        type=positive_float,
        default=None,
        metavar="N",
        help="seconds between runs with --loop (default: SUMMARIZE_INTERVAL_S, 30)",
    )
    parser.add_argument(
        "--worst",
        type=int,
        default=0,
        metavar="N",
        help="after summarizing, print the N fills with the worst 10 s markout of the last --window-s seconds",
    )
    parser.add_argument(
        "--window-s",
        type=positive_float,
        default=3600.0,
        metavar="S",
        help="window of --worst, ending now (default 3600)",
    )
    parser.set_defaults(run=_run)

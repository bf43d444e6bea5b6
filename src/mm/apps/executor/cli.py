"""Parser of `mm trade`."""

from __future__ import annotations

import argparse
from typing import Any


def _run(args: argparse.Namespace) -> int:
    from mm.apps.executor.__main__ import run

    return run(args)


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "trade",
        help="quote the SYMBOL markets on Extended (or, with --paper, on a simulated exchange)",
        description=(
            "Run the market-making executor: one post-only quote per side, following the book, skewed by "
            "inventory, paused (every order cancelled) on stale data, gaps or hard risk limits. Live trading "
            "needs EXTENDED_API_KEY, EXTENDED_STARK_PRIVATE_KEY, EXTENDED_STARK_PUBLIC_KEY and EXTENDED_VAULT_ID; "
            "the venue's dead man's switch (DEAD_MAN_SWITCH_S) cancels our orders if the process dies. SIGTERM "
            "cancels every order before exit."
        ),
    )
    parser.add_argument(
        "--paper",
        action="store_true",
        help="live market data, simulated exchange: no account needed, nothing sent to the venue",
    )
    parser.set_defaults(run=_run)

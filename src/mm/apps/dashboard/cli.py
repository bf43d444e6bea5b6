"""Parser of `mm dashboard`."""

from __future__ import annotations

import argparse
from typing import Any

ADDRESS_LINE_PREFIX = "mm dashboard: serving "
"""The start of the one line `mm dashboard` prints once it listens; the address follows."""


def _run(args: argparse.Namespace) -> int:
    from mm.apps.dashboard.__main__ import run

    return run(args)


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "dashboard",
        help="a read-only operator dashboard in the browser: live markets, quality, learning loop, backtests",
        description=(
            "Serve a web dashboard reading the database: markets live (book against our quotes with fills, mode "
            "timeline with causes, position and PnL, recent fills with markouts, gaps and reconnects, each app's "
            "heartbeat), quality (the summarizer's aggregates and worst fills), the learning loop (proposals with "
            "their reasoning, rollouts) and stored backtests, each also as JSON under /api/. Read-only. Binds "
            "127.0.0.1 unless DASHBOARD_HOST; another address needs DASHBOARD_TOKEN."
        ),
    )
    parser.add_argument("--host", default=None, help="address to bind (DASHBOARD_HOST, 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=None, help="port to bind, 0 for any free one (DASHBOARD_PORT, 8050)"
    )
    parser.set_defaults(run=_run)

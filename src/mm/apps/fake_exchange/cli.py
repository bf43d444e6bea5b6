"""Parser of `mm fake-exchange`."""

from __future__ import annotations

import argparse
from typing import Any

from mm.testing.fake_exchange_options import add_fake_exchange_arguments


def _run(args: argparse.Namespace) -> int:
    from mm.testing.fake_extended.__main__ import run

    return run(args)


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "fake-exchange",
        help="serve a fake Extended venue on loopback (optionally replaying a recording) and print its settings",
        description=(
            "Serve Extended's REST and WebSocket API on loopback, speaking the real wire format, with throwaway "
            "account keys; optionally replay a recorded data set (--data PREFIX) as the market. Prints the "
            "EXTENDED_* settings and SYMBOL that point `mm ingest` and `mm trade` at it, as a .env block. "
            "Nothing leaves this machine."
        ),
    )
    add_fake_exchange_arguments(parser)
    parser.set_defaults(run=_run)

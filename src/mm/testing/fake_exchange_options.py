"""The fake Extended server's command-line options, apart from the server so that `mm --help` stays light.

Used by `python -m mm.testing.fake_extended` and `mm fake-exchange`.
"""

from __future__ import annotations

import argparse
from decimal import Decimal
from pathlib import Path


def add_fake_exchange_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data", type=Path, help="recorded data set prefix: <prefix>.bbo.csv[.gz], <prefix>.trades.csv[.gz]"
    )
    parser.add_argument("--speed", type=float, default=1.0, help="replay speed: 0 as fast as possible, 1 real time")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="REST port (0: any free port)")
    parser.add_argument("--stream-port", type=int, default=0, help="WebSocket port (0: any free port)")
    parser.add_argument("--market", default="BTC-USD")
    parser.add_argument("--tick", type=Decimal, default=Decimal("1"), help="minPriceChange")
    parser.add_argument("--step", type=Decimal, default=Decimal("0.00001"), help="minOrderSizeChange")
    parser.add_argument("--min-size", type=Decimal, default=Decimal("0.0001"), help="minOrderSize")
    parser.add_argument("--exit-after-replay", action="store_true", help="stop once the replay has ended")
    parser.add_argument(
        "--repeat", action="store_true", help="start the recording again at its end (shifted in time), until stopped"
    )

"""Run the fake Extended server standalone, optionally replaying a recorded data set.

    python -m mm.testing.fake_extended --data <path-prefix> --speed 10 --port 0

prints `KEY=value` lines (REST_URL, STREAM_URL, API_KEY, VAULT, STARK_PUBLIC_KEY, STARK_PRIVATE_KEY:
a fake's throwaway keys) and serves until interrupted, or until the replay ends with `--exit-after-replay`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from decimal import Decimal
from pathlib import Path

from mm.testing.fake_extended.markets import MarketSpec
from mm.testing.fake_extended.server import FakeExtendedServer


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m mm.testing.fake_extended", description=__doc__.splitlines()[0])
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
    return parser.parse_args(argv)


def _announce(server: FakeExtendedServer) -> None:
    credentials = server.credentials
    lines = [
        f"REST_URL={server.rest_url}",
        f"STREAM_URL={server.stream_url}",
        f"API_KEY={credentials.api_key}",
        f"VAULT={credentials.vault}",
        f"STARK_PUBLIC_KEY={credentials.public_key_hex}",
        f"STARK_PRIVATE_KEY={credentials.private_key_hex}",
    ]
    sys.stdout.write("\n".join(lines) + "\n")
    sys.stdout.flush()


async def serve(args: argparse.Namespace) -> int:
    spec = MarketSpec(name=args.market, tick_size=args.tick, step_size=args.step, min_order_size=args.min_size)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with FakeExtendedServer.start(
        markets=[spec], host=args.host, rest_port=args.port, stream_port=args.stream_port
    ) as server:
        _announce(server)
        replay = server.start_replay(args.data, speed=args.speed) if args.data is not None else None
        if replay is not None and args.exit_after_replay:
            replay.add_done_callback(lambda _: stop.set())
        await stop.wait()
        if replay is not None and replay.done() and not replay.cancelled() and replay.exception() is not None:
            sys.stderr.write(f"replay failed: {replay.exception()}\n")
            return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        return asyncio.run(serve(args))
    return 130


if __name__ == "__main__":
    sys.exit(main())

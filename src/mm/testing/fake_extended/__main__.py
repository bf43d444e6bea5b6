"""Run the fake Extended server standalone, optionally replaying a recorded data set.

    python -m mm.testing.fake_extended --data <path-prefix> --speed 10 --port 0

prints the settings that point `mm` at it as a `.env` block (`EXTENDED_API_URL`, `EXTENDED_STREAM_URL`, the
fake's throwaway account keys, `SYMBOL`) and serves until interrupted, or until the replay ends with
`--exit-after-replay`. `mm fake-exchange` runs the same.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys

from mm.testing.fake_exchange_options import add_fake_exchange_arguments
from mm.testing.fake_extended.markets import MarketSpec
from mm.testing.fake_extended.server import FakeExtendedServer


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m mm.testing.fake_extended", description=__doc__.splitlines()[0])
    add_fake_exchange_arguments(parser)
    return parser.parse_args(argv)


def settings_block(server: FakeExtendedServer, market: str) -> str:
    """The `.env` lines that point every `mm` app at this server, exactly as the apps name their settings."""
    credentials = server.credentials
    lines = [
        "# A fake Extended venue on loopback with throwaway keys. Paste into .env (or export) to point mm at it:",
        f"EXTENDED_API_URL={server.rest_url}",
        f"EXTENDED_STREAM_URL={server.stream_url}",
        f"EXTENDED_API_KEY={credentials.api_key}",
        f"EXTENDED_STARK_PRIVATE_KEY={credentials.private_key_hex}",
        f"EXTENDED_STARK_PUBLIC_KEY={credentials.public_key_hex}",
        f"EXTENDED_VAULT_ID={credentials.vault}",
        f"SYMBOL={market}",
    ]
    return "\n".join(lines) + "\n"


def _announce(server: FakeExtendedServer, market: str) -> None:
    sys.stdout.write(settings_block(server, market))
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
        _announce(server, args.market)
        replay = None
        if args.data is not None:
            replay = server.start_replay(args.data, speed=args.speed, repeat=args.repeat)
        if replay is not None and args.exit_after_replay:
            replay.add_done_callback(lambda _: stop.set())
        await stop.wait()
        if replay is not None and replay.done() and not replay.cancelled() and replay.exception() is not None:
            sys.stderr.write(f"replay failed: {replay.exception()}\n")
            return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    return run(parse_args(argv))


def run(args: argparse.Namespace) -> int:
    """Serve until SIGINT/SIGTERM (or the replay's end with --exit-after-replay); 0 on a clean stop."""
    with contextlib.suppress(KeyboardInterrupt):
        return asyncio.run(serve(args))
    return 130


if __name__ == "__main__":
    sys.exit(main())

"""Composition root of `mm dashboard`: open the database, build the web app, serve it until SIGINT/SIGTERM.

Prints one line with the address once it listens (`mm demo` reads it), never the token.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import socket

import structlog
import uvicorn

from mm.apps.async_providers import resolved, settle
from mm.apps.dashboard.cli import ADDRESS_LINE_PREFIX
from mm.apps.dashboard.container import Container
from mm.apps.dashboard.listening import listening_socket
from mm.apps.dashboard.settings import DashboardSettings
from mm.apps.dashboard.web_app import create_app
from mm.apps.settings import load_settings
from mm.apps.startup import init_resources_shared_first, startup_boundary
from mm.ports.clock import Clock


def run(args: argparse.Namespace) -> int:
    overrides = {
        alias: value
        for alias, value in (("DASHBOARD_HOST", args.host), ("DASHBOARD_PORT", args.port))
        if value is not None
    }
    settings = load_settings(DashboardSettings, **overrides)
    return asyncio.run(_main(settings))


async def _main(settings: DashboardSettings) -> int:
    container = Container(settings=settings)
    container.check_dependencies()
    try:
        with startup_boundary("dashboard", settings):
            await init_resources_shared_first(container)
            read_model = await resolved(container.read_model())
            clock: Clock = container.shared.clock()
            await read_model.markets()  # the database answers before we listen
            sock = listening_socket(settings.dashboard_host, settings.dashboard_port)
        app = create_app(read_model, clock, settings)
        for signum in (signal.SIGINT, signal.SIGTERM):
            # uvicorn raises again, after its clean shutdown, the signal it stopped on; with the default
            # handler that ends the process by the signal (exit -15) instead of returning 0 from here.
            signal.signal(signum, lambda *_: None)
        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
        server = uvicorn.Server(config)
        serving = asyncio.create_task(server.serve(sockets=[sock]))
        while not server.started and not serving.done():
            await clock.sleep(0.05)
        if server.started:
            _announce(sock, settings)
        await serving
        return 0
    finally:
        await settle(container.shutdown_resources())


def _announce(sock: socket.socket, settings: DashboardSettings) -> None:
    port = sock.getsockname()[1]
    host = settings.dashboard_host
    shown = f"[{host}]" if ":" in host else host
    guarded = " (token required)" if settings.dashboard_token is not None else ""
    print(f"{ADDRESS_LINE_PREFIX}http://{shown}:{port}/{guarded}", flush=True)
    structlog.get_logger().info("dashboard_serving", host=host, port=port, is_token_required=bool(guarded))


if __name__ == "__main__":
    from mm.apps.cli import run_as_module

    run_as_module("dashboard")

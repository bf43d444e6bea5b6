"""The `mm` command: one subcommand per app. Each app module adds its own parser.

Parsers are built from small `cli` modules that import nothing heavy, so `mm --help` is quick;
the app itself is imported only when its subcommand runs.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import NoReturn

# (subcommand, module with `add_parser(subparsers)`)
APP_COMMANDS: tuple[tuple[str, str], ...] = (
    ("ingest", "mm.apps.ingestor.cli"),
    ("trade", "mm.apps.executor.cli"),
    ("summarize", "mm.apps.summarizer.cli"),
    ("backtest", "mm.apps.backtest.cli"),
    ("reflect", "mm.apps.reflector.cli"),
    ("data", "mm.apps.data.cli"),
    ("db", "mm.apps.db.cli"),
    ("status", "mm.apps.status.cli"),
    ("dashboard", "mm.apps.dashboard.cli"),
    ("fake-exchange", "mm.apps.fake_exchange.cli"),
    ("demo", "mm.apps.demo.cli"),
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mm",
        description="Market making on Extended perpetuals. Settings come from the environment and .env.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for _name, module in APP_COMMANDS:
        importlib.import_module(module).add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    result = args.run(args)
    return int(result or 0)


def run_as_module(command: str) -> NoReturn:
    """`python -m mm.apps.<app> ARGS` runs as `mm <command> ARGS` does, exit code included."""
    raise SystemExit(main([command, *sys.argv[1:]]))


if __name__ == "__main__":
    raise SystemExit(main())

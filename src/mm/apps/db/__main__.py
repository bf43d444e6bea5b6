"""Composition root of `mm db`: resolve the database (embedded when DATABASE_URL is unset) and act."""

from __future__ import annotations

import argparse
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta

import structlog
from sqlalchemy import create_engine

from mm.adapters.observability.logging import configure_logging, secret_values
from mm.adapters.postgres import migrations
from mm.adapters.postgres.ingest.ledger import prune_ingest_ledger
from mm.adapters.postgres.partitions import existing_partitions, maintain_partitions
from mm.adapters.postgres.urls import sqlalchemy_url
from mm.apps.database import open_database
from mm.apps.settings import CommonSettings, read_settings, settings_or_exit
from mm.apps.startup import startup_boundary


def run(args: argparse.Namespace) -> int:
    settings, problems = read_settings(CommonSettings)
    settings = settings_or_exit(settings, [*problems, *_option_problems(args)])
    configure_logging(settings.log_level, secrets=secret_values(settings))
    structlog.get_logger().debug("settings_loaded", settings=settings.model_dump())
    with ExitStack() as resources:
        with startup_boundary("db", settings):
            url = resources.enter_context(open_database(settings, migrate=False))
        if args.action == "upgrade":
            migrations.upgrade(url, args.revision)
            print(f"database at revision {migrations.current_revision(url)}")
        elif args.action == "status":
            current, head = migrations.current_revision(url), migrations.head_revision()
            state = "up to date" if current == head else "behind: run `mm db upgrade`"
            print(f"current revision: {current}\nhead revision:    {head}\n{state}")
        elif args.action == "partitions":
            engine = create_engine(sqlalchemy_url(url))
            try:
                with engine.begin() as conn:
                    now = datetime.now(UTC)
                    dropped = maintain_partitions(conn, now.date(), args.days_ahead, args.retention_days)
                    counts = {table: len(days) for table, days in existing_partitions(conn).items()}
                    pruned = prune_ingest_ledger(conn, now - timedelta(days=args.ledger_days))
            finally:
                engine.dispose()
            per_table = ", ".join(f"{table} {count}" for table, count in sorted(counts.items()))
            print(f"day partitions: {per_table or 'none'}")
            print(f"dropped {len(dropped)} partition(s) past retention; pruned {pruned} ingest ledger row(s)")
    return 0


def _option_problems(args: argparse.Namespace) -> list[str]:
    """Options checked before any database starts."""
    if args.action != "upgrade":
        return []
    try:
        migrations.check_revision(args.revision)
    except migrations.UnknownRevision as error:
        return [f"bad options: --revision: {error}"]
    return []


if __name__ == "__main__":
    from mm.apps.cli import run_as_module

    run_as_module("db")

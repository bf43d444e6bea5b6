"""Dependency-injection container of `mm demo`: the database and the status read model the live view uses."""

from __future__ import annotations

from dependency_injector import containers, providers

from mm.adapters.postgres.status_reader import PostgresStatusReader
from mm.apps._shared import SharedContainer
from mm.apps.demo.settings import DemoSettings


class Container(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=DemoSettings)

    # --- resources: logging, database, engine, clock
    shared = providers.Container(SharedContainer, settings=settings)

    # --- adapters
    reader = providers.Singleton(PostgresStatusReader, engine=shared.engine, exchange="extended")

"""The start-up boundary: a failure before an app's main loop becomes one clear line and exit code 3.

Exit codes of every `mm` app: 0 done, 1 failed while running, 2 bad settings, 3 could not start.
Only the typed errors of `mm.ports.errors` are caught here: resources and adapters translate driver
and OS errors into them at their own edge, so anything else is a bug and keeps its traceback.
Failures once the main loop runs keep each app's own handling (the executor pauses and cancels).
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import NoReturn

import structlog
from dependency_injector import containers

from mm.adapters.observability.logging import SecretRedactor, configure_logging, secret_values
from mm.apps.settings import EXIT_BAD_SETTINGS, CommonSettings
from mm.ports.errors import (
    AdvisorError,
    AuthFailed,
    ConfigError,
    ExchangeError,
    ExchangeUnavailable,
    MmError,
    StoreError,
    StoreUnavailable,
)

EXIT_COULD_NOT_START = 3

_DATABASE_REMEDY = (
    "check DATABASE_URL (unset: the embedded Postgres under MM_HOME) and that the server accepts connections"
)
_AUTH_REMEDY = "check EXTENDED_API_KEY and EXTENDED_ENV (a mainnet key is refused on testnet and the other way round)"
_VENUE_REMEDY = "check EXTENDED_ENV / EXTENDED_API_URL and the network; during venue maintenance, start again later"

_SETTINGS = "settings"

# First match wins: error type -> (category for log queries, what the operator can do, if not in the message).
_KINDS: tuple[tuple[type[MmError], str, str | None], ...] = (
    (StoreUnavailable, "database_unavailable", _DATABASE_REMEDY),
    (StoreError, "database", None),
    (AuthFailed, "exchange_auth", _AUTH_REMEDY),
    (ExchangeUnavailable, "exchange_unavailable", _VENUE_REMEDY),
    (ExchangeError, "exchange", None),
    (AdvisorError, "llm", None),
    (ConfigError, _SETTINGS, None),
)


@dataclass(frozen=True, slots=True)
class StartupFailure:
    """What stopped an app from starting: a category, the error in one line, and the remedy if any."""

    category: str
    message: str
    remedy: str | None = None

    @property
    def is_bad_settings(self) -> bool:
        return self.category == _SETTINGS

    @property
    def exit_code(self) -> int:
        return EXIT_BAD_SETTINGS if self.is_bad_settings else EXIT_COULD_NOT_START

    def line(self, app: str) -> str:
        """The one plain stderr line, worded like `load_settings`'s for bad settings."""
        if self.is_bad_settings:
            return f"bad settings: {self.message}"
        remedy = f"; {self.remedy}" if self.remedy else ""
        return f"mm {app} could not start ({self.category}): {self.message}{remedy}"


def startup_failure(error: MmError) -> StartupFailure:
    """Classify a typed start-up error; driver messages often span lines, the result never does."""
    message = " ".join(str(error).split()) or type(error).__name__
    for kind, category, remedy in _KINDS:
        if isinstance(error, kind):
            return StartupFailure(category, message, remedy)
    return StartupFailure("startup", message)


@contextmanager
def startup_boundary(app: str, settings: CommonSettings) -> Iterator[None]:
    """Run an app's start-up; a typed failure ends the process (exit 3, bad settings 2), without a traceback.

    Wrap resource initialisation and the first reads and checks, never the main loop.
    """
    try:
        yield
    except MmError as error:
        exit_could_not_start(app, settings, error)


def exit_could_not_start(app: str, settings: CommonSettings, error: MmError) -> NoReturn:
    """Log `startup_failed`, print the same as one plain stderr line (secrets masked), and exit."""
    failure = startup_failure(error)
    secrets = secret_values(settings)
    if not structlog.is_configured():  # the failure came before the logging resource ran
        configure_logging(settings.log_level, secrets=secrets)
    structlog.get_logger().error(
        "startup_failed", app=app, category=failure.category, message=failure.message, remedy=failure.remedy
    )
    print(_masked(failure.line(app), secrets), file=sys.stderr, flush=True)
    raise SystemExit(failure.exit_code) from None


def _masked(text: str, secrets: list[str]) -> str:
    return str(SecretRedactor(secrets)(None, "error", {"line": text})["line"])


async def init_resources_shared_first(container: containers.Container) -> None:
    """Initialise the shared resources (logging, database, metrics server), then the app's own.

    dependency-injector starts async resources as tasks while it walks a container, in no set
    order; a database failure met later in that walk would leave, say, a venue request in flight,
    whose own failure `shutdown_resources` then raises over the start-up error. Shared first, the
    database has answered before anything else starts.
    """
    shared: containers.Container = container.shared()  # the nested SharedContainer itself
    for group in (shared, container):
        started = group.init_resources()
        if inspect.isawaitable(started):
            await started

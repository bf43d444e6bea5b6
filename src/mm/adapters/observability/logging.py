"""structlog set-up for every app: JSON lines off a terminal, readable on one, secrets redacted.

Redaction works two ways: values of keys that look secret are masked, and every known secret value
(taken from the app's `SecretStr` settings) is masked wherever it appears in a log line.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable, MutableMapping
from typing import Any

import structlog
from pydantic import SecretStr

REDACTED = "**********"
_SECRET_KEY = re.compile(r"(api[_-]?key|secret|password|passwd|private[_-]?key|token|authorization)", re.I)


class SecretRedactor:
    """A structlog processor masking secret keys and known secret values."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets = sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)

    def _scrub(self, value: Any) -> Any:
        if isinstance(value, SecretStr):
            return REDACTED
        if isinstance(value, str):
            for secret in self._secrets:
                if secret in value:
                    value = value.replace(secret, REDACTED)
            return value
        if isinstance(value, dict):
            return {k: self._masked(v) if _SECRET_KEY.search(str(k)) else self._scrub(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return type(value)(self._scrub(v) for v in value)
        if isinstance(value, BaseException):
            return self._scrub(repr(value))
        return value

    @staticmethod
    def _masked(value: Any) -> Any:
        """A secret-named value masked; an unset one (None) stays None, so a log says the key is not set."""
        return None if value is None else REDACTED

    def __call__(self, _logger: Any, _method: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
        for key in list(event_dict):
            if _SECRET_KEY.search(key):
                event_dict[key] = self._masked(event_dict[key])
            else:
                event_dict[key] = self._scrub(event_dict[key])
        return event_dict


def secret_values(*settings_objects: object) -> list[str]:
    """Every `SecretStr` value found on the given settings objects (one level of nesting)."""
    found: list[str] = []
    for obj in settings_objects:
        for value in vars(obj).values() if hasattr(obj, "__dict__") else ():
            if isinstance(value, SecretStr):
                found.append(value.get_secret_value())
            elif hasattr(value, "__dict__") and not isinstance(value, type):
                found.extend(secret_values(value))
    return found


def configure_logging(level: str = "INFO", *, json: bool | None = None, secrets: Iterable[str] = ()) -> None:
    """Configure structlog and stdlib logging once, from an app shell.

    `json=None` picks JSON lines when stderr is not a terminal. Library loggers (the SDK, aiohttp)
    go through the same redactor and renderer, so no line escapes redaction.
    """
    use_json = (not sys.stderr.isatty()) if json is None else json
    redactor = SecretRedactor(secrets)
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    renderer: Any = structlog.processors.JSONRenderer() if use_json else structlog.dev.ConsoleRenderer()
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=False,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            redactor,
            renderer,
        ],
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # Chatty libraries: their INFO lines say nothing an operator needs.
    for name in ("alembic", "pgserver", "websockets", "aiohttp.access", "httpx"):
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
    # The Extended SDK logs every error response at ERROR; the adapter's choke point logs the same failure
    # once, typed and at the level its category deserves (a routine race is INFO, not an error).
    logging.getLogger("x10").setLevel(logging.CRITICAL)

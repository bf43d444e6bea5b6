"""Settings shared by every app, read from the environment and `.env` (pydantic-settings).

Every app's class derives from `SettingsBase`, so each one reads the same `.env` in the working
directory. Apps load theirs with `read_settings` and add their option checks, so one start-up names
every bad setting and option at once, one line each, and exits 2. Nothing else reads `os.environ`.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from mm.adapters.postgres.urls import database_location

EXIT_BAD_SETTINGS = 2

_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_MARKET_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
# What pydantic puts before the message of a validator's own ValueError or assertion.
_VALIDATOR_PREFIXES = ("Value error, ", "Assertion failed, ")


class AppEnv(StrEnum):
    DEV = "dev"
    TEST = "test"
    PROD = "prod"


class ExtendedEnv(StrEnum):
    MAINNET = "mainnet"
    TESTNET = "testnet"


def split_symbols(value: Any) -> Any:
    """`SYMBOL` as a list of market names; ValueError on an empty name, whitespace inside one, or a repeat."""
    if not isinstance(value, str):
        return value
    names = [part.strip() for part in value.split(",")]
    if names == [""]:
        return []
    if "" in names:
        raise ValueError("an empty market name between commas (expected e.g. BTC-USD,ETH-USD)")
    bad = [name for name in names if not _MARKET_NAME.fullmatch(name)]
    if bad:
        raise ValueError(f"{', '.join(map(repr, bad))}: not a market name (expected e.g. BTC-USD)")
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ValueError(f"{', '.join(repeated)} given more than once")
    return names


class SettingsBase(BaseSettings):
    """The one base of every app's settings: the environment first, then `.env` in the working directory.

    Other apps' settings in a shared `.env` are ignored, not refused.
    """

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True)


class CommonSettings(SettingsBase):
    """What every app reads. `DATABASE_URL` unset means: start the embedded Postgres under `MM_HOME`."""

    database_url: SecretStr | None = Field(None, alias="DATABASE_URL", description="postgresql:// URL")
    mm_home: Path = Field(Path("~/.mm"), alias="MM_HOME", description="folder for the embedded Postgres and logs")
    log_dir: Path | None = Field(None, alias="LOG_DIR", description="folder for log files (default MM_HOME/logs)")
    log_level: str = Field("INFO", alias="LOG_LEVEL", description="DEBUG, INFO, WARNING, ERROR or CRITICAL")
    app_env: AppEnv = Field(AppEnv.DEV, alias="APP_ENV", description="dev, test or prod")
    exchange: str = Field("extended", alias="EXCHANGE", min_length=1)
    metrics_port: int | None = Field(None, alias="METRICS_PORT", ge=1, le=65535)

    @field_validator("database_url")
    @classmethod
    def _postgres_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            database_location(value.get_secret_value())  # ValueError names no part of the URL
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in _LOG_LEVELS:
            raise ValueError(f"{value!r} is not a log level (expected DEBUG, INFO, WARNING, ERROR or CRITICAL)")
        return level

    @field_validator("app_env")
    @classmethod
    def _prod_needs_a_server(cls, value: AppEnv, info: ValidationInfo) -> AppEnv:
        # An invalid DATABASE_URL is absent from `info.data` and named on its own line.
        if value is AppEnv.PROD and "database_url" in info.data and info.data["database_url"] is None:
            raise ValueError("prod needs DATABASE_URL: the embedded Postgres under MM_HOME is for dev and test only")
        return value

    @field_validator("mm_home", "log_dir")
    @classmethod
    def _expand(cls, value: Path | None) -> Path | None:
        return value.expanduser() if value is not None else None

    @property
    def resolved_log_dir(self) -> Path:
        return self.log_dir or self.mm_home / "logs"

    @property
    def embedded_pgdata(self) -> Path:
        return self.mm_home / "pgdata"


Symbols = Annotated[list[str], NoDecode]


class MarketsSettings(SettingsBase):
    """`SYMBOL`: one market or a comma-separated list, e.g. `BTC-USD,ETH-USD`."""

    symbols: Symbols = Field(alias="SYMBOL", min_length=1, description="market(s), comma separated")

    @field_validator("symbols", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        return split_symbols(value)


class ExtendedEndpointSettings(SettingsBase):
    """Where Extended is. The overrides point the apps at a fake server on loopback."""

    extended_env: ExtendedEnv = Field(ExtendedEnv.MAINNET, alias="EXTENDED_ENV")
    extended_api_url: str | None = Field(None, alias="EXTENDED_API_URL", description="REST base incl. /api/v1")
    extended_stream_url: str | None = Field(None, alias="EXTENDED_STREAM_URL", description="WS v1 base")
    extended_request_timeout_s: float = Field(10.0, alias="EXTENDED_REQUEST_TIMEOUT_S", gt=0)


S = TypeVar("S", bound=BaseSettings)


def setting_problems(error: ValidationError, settings_class: type[BaseSettings] | None = None) -> list[str]:
    """One line per bad setting, by its environment name and what it expects; never the value given."""
    expects = {
        field.alias: field.description
        for field in (settings_class.model_fields.values() if settings_class else ())
        if field.alias and field.description
    }
    lines: list[str] = []
    for item in error.errors(include_url=False, include_input=False):
        name = ".".join(str(p) for p in item["loc"]) or "settings"
        message = str(item["msg"])
        is_own_message = message.startswith(_VALIDATOR_PREFIXES)
        for prefix in _VALIDATOR_PREFIXES:
            message = message.removeprefix(prefix)
        hint = f", expected {expects[name]}" if name in expects and not is_own_message else ""
        if item["type"] == "missing":
            lines.append(f"bad settings: {name} is missing{hint}")
        elif name == "settings":  # a rule across settings: its message names them
            lines.append(f"bad settings: {message}")
        else:
            lines.append(f"bad settings: {name} is invalid: {message}{hint}")
    return lines


def describe_errors(error: ValidationError, settings_class: type[BaseSettings] | None = None) -> str:
    """`setting_problems` as one text, a line per bad setting."""
    return "\n".join(setting_problems(error, settings_class))


def read_settings(settings_class: type[S], **overrides: Any) -> tuple[S | None, list[str]]:
    """Build `settings_class` from the environment and `.env`; None and a line per bad setting if it fails."""
    try:
        return settings_class(**overrides), []
    except ValidationError as error:
        return None, setting_problems(error, settings_class)


def settings_or_exit(settings: S | None, problems: Sequence[str]) -> S:
    """`settings` if nothing is wrong; else print every problem, one per line, and exit 2."""
    if settings is None or problems:
        exit_bad_settings("\n".join(problems))
    return settings


def exit_bad_settings(message: str) -> NoReturn:
    print(message, file=sys.stderr)
    raise SystemExit(EXIT_BAD_SETTINGS)


def load_settings(settings_class: type[S], **overrides: Any) -> S:
    """Build `settings_class` from the environment, or exit 2 with every bad setting named."""
    return settings_or_exit(*read_settings(settings_class, **overrides))

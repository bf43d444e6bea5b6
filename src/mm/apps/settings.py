"""Settings shared by every app, read from the environment and `.env` (pydantic-settings).

Each app declares its own class from these parts and loads it with `load_settings`, which ends
the process with exit code 2 and one message naming every bad setting. Nothing else reads
`os.environ`.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

EXIT_BAD_SETTINGS = 2


class AppEnv(StrEnum):
    DEV = "dev"
    TEST = "test"
    PROD = "prod"


class ExtendedEnv(StrEnum):
    MAINNET = "mainnet"
    TESTNET = "testnet"


def split_symbols(value: Any) -> Any:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class CommonSettings(BaseSettings):
    """What every app reads. `DATABASE_URL` unset means: start the embedded Postgres under `MM_HOME`."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True)

    database_url: SecretStr | None = Field(None, alias="DATABASE_URL", description="postgresql:// URL")
    mm_home: Path = Field(Path("~/.mm"), alias="MM_HOME", description="folder for the embedded Postgres and logs")
    log_dir: Path | None = Field(None, alias="LOG_DIR", description="folder for log files (default MM_HOME/logs)")
    log_level: str = Field("INFO", alias="LOG_LEVEL")
    app_env: AppEnv = Field(AppEnv.DEV, alias="APP_ENV")
    exchange: str = Field("extended", alias="EXCHANGE", min_length=1)
    metrics_port: int | None = Field(None, alias="METRICS_PORT", ge=1, le=65535)

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


class MarketsSettings(BaseSettings):
    """`SYMBOL`: one market or a comma-separated list, e.g. `BTC-USD,ETH-USD`."""

    symbols: Symbols = Field(alias="SYMBOL", min_length=1, description="market(s), comma separated")

    @field_validator("symbols", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        return split_symbols(value)


class ExtendedEndpointSettings(BaseSettings):
    """Where Extended is. The overrides point the apps at a fake server on loopback."""

    extended_env: ExtendedEnv = Field(ExtendedEnv.MAINNET, alias="EXTENDED_ENV")
    extended_api_url: str | None = Field(None, alias="EXTENDED_API_URL", description="REST base incl. /api/v1")
    extended_stream_url: str | None = Field(None, alias="EXTENDED_STREAM_URL", description="WS v1 base")
    extended_request_timeout_s: float = Field(10.0, alias="EXTENDED_REQUEST_TIMEOUT_S", gt=0)


S = TypeVar("S", bound=BaseSettings)


def describe_errors(error: ValidationError, settings_class: type[BaseSettings] | None = None) -> str:
    """One short message naming every bad setting by its environment name and what it expects."""
    expects = {
        field.alias: field.description
        for field in (settings_class.model_fields.values() if settings_class else ())
        if field.alias and field.description
    }
    parts: list[str] = []
    for item in error.errors(include_url=False):
        name = ".".join(str(p) for p in item["loc"]) or "settings"
        hint = f", expected {expects[name]}" if name in expects else ""
        if item["type"] == "missing":
            parts.append(f"{name} is missing{hint}")
        else:
            parts.append(f"{name} is invalid: {item['msg']}{hint}")
    return "bad settings: " + "; ".join(parts)


def exit_bad_settings(message: str) -> NoReturn:
    print(message, file=sys.stderr)
    raise SystemExit(EXIT_BAD_SETTINGS)


def load_settings(settings_class: type[S], **overrides: Any) -> S:
    """Build `settings_class` from the environment, or exit 2 with every bad setting named."""
    try:
        return settings_class(**overrides)
    except ValidationError as error:
        exit_bad_settings(describe_errors(error, settings_class))

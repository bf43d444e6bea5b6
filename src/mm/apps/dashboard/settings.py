"""Settings of `mm dashboard`: where it listens, the token that guards it off loopback, what it shows."""

from __future__ import annotations

import ipaddress
from typing import Any

from pydantic import Field, SecretStr, field_validator, model_validator

from mm.apps.settings import CommonSettings, Symbols, split_symbols

MAX_REFRESH_S = 2.0
"""The live page refreshes at least this often (the issue's bound)."""


def is_loopback(host: str) -> bool:
    """Whether `host` is reachable from this machine only (`localhost`, 127.0.0.0/8, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class DashboardSettings(CommonSettings):
    """Binds 127.0.0.1 by default; any other address needs `DASHBOARD_TOKEN`, checked on every request."""

    symbols: Symbols = Field(
        default_factory=list, alias="SYMBOL", description="market(s) to show, comma separated (default: all)"
    )
    dashboard_host: str = Field("127.0.0.1", alias="DASHBOARD_HOST", min_length=1, description="address to bind")
    dashboard_port: int = Field(8050, alias="DASHBOARD_PORT", ge=0, le=65535, description="port (0: any free one)")
    dashboard_token: SecretStr | None = Field(
        None, alias="DASHBOARD_TOKEN", description="token every request must carry; required off loopback"
    )
    dashboard_refresh_s: float = Field(
        1.0, alias="DASHBOARD_REFRESH_S", gt=0, le=MAX_REFRESH_S, description="live page refresh, at most 2 s"
    )
    dashboard_window_s: int = Field(
        600, alias="DASHBOARD_WINDOW_S", ge=10, le=86_400, description="seconds of book and quotes on the live page"
    )

    @field_validator("symbols", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        return split_symbols(value)

    @field_validator("dashboard_token")
    @classmethod
    def _long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < 16:
            raise ValueError(
                "must be at least 16 characters (e.g. `python -c 'import secrets; print(secrets.token_urlsafe())'`)"
            )
        return value

    @model_validator(mode="after")
    def _token_off_loopback(self) -> DashboardSettings:
        if not is_loopback(self.dashboard_host) and self.dashboard_token is None:
            raise ValueError(
                f"DASHBOARD_HOST {self.dashboard_host} is reachable from other machines: set DASHBOARD_TOKEN too"
            )
        return self

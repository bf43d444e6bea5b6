"""Turn the adapter's settings into the SDK's `ClientConfig` and Stark account.

The SDK's own configs point at the real venue with a 500 s request timeout; we derive ours with
`dataclasses.replace` so a loopback fake and a sane timeout are one setting away.
"""

from __future__ import annotations

import dataclasses

from x10.config import MAINNET_CONFIG, TESTNET_CONFIG
from x10.core.client_config import ClientConfig
from x10.core.stark_account import StarkPerpetualAccount

from mm.adapters.extended.settings import ExtendedCredentials, ExtendedEndpoints, ExtendedNetwork


def client_config(endpoints: ExtendedEndpoints) -> ClientConfig:
    """The SDK config for `endpoints`: network defaults, URL overrides, our request timeout."""
    base = MAINNET_CONFIG if endpoints.network is ExtendedNetwork.MAINNET else TESTNET_CONFIG
    urls = base.endpoints
    if endpoints.api_url is not None:
        api_url = endpoints.api_url.rstrip("/")
        urls = dataclasses.replace(urls, api_base_url=api_url, api_base_order_management_url=api_url)
    if endpoints.stream_url is not None:
        urls = dataclasses.replace(urls, stream_url=endpoints.stream_url.rstrip("/"))
    # Annotated `int` in the SDK, but it only reaches aiohttp.ClientTimeout, which takes fractions.
    defaults = dataclasses.replace(base.defaults, request_timeout_seconds=endpoints.request_timeout_s)  # type: ignore[arg-type]
    return dataclasses.replace(base, endpoints=urls, defaults=defaults)


def stream_base_url(endpoints: ExtendedEndpoints) -> str:
    """The v1 stream base, without a trailing slash."""
    return client_config(endpoints).endpoints.stream_url


def stark_account(credentials: ExtendedCredentials) -> StarkPerpetualAccount:
    """The SDK's signing account; the keys leave their `SecretStr` only here."""
    return StarkPerpetualAccount(
        vault=int(credentials.vault_id.get_secret_value()),
        private_key=credentials.stark_private_key.get_secret_value(),
        public_key=credentials.stark_public_key.get_secret_value(),
        api_key=credentials.api_key.get_secret_value(),
    )

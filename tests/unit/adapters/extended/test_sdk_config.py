"""Settings into the SDK's config and account."""

from __future__ import annotations

from pydantic import SecretStr
from x10.config import MAINNET_CONFIG, TESTNET_CONFIG

from mm.adapters.extended.sdk_config import client_config, stark_account, stream_base_url
from mm.adapters.extended.settings import ExtendedCredentials, ExtendedEndpoints, ExtendedNetwork


def test_without_overrides_the_network_config_is_kept_except_the_timeout() -> None:
    config = client_config(ExtendedEndpoints(network=ExtendedNetwork.TESTNET, request_timeout_s=7.5))

    assert config.endpoints == TESTNET_CONFIG.endpoints
    assert config.signing == TESTNET_CONFIG.signing
    assert config.defaults.request_timeout_seconds == 7.5


def test_an_api_override_points_both_rest_bases_at_it() -> None:
    config = client_config(ExtendedEndpoints(api_url="http://127.0.0.1:8080/api/v1/"))

    assert config.endpoints.api_base_url == "http://127.0.0.1:8080/api/v1"
    assert config.endpoints.api_base_order_management_url == "http://127.0.0.1:8080/api/v1"
    assert config.signing == MAINNET_CONFIG.signing


def test_a_stream_override_replaces_the_v1_stream_base() -> None:
    endpoints = ExtendedEndpoints(stream_url="ws://127.0.0.1:9000/stream.extended.exchange/v1/")

    assert stream_base_url(endpoints) == "ws://127.0.0.1:9000/stream.extended.exchange/v1"


def test_credentials_become_the_sdk_signing_account() -> None:
    credentials = ExtendedCredentials(
        api_key=SecretStr("key-1"),
        stark_private_key=SecretStr("0x1234"),
        stark_public_key=SecretStr("0xabcd"),
        vault_id=SecretStr("500818"),
    )

    account = stark_account(credentials)

    assert (account.vault, account.public_key, account.api_key) == (500818, 0xABCD, "key-1")


def test_credentials_do_not_show_their_secrets_in_repr() -> None:
    credentials = ExtendedCredentials(
        api_key=SecretStr("key-secret"),
        stark_private_key=SecretStr("0x1234"),
        stark_public_key=SecretStr("0xabcd"),
        vault_id=SecretStr("1"),
    )

    assert "key-secret" not in repr(credentials)

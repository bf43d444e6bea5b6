"""The account's credentials are checked when built, before the SDK sees them, and never echoed."""

from __future__ import annotations

import pytest
from pydantic import SecretStr, ValidationError

from mm.adapters.extended.settings import ExtendedCredentials


def _credentials(**changes: str) -> ExtendedCredentials:
    values = {"api_key": "k", "stark_private_key": "0x1a2b", "stark_public_key": "0x3c4d", "vault_id": "42"} | changes
    return ExtendedCredentials(**{name: SecretStr(value) for name, value in values.items()})


def test_well_formed_credentials_are_accepted() -> None:
    assert _credentials().vault_id.get_secret_value() == "42"


def test_a_private_key_without_the_hex_prefix_is_refused() -> None:
    with pytest.raises(ValidationError, match="stark_private_key"):
        _credentials(stark_private_key="1a2b")


def test_a_vault_id_that_is_not_a_whole_number_is_refused_without_its_value() -> None:
    with pytest.raises(ValidationError) as error:
        _credentials(vault_id="v-88x")
    assert "v-88x" not in str(error.value)

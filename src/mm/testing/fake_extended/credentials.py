"""The one account the fake serves: its API key, vault and Stark key pair.

A fixed default private key keeps runs reproducible; the keys are a fake's and secure nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import fast_stark_crypto

DEFAULT_PRIVATE_KEY = 0x3C1E9550E66958296D11B60F8E8E7A7AD990D07FA65D5F7652C4A6C87D4E3C
DEFAULT_API_KEY = "fake-extended-api-key"
DEFAULT_VAULT = 500818


@dataclass(frozen=True, slots=True)
class FakeCredentials:
    api_key: str
    vault: int
    private_key: int
    public_key: int

    @classmethod
    def create(
        cls, api_key: str = DEFAULT_API_KEY, vault: int = DEFAULT_VAULT, private_key: int = DEFAULT_PRIVATE_KEY
    ) -> FakeCredentials:
        return cls(api_key, vault, private_key, fast_stark_crypto.get_public_key(private_key))

    @property
    def private_key_hex(self) -> str:
        return hex(self.private_key)

    @property
    def public_key_hex(self) -> str:
        return hex(self.public_key)

    def __repr__(self) -> str:
        return f"FakeCredentials(api_key=***, vault={self.vault}, public_key={self.public_key_hex})"

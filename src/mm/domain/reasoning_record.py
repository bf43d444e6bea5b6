"""The audit record of one accepted reflection: everything needed to see why a proposal was made. No I/O.

It is written as a file before the proposal is stored, and the file's sha256 is stored with the
proposal, so what an operator reads later is provably what the decision was based on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mm.domain.param_gate import ParamProposal
from mm.domain.params import StrategyParams
from mm.domain.reflection_input import ReflectionInput
from mm.domain.reflection_prompt import ReflectionPrompt

_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass(frozen=True, slots=True)
class ReasoningRecord:
    """`new_params` are the params the proposal leads to, as the gate computed them."""

    proposal_id: str
    created_ts_ms: int
    model: str
    reflection: ReflectionInput
    prompt: ReflectionPrompt
    proposal: ParamProposal
    new_params: StrategyParams

    def __post_init__(self) -> None:
        # These three end up in a file name: nothing that could climb out of the folder.
        for label, value in (
            ("proposal_id", self.proposal_id),
            ("exchange", self.reflection.exchange),
            ("symbol", self.reflection.symbol),
        ):
            if not _SAFE_NAME.match(value) or ".." in value:
                raise ValueError(f"{label} {value!r} is not safe in a file name")

    @property
    def exchange(self) -> str:
        return self.reflection.exchange

    @property
    def symbol(self) -> str:
        return self.reflection.symbol


@dataclass(frozen=True, slots=True)
class ReasoningReceipt:
    """Where a reasoning record was written, the sha256 (hex) of exactly the bytes written, and those bytes.

    The bytes go to the database with the proposal: the file is the audit copy, the stored document is
    what the executor verifies, so it needs no access to the reflector's disk.
    """

    path: str
    sha256: str
    document: bytes = b""

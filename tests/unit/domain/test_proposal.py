from __future__ import annotations

import pytest

from mm.domain.proposal import ProposalStatus

LEGAL = {
    (ProposalStatus.PROPOSED, ProposalStatus.APPLIED),
    (ProposalStatus.PROPOSED, ProposalStatus.REJECTED),
    (ProposalStatus.APPLIED, ProposalStatus.ROLLED_BACK),
}


@pytest.mark.parametrize("old", list(ProposalStatus))
@pytest.mark.parametrize("new", list(ProposalStatus))
def test_only_proposed_to_applied_or_rejected_and_applied_to_rolled_back_are_legal(
    old: ProposalStatus, new: ProposalStatus
) -> None:
    assert old.can_become(new) == ((old, new) in LEGAL)

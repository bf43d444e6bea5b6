from __future__ import annotations

import pytest
from fastapi import HTTPException

from mm.apps.dashboard.routes.run_ids import compared_run_ids


def test_ids_come_comma_separated_or_repeated_and_keep_their_order() -> None:
    assert compared_run_ids(["4,3"]) == [4, 3]
    assert compared_run_ids(["4", "3", "5"]) == [4, 3, 5]


def test_a_repeated_id_counts_once() -> None:
    assert compared_run_ids(["3,4,3"]) == [3, 4]


@pytest.mark.parametrize("raw", [[], ["3"], ["3,3"], ["3,x"], ["0,1"], ["-1,2"]])
def test_fewer_than_two_runs_or_a_bad_id_is_a_400(raw: list[str]) -> None:
    with pytest.raises(HTTPException) as caught:
        compared_run_ids(raw)
    assert caught.value.status_code == 400

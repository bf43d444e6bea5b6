"""The account stream's frame observer: where a malformed frame leaves the fill-history floor."""

from __future__ import annotations

import asyncio

import pytest

from mm.adapters.extended.account_state import KnownAccount
from mm.adapters.extended.account_stream import _AccountFrames
from mm.adapters.extended.event_pump import EventPump
from mm.domain.orders import AccountEvent
from mm.ports.errors import MalformedMessage
from tests.unit.adapters.extended.conftest import fixture_frame, received_ms


def observer(known: KnownAccount) -> _AccountFrames:
    pump: EventPump[AccountEvent] = EventPump()
    return _AccountFrames(known, pump, frozenset({"BTC-USD"}), asyncio.Event())


async def test_a_malformed_first_frame_stamped_ten_to_the_18_does_not_set_the_fill_floor() -> None:
    known = KnownAccount()
    frame = fixture_frame("account_balance.json")

    with pytest.raises(MalformedMessage):
        observer(known).on_frame(frame._replace(ts_ms=10**18), received_ms(frame), is_first=True)

    assert known.fills.floor_ts_ms is None


async def test_the_first_frame_within_bounds_sets_the_fill_floor_after_a_malformed_one() -> None:
    known = KnownAccount()
    frames = observer(known)
    frame = fixture_frame("account_balance.json")
    with pytest.raises(MalformedMessage):
        frames.on_frame(frame._replace(ts_ms=10**18), received_ms(frame), is_first=True)

    frames.on_frame(frame, received_ms(frame), is_first=False)

    assert known.fills.floor_ts_ms == frame.ts_ms

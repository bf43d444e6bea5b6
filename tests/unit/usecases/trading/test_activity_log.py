"""The executor's lines for a person: asserted on captured events, since these lines are the operator's view."""

from __future__ import annotations

from decimal import Decimal

from structlog.testing import capture_logs

from mm.domain.decision_record import DecisionRecord
from mm.usecases.trading.activity_log import ActivityLog


def _record(mode: str, prev_mode: str | None, bid: str | None = "99", ask: str | None = "101") -> DecisionRecord:
    return DecisionRecord(
        exchange="x",
        symbol="BTC-USD",
        ts_ms=1,
        mode=mode,
        prev_mode=prev_mode,
        reasons=("stale_book",) if mode == "PAUSE" else (),
        params_version=1,
        mid=100.0,
        bid_px=Decimal(bid) if bid else None,
        bid_sz=None,
        ask_px=Decimal(ask) if ask else None,
        ask_sz=None,
        position=0.0,
    )


def test_a_mode_change_is_logged_with_its_causes() -> None:
    with capture_logs() as logs:
        ActivityLog().decision(_record("PAUSE", "NORMAL", None, None))
    [changed] = [log for log in logs if log["event"] == "mode_changed"]
    assert (changed["mode"], changed["previous"], changed["because"]) == ("PAUSE", "NORMAL", ["stale_book"])
    assert changed["log_level"] == "info"


def test_a_decision_in_the_same_mode_logs_no_mode_change() -> None:
    with capture_logs() as logs:
        ActivityLog().decision(_record("NORMAL", "NORMAL"))
    assert [log["event"] for log in logs if log["log_level"] == "info"] == []


def test_quote_changes_are_debug_and_only_when_the_quotes_move() -> None:
    activity = ActivityLog()
    with capture_logs() as logs:
        activity.decision(_record("NORMAL", "NORMAL"))
        activity.decision(_record("NORMAL", "NORMAL"))
        activity.decision(_record("NORMAL", "NORMAL", bid="98"))
    changes = [log for log in logs if log["event"] == "quotes_changed"]
    assert [(log["bid"], log["log_level"]) for log in changes] == [("99", "debug"), ("98", "debug")]


def test_an_expected_race_is_info_with_a_running_count() -> None:
    activity = ActivityLog()
    with capture_logs() as logs:
        activity.expected_race("BTC-USD", "replace")
        activity.expected_race("BTC-USD", "replace")
    assert [(log["log_level"], log["count"]) for log in logs] == [("info", 1), ("info", 2)]


def test_the_status_line_is_due_once_per_interval() -> None:
    activity = ActivityLog(status_interval_ms=1_000)
    due = [activity.status_due(now_ms) for now_ms in (0, 500, 1_000, 1_500, 2_000)]
    assert due == [False, False, True, False, True]

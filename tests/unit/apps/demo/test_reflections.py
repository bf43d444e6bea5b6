"""What the demo's live view says about its reflector runs."""

from __future__ import annotations

from mm.apps.demo.reflections import ReflectionTally, outcome_of


def test_the_outcome_is_the_word_after_the_window_of_the_last_line() -> None:
    printed = "BTC-USD 2026-12-03T07:12:30.000Z .. 2026-12-03T08:12:30.000Z: stored 53962ac0dab245b7947c2f40a0aeff2e\n"
    assert outcome_of(printed) == "stored"
    assert outcome_of("ETH-USD 2026-12-03T07:00:00.000Z .. 2026-12-03T08:00:00.000Z: no_change\n") == "no_change"
    assert outcome_of("") == "nothing printed"


def test_a_failed_run_shows_its_exit_code_and_makes_the_demo_unclean() -> None:
    tally = ReflectionTally(runs=2, failed=1, last_exit_code=3, last_outcome="nothing printed")
    assert tally.line() == "2 run(s), last: exit 3"
    assert tally.exit_code == 3
    assert ReflectionTally(runs=1, last_exit_code=0, last_outcome="stored").line() == "1 run(s), last: stored"
    assert ReflectionTally().exit_code == 0

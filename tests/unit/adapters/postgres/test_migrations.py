"""Revisions are checked against this release's migrations before any database starts."""

from __future__ import annotations

import pytest

from mm.adapters.postgres import migrations


@pytest.mark.parametrize("revision", ["head", "heads", "base", "+1", "-1", migrations.head_revision() or "head"])
def test_a_named_or_relative_revision_is_accepted(revision: str) -> None:
    migrations.check_revision(revision)


def test_an_unknown_revision_is_refused_naming_the_known_ones() -> None:
    with pytest.raises(migrations.UnknownRevision, match=r"no migration 'nonsense' \(known: head, base, "):
        migrations.check_revision("nonsense")

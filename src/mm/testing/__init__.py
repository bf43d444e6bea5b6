"""Test infrastructure shipped in the package: the fake Extended server (also used by the demo)."""

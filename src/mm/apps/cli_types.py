"""Argument types shared by the apps' parsers (light: `mm --help` imports every parser)."""

from __future__ import annotations

import argparse


def positive_float(text: str) -> float:
    """A number above zero, or an argparse error naming what was given."""
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {text}")
    return value

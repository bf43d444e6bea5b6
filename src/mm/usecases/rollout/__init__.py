"""Applying reflector proposals in the executor and rolling them back."""

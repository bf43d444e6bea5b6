"""The reflector's workflow: read a window, ask the advisor, gate, record."""

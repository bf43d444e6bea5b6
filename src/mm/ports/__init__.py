"""Ports: the Protocols use cases depend on, one role per module. Adapters implement them."""

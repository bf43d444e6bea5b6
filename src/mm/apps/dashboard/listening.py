"""The dashboard's listening socket, bound before uvicorn starts so a busy port is a start-up error (exit 3)."""

from __future__ import annotations

import socket

from mm.ports.errors import MmError


class AddressUnavailable(MmError):
    """The dashboard cannot listen on the address asked for (in use, not ours, or unknown)."""


def listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to `host`:`port` (0: any free port); `AddressUnavailable` when it cannot be."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except OSError as error:
        raise AddressUnavailable(f"cannot listen on {host}:{port}: {error}") from error
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as error:
        sock.close()
        raise AddressUnavailable(f"cannot listen on {host}:{port}: {error.strerror or error}") from error
    return sock

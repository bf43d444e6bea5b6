"""The Extended adapter against the fake Extended server, over real loopback sockets."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar

import pytest
from pydantic import SecretStr

from mm.adapters.clock import SystemClock
from mm.adapters.extended import (
    ExtendedCredentials,
    ExtendedEndpoints,
    ExtendedRestSession,
    ExtendedTradingGateway,
    RequestBudgetSettings,
    RestSettings,
    StreamSettings,
)
from mm.adapters.observability.prometheus import PrometheusMetrics
from mm.testing.fake_extended import FakeExtendedServer

SYMBOL = "BTC-USD"
EVENT_TIMEOUT_S = 5.0

E = TypeVar("E")

# Fast reconnects and a short watchdog keep the fault tests quick.
FAST_STREAMS = StreamSettings(
    heartbeat_timeout_s=1.0,
    open_timeout_s=2.0,
    reconnect_initial_s=0.01,
    reconnect_max_s=0.1,
    reconnect_jitter_s=0.01,
)
FAST_REST = RestSettings(
    max_attempts=3,
    retry_initial_s=0.01,
    retry_max_s=0.05,
    budget=RequestBudgetSettings(
        max_requests=600, window_s=60.0, burst=100, max_wait_s=2.0, rate_limited_backoff_s=0.5
    ),
)


@pytest.fixture
def clock() -> SystemClock:
    return SystemClock()


@pytest.fixture
def metrics() -> PrometheusMetrics:
    return PrometheusMetrics()


@pytest.fixture
async def server() -> AsyncIterator[FakeExtendedServer]:
    async with FakeExtendedServer.start() as running:
        await running.market.push_bbo("84000", "1.5", "84010", "2")
        yield running


def endpoints_of(server: FakeExtendedServer, request_timeout_s: float = 2.0) -> ExtendedEndpoints:
    return ExtendedEndpoints(api_url=server.rest_url, stream_url=server.stream_url, request_timeout_s=request_timeout_s)


def credentials_of(server: FakeExtendedServer, api_key: str | None = None) -> ExtendedCredentials:
    fake = server.credentials
    return ExtendedCredentials(
        api_key=SecretStr(api_key or fake.api_key),
        stark_private_key=SecretStr(fake.private_key_hex),
        stark_public_key=SecretStr(fake.public_key_hex),
        vault_id=SecretStr(str(fake.vault)),
    )


@pytest.fixture
def endpoints(server: FakeExtendedServer) -> ExtendedEndpoints:
    return endpoints_of(server)


@pytest.fixture
def credentials(server: FakeExtendedServer) -> ExtendedCredentials:
    return credentials_of(server)


@pytest.fixture
async def session(
    endpoints: ExtendedEndpoints, credentials: ExtendedCredentials, clock: SystemClock, metrics: PrometheusMetrics
) -> AsyncIterator[ExtendedRestSession]:
    rest = ExtendedRestSession(endpoints, credentials, clock, metrics, FAST_REST)
    try:
        yield rest
    finally:
        await rest.aclose()


@pytest.fixture
def gateway(session: ExtendedRestSession) -> ExtendedTradingGateway:
    return ExtendedTradingGateway(session)


class EventCollector:
    """Consumes an adapter's `events()` in the background; tests wait on what has arrived."""

    def __init__(self, events: AsyncIterator[Any]) -> None:
        self.items: list[Any] = []
        self.error: BaseException | None = None
        self._task = asyncio.create_task(self._collect(events))

    async def _collect(self, events: AsyncIterator[Any]) -> None:
        try:
            async for event in events:
                self.items.append(event)
        except Exception as error:  # the test inspects it
            self.error = error

    @property
    def is_done(self) -> bool:
        return self._task.done()

    def of(self, event_type: type[E], /, **fields: object) -> list[E]:
        """Arrived events of `kind` whose attributes equal `fields`."""
        return [
            e for e in self.items if isinstance(e, event_type) and all(getattr(e, k) == v for k, v in fields.items())
        ]

    async def wait_for(
        self, event_type: type[E], count: int = 1, /, timeout_s: float = EVENT_TIMEOUT_S, **fields: object
    ) -> list[E]:
        """Wait until `count` matching events arrived (in total); return them all."""
        await self.wait_until(
            lambda: len(self.of(event_type, **fields)) >= count, timeout_s, f"{count} x {event_type.__name__}{fields}"
        )
        return self.of(event_type, **fields)

    async def wait_until(
        self, condition: Callable[[], bool], timeout_s: float = EVENT_TIMEOUT_S, what: str = ""
    ) -> None:
        deadline = asyncio.get_running_loop().time() + timeout_s
        while not condition():
            if self.error is not None:
                raise AssertionError(f"the event stream failed while waiting for {what}") from self.error
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"timed out waiting for {what}; last events: {self.items[-5:]}")
            await asyncio.sleep(0.005)

    async def stop(self) -> None:
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)

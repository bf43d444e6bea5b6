"""The fake Extended server: REST and v1 streams on loopback, one account, replayable markets.

Start it with `async with FakeExtendedServer.start() as server:`; point the SDK at it with
`server.client_config()` and `server.stark_account()`; drive prices with `server.market`, make it
misbehave with `server.faults`, and inspect it with `server.resting_orders()`, `server.requests`, ….
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import itertools
from collections.abc import AsyncIterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from aiohttp import web
from x10.config import MAINNET_CONFIG
from x10.core.client_config import ClientConfig, EndpointsConfig, StarknetDomain
from x10.core.stark_account import StarkPerpetualAccount

from mm.ports.clock import Clock
from mm.testing.fake_extended.account import FakeAccount, FakeOrder, FakePosition
from mm.testing.fake_extended.book import MarketBook
from mm.testing.fake_extended.credentials import FakeCredentials
from mm.testing.fake_extended.dead_man_switch import DeadManSwitch
from mm.testing.fake_extended.exchange import FakeExchange
from mm.testing.fake_extended.faults import FaultKnobs
from mm.testing.fake_extended.market import FakeMarket
from mm.testing.fake_extended.market_payloads import print_payload
from mm.testing.fake_extended.markets import BTC_USD, MarketSpec
from mm.testing.fake_extended.prices import PriceDerivation
from mm.testing.fake_extended.replay import Replayer, recorded_events, repeated_events
from mm.testing.fake_extended.request_log import RequestLog
from mm.testing.fake_extended.rest import API_PREFIX, FakeRestApi
from mm.testing.fake_extended.stream_hub import STREAM_PREFIX, StreamHub, StreamKind, Subscription
from mm.testing.fake_extended.streams import FakeStreamServer
from mm.testing.fake_extended.wall_clock import WallClock

DEFAULT_PRICE_DERIVATION = PriceDerivation()


class FakeExtendedServer:
    """One fake venue. Constructing it opens nothing; `open()`/`close()` (or `start()`) do."""

    def __init__(
        self,
        *,
        markets: Sequence[MarketSpec] = (BTC_USD,),
        credentials: FakeCredentials | None = None,
        starknet_domain: StarknetDomain = MAINNET_CONFIG.signing.starknet_domain,
        clock: Clock | None = None,
        host: str = "127.0.0.1",
        rest_port: int = 0,
        stream_port: int = 0,
        ping_interval_s: float | None = 15,
        ping_timeout_s: float | None = 10,
        price_derivation: PriceDerivation | None = DEFAULT_PRICE_DERIVATION,
        initial_balance: Decimal = Decimal(100_000),
        rate_limit_per_min: int | None = None,
        caps_touch_fills_at_trade_size: bool = False,
    ) -> None:
        if not markets:
            raise ValueError("the fake needs at least one market")
        self.credentials = credentials or FakeCredentials.create()
        self.starknet_domain = starknet_domain
        self._clock: Clock = clock or WallClock()
        self._host, self._rest_port, self._stream_port = host, rest_port, stream_port
        self.streams = StreamHub()
        self.faults = FaultKnobs(self.streams, rate_limit_per_min)
        self.requests = RequestLog()
        books = {spec.name: MarketBook(spec.name) for spec in markets}
        self.exchange = FakeExchange(
            specs={spec.name: spec for spec in markets},
            books=books,
            account=FakeAccount(balance=initial_balance, balance_updated_ms=self._clock.now_ms()),
            credentials=self.credentials,
            domain=starknet_domain,
            hub=self.streams,
            faults=self.faults,
            clock=self._clock,
            caps_touch_fills_at_trade_size=caps_touch_fills_at_trade_size,
        )
        trade_ids = itertools.count(2_104_498_792_354_025_474)
        self.markets = {
            name: FakeMarket(
                book,
                hub=self.streams,
                exchange=self.exchange,
                clock=self._clock,
                trade_ids=trade_ids,
                derivation=price_derivation,
            )
            for name, book in books.items()
        }
        self.dead_man_switch = DeadManSwitch(self._clock, self.exchange.cancel_all_orders)
        self._ping_interval_s, self._ping_timeout_s = ping_interval_s, ping_timeout_s
        self._stream_server: FakeStreamServer | None = None
        self._runner: web.AppRunner | None = None
        self._replays: set[asyncio.Task[int]] = set()

    @classmethod
    @contextlib.asynccontextmanager
    async def start(cls, **options: Any) -> AsyncIterator[FakeExtendedServer]:
        """Run a server for the `async with` block; `options` are the constructor's."""
        server = cls(**options)
        await server.open()
        try:
            yield server
        finally:
            await server.close()

    async def open(self) -> None:
        rest_api = FakeRestApi(
            exchange=self.exchange,
            dead_man_switch=self.dead_man_switch,
            faults=self.faults,
            request_log=self.requests,
            credentials=self.credentials,
            clock=self._clock,
        )
        self._runner = web.AppRunner(rest_api.app(), access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, self._host, self._rest_port).start()
        self._rest_port = int(self._runner.addresses[0][1])
        self._stream_server = FakeStreamServer(
            hub=self.streams,
            initial_frames=self._initial_frames,
            market_names=lambda: list(self.markets),
            api_key=self.credentials.api_key,
            clock=self._clock,
            ping_interval_s=self._ping_interval_s,
            ping_timeout_s=self._ping_timeout_s,
        )
        self._stream_port = await self._stream_server.start(self._host, self._stream_port)

    async def close(self) -> None:
        for task in self._replays:
            task.cancel()
        await asyncio.gather(*self._replays, return_exceptions=True)
        await self.dead_man_switch.close()
        if self._stream_server is not None:
            await self._stream_server.stop()
            self._stream_server = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def rest_url(self) -> str:
        """The REST base including `/api/v1`, as the SDK's `api_base_url` wants it."""
        return f"http://{self._host}:{self._rest_port}{API_PREFIX}"

    @property
    def stream_url(self) -> str:
        """The v1 stream base, as the SDK's `stream_url` wants it."""
        return f"ws://{self._host}:{self._stream_port}{STREAM_PREFIX}"

    @property
    def api_key(self) -> str:
        return self.credentials.api_key

    @property
    def market(self) -> FakeMarket:
        """The first (default) market."""
        return next(iter(self.markets.values()))

    def endpoints_config(self) -> EndpointsConfig:
        stream_host = f"ws://{self._host}:{self._stream_port}/stream.extended.exchange"
        return dataclasses.replace(
            MAINNET_CONFIG.endpoints,
            api_base_url=self.rest_url,
            api_base_order_management_url=self.rest_url,
            stream_url=self.stream_url,
            stream_rpc_url=f"{stream_host}/v2/rpc",
        )

    def client_config(self, *, request_timeout_s: float = 5.0) -> ClientConfig:
        """An SDK config for this server, signing in the domain the server verifies."""
        signing = dataclasses.replace(MAINNET_CONFIG.signing, starknet_domain=self.starknet_domain)
        # The SDK annotates the timeout as int; it only reaches aiohttp.ClientTimeout, which takes floats.
        defaults = dataclasses.replace(MAINNET_CONFIG.defaults, request_timeout_seconds=request_timeout_s)  # type: ignore[arg-type]
        return dataclasses.replace(
            MAINNET_CONFIG, endpoints=self.endpoints_config(), signing=signing, defaults=defaults
        )

    def stark_account(self) -> StarkPerpetualAccount:
        """The SDK account whose orders this server accepts."""
        c = self.credentials
        return StarkPerpetualAccount(c.vault, c.private_key_hex, c.public_key_hex, c.api_key)

    async def replay(
        self,
        prefix: Path | str,
        *,
        speed: float = 0.0,
        market: str | None = None,
        limit: int | None = None,
        repeat: bool = False,
    ) -> int:
        """Replay a recorded data set into `market` (default: the first); returns the events replayed.

        `repeat` starts the set again at its end, for as long as the server runs (or up to `limit`).
        """
        target = self.markets[market] if market else self.market
        events = repeated_events(Path(prefix)) if repeat else recorded_events(Path(prefix))
        return await Replayer(target, self._clock, speed=speed).run(events, limit=limit)

    def start_replay(
        self,
        prefix: Path | str,
        *,
        speed: float = 0.0,
        market: str | None = None,
        limit: int | None = None,
        repeat: bool = False,
    ) -> asyncio.Task[int]:
        """Replay in the background; the task is cancelled when the server closes."""
        replay = self.replay(prefix, speed=speed, market=market, limit=limit, repeat=repeat)
        task = asyncio.get_running_loop().create_task(replay)
        self._replays.add(task)
        task.add_done_callback(self._replays.discard)
        return task

    def resting_orders(self, market: str | None = None) -> list[FakeOrder]:
        """Our open orders (NEW or PARTIALLY_FILLED), oldest first."""
        return self.exchange.account.open_orders(market)

    def orders(self) -> list[FakeOrder]:
        """Every order the server accepted, in any state, oldest first."""
        return list(self.exchange.account.orders.values())

    def order(self, external_id: str) -> FakeOrder | None:
        return self.exchange.account.order_by_external_id(external_id)

    def positions(self) -> dict[str, FakePosition]:
        return dict(self.exchange.account.positions)

    def position_size(self, market: str | None = None) -> Decimal:
        """Signed position (long > 0) in `market` (default: the first market)."""
        position = self.exchange.account.positions.get(market or self.market.name)
        return position.size if position is not None else Decimal(0)

    @property
    def account(self) -> FakeAccount:
        return self.exchange.account

    def _initial_frames(self, subscription: Subscription) -> list[tuple[str | None, Any]]:
        if subscription.kind is StreamKind.ACCOUNT:
            return list(self.exchange.account_snapshot_frames())
        if subscription.market is not None:
            return self.markets[subscription.market].snapshot_frames(subscription.kind)
        if subscription.kind is StreamKind.TRADES:
            prints = sorted((p for m in self.markets.values() for p in m.book.prints), key=lambda p: p.trade_id)
            return [(None, [print_payload(p) for p in prints])]
        return [frame for m in self.markets.values() for frame in m.snapshot_frames(subscription.kind)]

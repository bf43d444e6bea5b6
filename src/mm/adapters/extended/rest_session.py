"""Every REST request to Extended goes through here: budget, bounded retry, error translation.

One session per process and account: the request budget is per IP, so the trading gateway and
the account stream's re-sync must share it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import aiohttp
import structlog
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_exponential_jitter
from x10.clients.rest.rest_api_client import RestApiClient
from x10.core.client_config import ClientConfig
from x10.core.stark_account import StarkPerpetualAccount

from mm.adapters.extended.errors import ensure_ok, translate_errors
from mm.adapters.extended.metrics import ExtendedMetrics
from mm.adapters.extended.request_budget import RequestBudget
from mm.adapters.extended.sdk_config import client_config, stark_account
from mm.adapters.extended.settings import ExtendedCredentials, ExtendedEndpoints, RestSettings
from mm.ports.clock import Clock
from mm.ports.errors import MmError, RateLimited, RetryableError
from mm.ports.metrics import Metrics

T = TypeVar("T")

_log = structlog.get_logger(__name__)


class ExtendedRestSession:
    """The SDK's `RestApiClient` behind a request budget, bounded retries and typed errors."""

    def __init__(
        self,
        endpoints: ExtendedEndpoints,
        credentials: ExtendedCredentials,
        clock: Clock,
        metrics: Metrics,
        settings: RestSettings | None = None,
    ) -> None:
        self.settings = settings or RestSettings()
        self.clock = clock
        self.config: ClientConfig = client_config(endpoints)
        self.account: StarkPerpetualAccount = stark_account(credentials)
        self.client = RestApiClient(self.config, self.account)
        self.metrics = ExtendedMetrics(metrics)
        self.budget = RequestBudget(self.settings.budget, clock, self.metrics)
        self._timeout_s = endpoints.request_timeout_s
        self._http: aiohttp.ClientSession | None = None

    async def call(self, operation: str, request: Callable[[], Awaitable[T]], *, retry: bool = True) -> T:
        """Send `request` within budget, retrying transient failures a bounded number of times.

        Retries are safe only for idempotent requests; a placement is idempotent through its
        client order id. Raises `mm.ports.errors` types only.
        """
        attempts = self.settings.max_attempts if retry else 1
        retrying = AsyncRetrying(
            stop=stop_after_attempt(attempts),
            wait=wait_exponential_jitter(
                multiplier=self.settings.retry_initial_s,
                max=self.settings.retry_max_s,
                jitter=self.settings.retry_initial_s,
            ),
            retry=retry_if_exception_type(RetryableError),
            sleep=self.clock.sleep,
            reraise=True,
            before_sleep=lambda state: _log.info(
                "extended_request_retried",
                operation=operation,
                attempt=state.attempt_number,
                error=str(state.outcome.exception()) if state.outcome else None,
            ),
        )
        async for attempt in retrying:
            with attempt:
                return await self._send_once(operation, request)
        raise AssertionError("unreachable: tenacity re-raises the last error")  # pragma: no cover

    async def _send_once(self, operation: str, request: Callable[[], Awaitable[T]]) -> T:
        await self.budget.acquire()
        self.metrics.rest_requests.inc(operation=operation)
        started_ms = self.clock.now_ms()
        try:
            with translate_errors(operation):
                response = await request()
            ensure_ok(response, operation)
        except RateLimited as error:
            if error.retry_after_s is None:  # the venue's 429, not our own budget
                backoff_s = self.settings.budget.rate_limited_backoff_s
                self.budget.pause(backoff_s)
                error.retry_after_s = backoff_s
            self.metrics.rest_errors.inc(operation=operation, category=type(error).__name__)
            raise
        except MmError as error:
            self.metrics.rest_errors.inc(operation=operation, category=type(error).__name__)
            raise
        finally:
            self.metrics.rest_latency.observe((self.clock.now_ms() - started_ms) / 1000, operation=operation)
        return response

    def api_key(self) -> str:
        """The account's API key, for the raw requests and the private stream the SDK has no helper for."""
        key: Any = self.account.api_key
        return str(key)

    def http(self) -> aiohttp.ClientSession:
        """An aiohttp session, with the SDK's timeout, for the requests the SDK has no helper for."""
        if self._http is None or self._http.closed:
            self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self._timeout_s))
        return self._http

    async def aclose(self) -> None:
        await self.client.close()  # type: ignore[no-untyped-call]  # the SDK leaves it unannotated
        if self._http is not None:
            await self._http.close()

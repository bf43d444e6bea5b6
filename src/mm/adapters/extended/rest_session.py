"""Every REST request to Extended goes through here: budget, bounded retry, error translation.

One session per process and account: the request budget is per IP, so the trading gateway and
the account stream's re-sync must share it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import aiohttp
import structlog
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)
from x10.clients.rest.rest_api_client import RestApiClient
from x10.core.client_config import ClientConfig
from x10.core.stark_account import StarkPerpetualAccount

from mm.adapters.extended.errors import VenueRateLimited, ensure_ok, translate_errors
from mm.adapters.extended.metrics import ExtendedMetrics
from mm.adapters.extended.request_budget import RequestBudget, RequestPriority
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

    async def call(
        self,
        operation: str,
        request: Callable[[], Awaitable[T]],
        *,
        retry: bool = True,
        priority: RequestPriority = RequestPriority.ROUTINE,
    ) -> T:
        """Send `request` within budget, retrying transient failures a bounded number of times.

        Retries are safe only for idempotent requests; a placement is idempotent through its
        client order id. A risk-reducing request refused by the venue's 429 is retried at the
        earliest moment the venue allows. Raises `mm.ports.errors` types only.
        """
        attempts = self.settings.max_attempts if retry else 1
        retrying = AsyncRetrying(
            stop=stop_after_attempt(attempts),
            wait=self._retry_wait(priority),
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
                return await self._send_once(operation, request, priority)
        raise AssertionError("unreachable: tenacity re-raises the last error")  # pragma: no cover

    def _retry_wait(self, priority: RequestPriority) -> Callable[[RetryCallState], float]:
        """Exponential back-off, except after the venue's 429 on a risk-reducing request.

        That one goes again as soon as the venue allows: its `Retry-After` is already a pause of
        the budget (so no extra wait here), and without one, the spacing the documented per-minute
        limit allows.
        """
        settings = self.settings
        exponential = wait_exponential_jitter(
            multiplier=settings.retry_initial_s, max=settings.retry_max_s, jitter=settings.retry_initial_s
        )
        budget = settings.budget
        venue_spacing_s = budget.window_s / (budget.max_requests + budget.reserved_requests)

        def wait(state: RetryCallState) -> float:
            error = state.outcome.exception() if state.outcome is not None else None
            if priority is RequestPriority.RISK_REDUCING and isinstance(error, VenueRateLimited):
                return 0.0 if error.venue_retry_after_s is not None else venue_spacing_s
            return exponential(state)

        return wait

    async def _send_once(self, operation: str, request: Callable[[], Awaitable[T]], priority: RequestPriority) -> T:
        await self.budget.acquire(priority)
        self.metrics.rest_requests.inc(operation=operation)
        started_ms = self.clock.now_ms()
        try:
            with translate_errors(operation):
                response = await request()
            ensure_ok(response, operation)
        except VenueRateLimited as error:
            self._back_off(error, priority)
            self.metrics.rest_errors.inc(operation=operation, category=RateLimited.__name__)
            raise
        except MmError as error:
            self.metrics.rest_errors.inc(operation=operation, category=type(error).__name__)
            raise
        finally:
            self.metrics.rest_latency.observe((self.clock.now_ms() - started_ms) / 1000, operation=operation)
        return response

    def _back_off(self, error: VenueRateLimited, priority: RequestPriority) -> None:
        """After the venue's 429: routine traffic backs off; risk-reducing traffic waits only for `Retry-After`."""
        venue_retry_after_s = error.venue_retry_after_s
        backoff_s = max(self.settings.budget.rate_limited_backoff_s, venue_retry_after_s or 0.0)
        self.budget.pause(backoff_s)
        if venue_retry_after_s is not None:
            self.budget.pause_all(venue_retry_after_s)
        error.retry_after_s = backoff_s if priority is RequestPriority.ROUTINE else self.budget.wait_s(priority)

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

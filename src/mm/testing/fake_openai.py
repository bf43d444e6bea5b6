"""An OpenAI-compatible Chat Completions server on loopback, for testing the real OpenAI client path.

It answers `POST /v1/chat/completions` the way OpenAI does when a structured output is asked for
with a function tool (pydantic-ai's default tool output): one assistant message whose only content
is a tool call to the tool the request offered. Replies are scripted per request, so a test can
make the "model" honest, adversarial, broken (HTTP errors) or silent (a request that never answers,
for timeouts). Every request body is kept for assertions on what the client sent.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

CHAT_COMPLETIONS_PATH = "/v1/chat/completions"


@dataclass(frozen=True, slots=True)
class ToolCallReply:
    """Answer with one call of the request's first tool (or `tool_name`) with these arguments."""

    arguments: Mapping[str, Any]
    tool_name: str | None = None


@dataclass(frozen=True, slots=True)
class ErrorReply:
    """Answer with an OpenAI-style error body and this HTTP status (e.g. 500, 429)."""

    status: int
    message: str = "scripted failure"


@dataclass(frozen=True, slots=True)
class SilentReply:
    """Never answer: the request hangs until the server stops (the client's timeout must fire)."""


Reply = ToolCallReply | ErrorReply | SilentReply


@dataclass
class FakeOpenAIServer:
    """Serve scripted replies: request n gets `replies[n]`, and every later one the last reply.

    With `api_key` set, a request without `Authorization: Bearer <api_key>` gets HTTP 401.
    """

    replies: Sequence[Reply]
    api_key: str | None = None
    host: str = "127.0.0.1"
    requests: list[dict[str, Any]] = field(default_factory=list)
    _runner: web.AppRunner | None = field(default=None, init=False, repr=False)
    _port: int | None = field(default=None, init=False, repr=False)
    _stopping: asyncio.Event = field(default_factory=asyncio.Event, init=False, repr=False)
    _ids: itertools.count[int] = field(default_factory=itertools.count, init=False, repr=False)

    def __post_init__(self) -> None:
        if not self.replies:
            raise ValueError("FakeOpenAIServer needs at least one scripted reply")

    @property
    def base_url(self) -> str:
        """The base URL an OpenAI client takes (`.../v1`)."""
        if self._port is None:
            raise RuntimeError("FakeOpenAIServer is not started")
        return f"http://{self.host}:{self._port}/v1"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post(CHAT_COMPLETIONS_PATH, self._chat_completions)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0)
        await site.start()
        self._port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        self._stopping.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeOpenAIServer:
        await self.start()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.stop()

    async def _chat_completions(self, request: web.Request) -> web.StreamResponse:
        if self.api_key is not None and request.headers.get("Authorization") != f"Bearer {self.api_key}":
            return _error(401, "invalid api key", "invalid_api_key")
        try:
            body = await request.json()
        except json.JSONDecodeError:
            return _error(400, "body is not JSON", "invalid_request_error")
        problem = _request_problem(body)
        if problem is not None:
            return _error(400, problem, "invalid_request_error")
        index = len(self.requests)
        self.requests.append(body)
        reply = self.replies[min(index, len(self.replies) - 1)]
        if isinstance(reply, SilentReply):
            await self._stopping.wait()
            return _error(503, "server stopped", "server_error")
        if isinstance(reply, ErrorReply):
            return _error(reply.status, reply.message, "server_error")
        return self._tool_call_response(body, reply)

    def _tool_call_response(self, body: Mapping[str, Any], reply: ToolCallReply) -> web.Response:
        tools = body.get("tools") or []
        if not tools:
            return _error(400, "a tool call was scripted but the request offered no tools", "invalid_request_error")
        name = reply.tool_name or tools[0]["function"]["name"]
        number = next(self._ids)
        message = {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": f"call_{number}",
                    "type": "function",
                    "function": {"name": name, "arguments": json.dumps(dict(reply.arguments))},
                }
            ],
        }
        return web.json_response(
            {
                "id": f"chatcmpl-fake-{number}",
                "object": "chat.completion",
                "created": 0,
                "model": body["model"],
                "choices": [{"index": 0, "finish_reason": "tool_calls", "message": message, "logprobs": None}],
                "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
            }
        )


def _request_problem(body: Any) -> str | None:
    """Why a Chat Completions request body is malformed, or None. Mirrors OpenAI's 400s we rely on."""
    if not isinstance(body, dict):
        return "body must be a JSON object"
    if not isinstance(body.get("model"), str) or not body["model"]:
        return "model is required"
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        return "messages must be a non-empty array"
    if any(not isinstance(m, dict) or "role" not in m for m in messages):
        return "every message needs a role"
    for tool in body.get("tools") or []:
        function = tool.get("function") if isinstance(tool, dict) else None
        if tool.get("type") != "function" or not isinstance(function, dict) or "name" not in function:
            return "tools must be function tools with a name"
    return None


def _error(status: int, message: str, kind: str) -> web.Response:
    return web.json_response({"error": {"message": message, "type": kind, "param": None, "code": None}}, status=status)

"""The loopback OpenAI fake refuses what OpenAI would refuse, so the client tests mean something."""

from __future__ import annotations

import aiohttp
import pytest

from mm.testing.fake_openai import FakeOpenAIServer, ToolCallReply

pytestmark = pytest.mark.integration

TOOL = {"type": "function", "function": {"name": "final_result", "parameters": {"type": "object"}}}
BODY = {"model": "m", "messages": [{"role": "user", "content": "hi"}], "tools": [TOOL]}


async def _post(server: FakeOpenAIServer, body: object, key: str = "sk-1") -> tuple[int, dict[str, object]]:
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{server.base_url}/chat/completions", json=body, headers={"Authorization": f"Bearer {key}"}
        ) as response,
    ):
        return response.status, await response.json()


async def test_a_request_is_answered_with_a_call_of_the_offered_tool() -> None:
    async with FakeOpenAIServer([ToolCallReply({"a": 1})], api_key="sk-1") as server:
        status, body = await _post(server, BODY)
    call = body["choices"][0]["message"]["tool_calls"][0]  # type: ignore[index]
    assert (status, call["function"]["name"], call["function"]["arguments"]) == (200, "final_result", '{"a": 1}')


async def test_a_wrong_key_gets_401() -> None:
    async with FakeOpenAIServer([ToolCallReply({})], api_key="sk-1") as server:
        status, _ = await _post(server, BODY, key="sk-2")
    assert status == 401


async def test_a_request_without_messages_gets_400_and_is_not_recorded() -> None:
    async with FakeOpenAIServer([ToolCallReply({})]) as server:
        status, _ = await _post(server, {"model": "m", "messages": []})
    assert (status, server.requests) == (400, [])


async def test_a_scripted_tool_call_without_offered_tools_gets_400() -> None:
    async with FakeOpenAIServer([ToolCallReply({})]) as server:
        status, _ = await _post(server, {"model": "m", "messages": [{"role": "user", "content": "hi"}]})
    assert status == 400

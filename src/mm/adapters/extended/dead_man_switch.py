"""`POST /user/deadmanswitch?countdownTime=N`: the one private endpoint the SDK has no helper for.

Sent with the SDK's own header and status handling (`handle_known_errors`), so its failures look
exactly like the SDK's and go through the same translation as every other request.
"""

from __future__ import annotations

import aiohttp
from x10.errors import ApiError
from x10.models.base import X10BaseModel
from x10.models.http import ResponseErrorModel, ResponseStatus
from x10.utils.http import USER_AGENT, RequestHeader, handle_known_errors


class _Envelope(X10BaseModel):
    """The reply's envelope only: its `data` (if any) is not documented and not needed."""

    status: ResponseStatus
    error: ResponseErrorModel | None = None


async def post_dead_man_switch(http: aiohttp.ClientSession, base_url: str, api_key: str, countdown_s: int) -> None:
    """Arm (or with 0 disarm) the venue's cancel-all countdown of `countdown_s` seconds."""
    if countdown_s < 0:
        raise ValueError(f"countdown must be >= 0 seconds, got {countdown_s}")
    url = f"{base_url}/user/deadmanswitch?countdownTime={countdown_s}"
    headers = {
        RequestHeader.ACCEPT.value: "application/json",
        RequestHeader.CONTENT_TYPE.value: "application/json",
        RequestHeader.USER_AGENT.value: USER_AGENT,
        RequestHeader.API_KEY.value: api_key,
    }
    async with http.post(url, headers=headers) as response:
        text = await response.text()
        handle_known_errors(url, None, response, text)
    if not text.strip():
        return
    envelope = _Envelope.model_validate_json(text)
    if envelope.status != ResponseStatus.OK or envelope.error is not None:
        raise ApiError(f"Error response from POST {url}: {envelope.error}")

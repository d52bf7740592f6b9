"""Fixtures for the sandbox tests: a running Sandbox and a raw httpx client."""

from __future__ import annotations

import httpx
import pytest

from bot.sandbox import Sandbox


@pytest.fixture
async def sb():
    """A started sandbox, stopped after the test."""
    async with Sandbox(bot_username="werkdruk_test_bot", bot_first_name="Werkdrukbot") as sandbox:
        yield sandbox


@pytest.fixture
async def client():
    """A raw httpx client for loopback calls."""
    async with httpx.AsyncClient(timeout=10.0) as http:
        yield http


class Raw:
    """Tiny helper for raw Bot API calls like python-telegram-bot makes them."""

    def __init__(self, sandbox: Sandbox, http: httpx.AsyncClient) -> None:
        self.sb = sandbox
        self.http = http

    async def form(self, method: str, **params) -> tuple[int, dict]:
        """POST form-encoded parameters (non-strings JSON-encoded, like PTB)."""
        import json

        data = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
        response = await self.http.post(f"{self.sb.base_url}{self.sb.token}/{method}", data=data)
        return response.status_code, response.json()

    async def json(self, method: str, **params) -> tuple[int, dict]:
        """POST a JSON body."""
        response = await self.http.post(f"{self.sb.base_url}{self.sb.token}/{method}", json=params)
        return response.status_code, response.json()


@pytest.fixture
def raw(sb, client):
    """Raw caller bound to the sandbox."""
    return Raw(sb, client)

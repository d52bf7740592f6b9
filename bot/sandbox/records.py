"""Plain records the sandbox exposes to tests: calls, violations, sent messages, users, chats."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from .spec import UploadedFile


@dataclass
class Call:
    """One Bot API call made by the bot, with its decoded parameters and outcome."""

    index: int
    method: str
    params: dict[str, Any]
    ok: bool
    error_code: int | None
    description: str | None
    result: Any
    time: float
    fault: str | None = None  # injected fault kind, if any

    @property
    def chat_id(self) -> Any:
        """The call's ``chat_id`` parameter (or None)."""
        return self.params.get("chat_id")

    def short(self) -> str:
        """One-line summary for assertion messages."""
        text = self.params.get("text") or self.params.get("caption") or self.params.get("data") or ""
        text = str(text).replace("\n", " ")
        status = "ok" if self.ok else f"{self.error_code} {self.description}"
        return f"#{self.index} {self.method} chat_id={self.chat_id} {text[:50]!r} -> {status}"


@dataclass
class Violation:
    """A call that breaks a Bot API rule."""

    method: str
    rule: str
    detail: str
    call_index: int


@dataclass
class SentMessage:
    """A message the bot sent successfully (state at send time)."""

    chat_id: int
    message_id: int
    text: str
    html: str
    reply_markup: dict | None
    message: dict
    call_index: int
    document: UploadedFile | None = None
    photo: UploadedFile | None = None

    @property
    def buttons(self) -> list[dict]:
        """Flat list of the inline keyboard buttons."""
        if not self.reply_markup:
            return []
        return [b for row in self.reply_markup.get("inline_keyboard", []) for b in row]

    def button(self, text_substring: str) -> dict:
        """The first inline button whose label contains ``text_substring``."""
        for btn in self.buttons:
            if text_substring in btn.get("text", ""):
                return btn
        labels = [b.get("text") for b in self.buttons]
        raise AssertionError(f"no button containing {text_substring!r}; buttons: {labels}")

    @property
    def callback_datas(self) -> list[str]:
        """callback_data of every callback button, in order."""
        return [b["callback_data"] for b in self.buttons if "callback_data" in b]

    @property
    def urls(self) -> list[str]:
        """url of every URL button, in order."""
        return [b["url"] for b in self.buttons if "url" in b]


@dataclass
class SandboxUser:
    """A Telegram user of the sandbox world."""

    id: int
    first_name: str
    language_code: str | None = None
    username: str | None = None
    last_name: str | None = None
    is_bot: bool = False
    started_bot: bool = False
    blocked_bot: bool = False

    @property
    def private_chat_id(self) -> int:
        """The id of the user's private chat with the bot (== user id)."""
        return self.id

    def to_dict(self) -> dict:
        """The Telegram User object."""
        data: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        if self.language_code:
            data["language_code"] = self.language_code
        return data


@dataclass
class SandboxChat:
    """A group or supergroup of the sandbox world."""

    id: int
    title: str
    type: str
    owner_id: int | None = None
    admin_ids: set[int] = field(default_factory=set)
    member_ids: set[int] = field(default_factory=set)
    bot_status: str = "left"  # left / member / administrator / kicked
    migrated_to_chat_id: int | None = None
    migrated_from_chat_id: int | None = None

    @property
    def bot_is_member(self) -> bool:
        """True if the bot is currently in this chat."""
        return self.bot_status in ("member", "administrator")

    def to_dict(self) -> dict:
        """The Telegram Chat object."""
        return {"id": self.id, "type": self.type, "title": self.title}


class Signal:
    """Event-driven wake-up for waiters; ``notify()`` may be called from sync code."""

    def __init__(self) -> None:
        self._waiters: set[asyncio.Future] = set()

    def notify(self) -> None:
        """Wake every current waiter."""
        for fut in self._waiters:
            if not fut.done():
                fut.set_result(None)
        self._waiters.clear()

    async def wait(self, timeout: float | None) -> None:
        """Wait for the next ``notify()`` or until ``timeout`` seconds pass."""
        fut = asyncio.get_running_loop().create_future()
        self._waiters.add(fut)
        try:
            await asyncio.wait_for(fut, timeout)
        except TimeoutError:
            pass
        finally:
            self._waiters.discard(fut)


@dataclass
class Ctx:
    """Per-call context: collected violations and the SentMessage to record."""

    violations: list[tuple[str, str]] = field(default_factory=list)
    sent: SentMessage | None = None

"""The ``Sandbox`` facade: start/stop the local Bot API server, act as users, observe the bot."""

from __future__ import annotations

import asyncio
import copy
import secrets
import string
import time
from typing import Any, Callable
from urllib.parse import parse_qs, urlparse

import httpx
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets

from .methods import PAYLOAD_RE, Api
from .observing import EDIT_METHODS, Observing  # noqa: F401 (EDIT_METHODS was defined here)
from .records import Call, SandboxChat, SandboxUser, SentMessage
from .server import deliver_webhooks, make_app
from .world import World, member_object

FAULT_KINDS = ("429", "502", "drop_before", "drop_after", "400")


class Sandbox(Observing):
    """A local stand-in for the Telegram Bot API, living in the running event loop."""

    def __init__(self, bot_username: str = "werkdruk_test_bot", bot_first_name: str = "Werkdrukbot",
                 bot_id: int = 7_000_000_001, privacy_mode: bool = True, group_rate_per_minute: int = 20,
                 global_rate_per_second: int = 30, latency: float = 0.0,
                 clock: Callable[[], float] = time.time) -> None:
        self.world = World(bot_id, bot_username, bot_first_name, privacy_mode)
        self.world.clock = clock  # message dates; rate limits and Call.time stay on real time
        self.latency = latency  # seconds each Bot API call takes to arrive, as over a network (0: loopback)
        self.api = Api(self.world, group_rate_per_minute, global_rate_per_second)
        alphabet = string.ascii_letters + string.digits
        self.token = f"{bot_id}:SANDBOX" + "".join(secrets.choice(alphabet) for _ in range(28))
        self.webhook_deliveries: list[tuple[int, int]] = []
        self._faults: list[dict] = []
        self._hold: Callable[[str, dict], bool] | None = None
        self.held: tuple[str, dict] | None = None  # the call being held on arrival (see ``hold``)
        self._release = asyncio.Event()
        self._apply_held = True
        self._active = 0
        self._server: HTTPServer | None = None
        self._client: httpx.AsyncClient | None = None
        self._delivery: asyncio.Task | None = None
        self.port = 0

    # ------------------------------------------------------------ lifecycle
    @property
    def stopping(self) -> bool:
        """True once stop() began."""
        return self.world.stopping

    async def start(self) -> Sandbox:
        """Bind 127.0.0.1 on an ephemeral port and serve in the running loop."""
        sockets = bind_sockets(0, "127.0.0.1")
        self.port = sockets[0].getsockname()[1]
        self._server = HTTPServer(make_app(self))
        self._server.add_sockets(sockets)
        self._client = httpx.AsyncClient(timeout=5.0)
        self._delivery = asyncio.create_task(deliver_webhooks(self, self._client))
        return self

    async def stop(self) -> None:
        """Release long polls, stop webhook delivery, close the server and all connections."""
        if self.world.stopping:
            return
        self.world.stopping = True
        self.world.signal.notify()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 2.0
        while self._active and loop.time() < deadline:
            await self.world.signal.wait(deadline - loop.time())
        if self._delivery is not None:
            self._delivery.cancel()
            await asyncio.gather(self._delivery, return_exceptions=True)
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()
        if self._client is not None:
            await self._client.aclose()

    async def __aenter__(self) -> Sandbox:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """Bot API base url for ApplicationBuilder.base_url (PTB appends the token)."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """File download base url for ApplicationBuilder.base_file_url."""
        return f"http://127.0.0.1:{self.port}/file/bot"

    @property
    def bot_username(self) -> str:
        """The bot's username (without @)."""
        return self.world.bot.username or ""

    @property
    def bot_id(self) -> int:
        """The bot's user id."""
        return self.world.bot.id

    @property
    def bot_user(self) -> SandboxUser:
        """The bot as a SandboxUser."""
        return self.world.bot

    # ------------------------------------------------------------ world set-up
    def add_user(self, first_name: str, language_code: str | None = "nl", username: str | None = None,
                 last_name: str | None = None, is_bot: bool = False) -> SandboxUser:
        """Create a user who has not started the bot yet."""
        return self.world.add_user(first_name, language_code, username, last_name, is_bot)

    def add_group(self, title: str, owner: SandboxUser | None = None, admins: list | None = None,
                  members: list | None = None, supergroup: bool = True) -> SandboxChat:
        """Create a group/supergroup; the bot is not a member until add_bot_to_group."""
        return self.world.add_group(title, owner, admins, members, supergroup)

    def add_member(self, group: SandboxChat, user: SandboxUser) -> None:
        """Silently make ``user`` a member of ``group``."""
        group.member_ids.add(user.id)

    def remove_member(self, group: SandboxChat, user: SandboxUser) -> None:
        """Silently remove ``user`` from ``group``."""
        group.member_ids.discard(user.id)
        group.admin_ids.discard(user.id)

    def set_admin(self, group: SandboxChat, user: SandboxUser, is_admin: bool = True) -> None:
        """Promote/demote a user; passing the bot user changes the bot's own status (with update)."""
        if user.id == self.bot_id:
            self._bot_status_change(group, "administrator" if is_admin else "member", None)
            return
        group.member_ids.add(user.id)
        (group.admin_ids.add if is_admin else group.admin_ids.discard)(user.id)

    def block_bot(self, user: SandboxUser) -> None:
        """The user blocks the bot: private sends now give 403."""
        user.blocked_bot = True

    # ------------------------------------------------------------ user actions
    def _bot_status_change(self, group: SandboxChat, status: str, by: SandboxUser | None) -> dict:
        old = member_object(group.bot_status, self.world.bot.to_dict())
        group.bot_status = status
        new = member_object(status, self.world.bot.to_dict())
        actor = by or (self.world.users.get(group.owner_id) if group.owner_id else None) or self.world.bot
        return self.world.queue("my_chat_member", {"chat": group.to_dict(), "from": actor.to_dict(),
                                                   "date": int(self.world.clock()), "old_chat_member": old,
                                                   "new_chat_member": new})

    async def add_bot_to_group(self, group: SandboxChat, by: SandboxUser, as_admin: bool = False) -> dict:
        """``by`` adds the bot: my_chat_member update plus a new_chat_members service message."""
        update = self._bot_status_change(group, "administrator" if as_admin else "member", by)
        msg = self.world.new_message(by, group.id, new_chat_members=[self.world.bot.to_dict()])
        self.world.store(msg)
        self.world.queue("message", msg)
        return update

    async def remove_bot_from_group(self, group: SandboxChat, by: SandboxUser) -> dict:
        """``by`` removes the bot: my_chat_member update plus a left_chat_member service message."""
        update = self._bot_status_change(group, "kicked" if group.type == "supergroup" else "left", by)
        msg = self.world.new_message(by, group.id, left_chat_member=self.world.bot.to_dict())
        self.world.store(msg)
        self.world.queue("message", msg)
        return update

    def _message_ref(self, message: Any) -> tuple[int, int]:
        if isinstance(message, SentMessage) or hasattr(message, "message_id") and hasattr(message, "chat_id"):
            return message.chat_id, message.message_id  # SentMessage or a telegram.Message
        if isinstance(message, dict):
            return message["chat"]["id"], message["message_id"]
        chat_id, message_id = message
        return chat_id, message_id

    async def send_text(self, user: SandboxUser, text: str, chat: SandboxChat | int | None = None,
                        reply_to: Any = None, forward_from: SandboxUser | None = None,
                        via_bot: bool = False) -> dict:
        """``user`` sends ``text`` (private chat by default); returns the user's Message dict."""
        chat_id = user.id if chat is None else (chat.id if isinstance(chat, SandboxChat) else int(chat))
        if chat_id in self.world.chats:
            assert user.id in self.world.chats[chat_id].member_ids, f"{user.first_name} is not in chat {chat_id}"
        reply = None
        if reply_to is not None:
            ref = (chat_id, reply_to) if isinstance(reply_to, int) else self._message_ref(reply_to)
            reply = self.world.get_message(*ref)
            assert reply is not None, f"message to reply to not found: {ref}"
        msg, _ = self.world.user_text(user, text, chat_id, reply, forward_from, via_bot)
        return copy.deepcopy(msg)

    async def open_deep_link(self, user: SandboxUser, url_or_payload: str) -> dict | None:
        """Open ``https://t.me/<bot>?start=<payload>`` (or a bare payload): sends ``/start <payload>``."""
        payload = url_or_payload
        if "://" in url_or_payload or url_or_payload.startswith("t.me/"):
            parsed = urlparse(url_or_payload if "://" in url_or_payload else "https://" + url_or_payload)
            name = parsed.path.strip("/") or parse_qs(parsed.query).get("domain", [""])[0]
            if name.lower() != self.bot_username.lower():
                self.world.violation("deep_link", "deep_link_bot", f"link {url_or_payload!r} is for another bot", -1)
                return None
            payload = parse_qs(parsed.query, keep_blank_values=True).get("start", [""])[0]
        text = "/start"
        if PAYLOAD_RE.match(payload):
            text = f"/start {payload}"
        else:
            self.world.violation("deep_link", "deep_link_payload",
                                 f"payload {payload!r} must be 1-64 characters of A-Za-z0-9_-", -1)
        return await self.send_text(user, text)

    async def press_button(self, user: SandboxUser, message: Any, callback_data: str) -> str:
        """Press an inline button with exactly ``callback_data`` on a bot message; returns the query id."""
        chat_id, message_id = self._message_ref(message)
        current = self.world.get_message(chat_id, message_id)
        assert current is not None, f"message {chat_id}/{message_id} does not exist (deleted?)"
        buttons = [b for row in (current.get("reply_markup") or {}).get("inline_keyboard", []) for b in row]
        datas = [b.get("callback_data") for b in buttons]
        assert callback_data in datas, f"no button with callback_data {callback_data!r}; buttons have {datas}"
        return self._callback(user, current, callback_data)

    async def press_raw(self, user: SandboxUser, chat_id: int, message_id: int, callback_data: str) -> str:
        """Send an arbitrary (possibly forged) callback query without any checks."""
        current = self.world.get_message(chat_id, message_id) or {
            "message_id": message_id, "date": 0, "chat": self.world.chat_dict(chat_id)}
        return self._callback(user, current, callback_data)

    def _callback(self, user: SandboxUser, message: dict, data: str) -> str:
        query_id = str(next(self.world._cq_ids))
        self.world.callback_queries[query_id] = {"answered": False, "data": data}
        chat_id = message["chat"]["id"]
        self.world.queue("callback_query", {
            "id": query_id, "from": user.to_dict(), "message": copy.deepcopy(message),
            "chat_instance": str(abs(chat_id) * 7 + self.bot_id % 1000), "data": data})
        return query_id

    def migrate_group(self, group: SandboxChat) -> SandboxChat:
        """Upgrade a basic group to a supergroup; returns the new chat."""
        assert group.type == "group", "only basic groups can be migrated"
        new = self.world.add_group(group.title, supergroup=True)
        new.owner_id, new.admin_ids, new.member_ids = group.owner_id, set(group.admin_ids), set(group.member_ids)
        new.bot_status, new.migrated_from_chat_id = group.bot_status, group.id
        actor = self.world.users.get(group.owner_id) if group.owner_id else self.world.bot
        old_msg = self.world.store(self.world.new_message(actor, group.id, migrate_to_chat_id=new.id))
        new_msg = self.world.store(self.world.new_message(actor, new.id, migrate_from_chat_id=group.id))
        group.migrated_to_chat_id = new.id
        if group.bot_is_member:
            self.world.queue("message", old_msg)
            self.world.queue("message", new_msg)
        return new

    def redeliver(self, update_id: int) -> None:
        """Queue the same update (same update_id) again."""
        self.world.redeliver(update_id)

    def inject_fault(self, method: str, kind: str, times: int = 1, retry_after: int = 1, description: str = "") -> None:
        """Make the next ``times`` calls of ``method`` ("*" = any but getUpdates) fail with ``kind``
        ("400": Telegram refuses the call with ``description``, e.g. "Bad Request: bad webhook: ...")."""
        assert kind in FAULT_KINDS, f"unknown fault kind {kind!r}; use one of {FAULT_KINDS}"
        self._faults.append({"method": method, "kind": kind, "remaining": times, "retry_after": retry_after,
                             "description": description or "Bad Request: refused"})

    def hold(self, matches: Callable[[str, dict], bool]) -> None:
        """Hold the next call (not getUpdates) for which ``matches(method, params)`` is true the moment it
        arrives: it is neither applied nor answered until ``release()`` (for killing the bot at that point)."""
        self._hold, self.held = matches, None
        self._release.clear()

    def release(self, apply: bool = True) -> None:
        """Let the held call go on: applied as Telegram would (its answer may reach nobody); with ``apply=False``
        it is dropped unapplied, as if the bot had died just before sending it."""
        self._hold, self._apply_held, self.held = None, apply, None
        self._release.set()

    async def _arrived(self, method: str, params: dict) -> bool:
        """False when the call is to be dropped unapplied (see ``hold``)."""
        if self._hold is not None and self.held is None and method != "getUpdates" and self._hold(method, params):
            self.held = (method, params)
            self.world.signal.notify()
            await self._release.wait()
            return self._apply_held
        return True

    def _take_fault(self, method: str) -> dict | None:
        for fault in self._faults:
            if fault["method"] == method or (fault["method"] == "*" and method != "getUpdates"):
                fault["remaining"] -= 1
                if fault["remaining"] <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    async def _post(self, url: str, body: dict, secret: str | None) -> int:
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
        assert self._client is not None
        try:
            response = await self._client.post(url, json=body, headers=headers)
        except httpx.HTTPError:
            return 0
        return response.status_code

    async def post_to_webhook(self, body: dict, secret: str | None) -> int:
        """POST an arbitrary body to the current webhook url (for forged-request tests)."""
        url = self.world.webhook["url"]
        assert url, "no webhook is set"
        return await self._post(url, body, secret)

"""State of the sandbox world: users, chats, messages, the update queue and the records.

Everything here is synchronous; the tornado handlers and the ``Sandbox`` facade
call into it and ``signal.notify()`` wakes event-driven waiters (long polls,
webhook delivery, ``wait_for``).
"""

from __future__ import annotations

import copy
import itertools
import json
import time
from typing import Any

from .html_check import utf16_len
from .records import Call, SandboxChat, SandboxUser, SentMessage, Signal, Violation
from .spec import UploadedFile

DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
SERVICE_KEYS = ("new_chat_members", "left_chat_member", "migrate_to_chat_id",
                "migrate_from_chat_id", "group_chat_created", "supergroup_chat_created",
                "new_chat_title", "pinned_message")


class ApiError(Exception):
    """A Bot API error answer: ``{"ok": false, "error_code": code, "description": ...}``."""

    def __init__(self, code: int, description: str, parameters: dict | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters


class World:
    """All mutable sandbox state."""

    def __init__(self, bot_id: int, bot_username: str, bot_first_name: str, privacy_mode: bool) -> None:
        self.bot = SandboxUser(id=bot_id, first_name=bot_first_name, username=bot_username, is_bot=True)
        self.privacy_mode = privacy_mode
        self.users: dict[int, SandboxUser] = {}
        self.chats: dict[int, SandboxChat] = {}
        self.history: dict[int, dict[int, dict]] = {}
        self._msg_ids: dict[int, itertools.count] = {}
        self._user_ids = itertools.count(100_001)
        self._group_ids = itertools.count(1)
        self._update_ids = itertools.count(500_000_001)
        self._cq_ids = itertools.count(4_200_000_000_000_000_001)
        self.updates: list[dict] = []
        self.pending: list[tuple[dict, bool]] = []  # (update, forced redelivery)
        self.allowed_updates: list[str] = []
        self.callback_queries: dict[str, dict] = {}
        self.calls: list[Call] = []
        self.violations: list[Violation] = []
        self.forbidden: list[Call] = []
        self.flood_events: list[Call] = []
        self.sent: list[SentMessage] = []
        self.files: dict[str, UploadedFile] = {}
        self.commands: dict[tuple[str, str], list[dict]] = {}
        self.webhook: dict[str, Any] = {"url": "", "secret_token": None, "allowed_updates": None,
                                        "last_error_date": None, "last_error_message": None}
        self.signal = Signal()
        self.stopping = False
        self.long_polls = 0  # getUpdates requests currently held open
        self.clock = time.time  # the date on messages: Telegram's clock (a demo may move it with the bot's)

    # ----------------------------------------------------------------- people
    def add_user(self, first_name: str, language_code: str | None = "nl", username: str | None = None,
                 last_name: str | None = None, is_bot: bool = False) -> SandboxUser:
        """Create a user (not yet started the bot)."""
        user = SandboxUser(id=next(self._user_ids), first_name=first_name, language_code=language_code,
                           username=username, last_name=last_name, is_bot=is_bot)
        self.users[user.id] = user
        return user

    def add_group(self, title: str, owner: SandboxUser | None = None, admins: list | None = None,
                  members: list | None = None, supergroup: bool = True) -> SandboxChat:
        """Create a group or supergroup (the bot is not in it yet)."""
        n = next(self._group_ids)
        chat_id = -(1_002_000_000_000 + n) if supergroup else -(4_000_000_000 + n)
        chat = SandboxChat(id=chat_id, title=title, type="supergroup" if supergroup else "group",
                           owner_id=owner.id if owner else None)
        for user in [owner, *(admins or []), *(members or [])]:
            if user is not None:
                chat.member_ids.add(user.id)
        chat.admin_ids = {u.id for u in admins or []}
        self.chats[chat.id] = chat
        return chat

    def user(self, user_id: int) -> SandboxUser | None:
        """The user with that id, the bot, or None."""
        return self.bot if user_id == self.bot.id else self.users.get(user_id)

    def chat_dict(self, chat_id: int) -> dict:
        """The Telegram Chat object for a chat id (private chats included)."""
        if chat_id in self.chats:
            return self.chats[chat_id].to_dict()
        user = self.users[chat_id]
        data = {"id": user.id, "type": "private", "first_name": user.first_name}
        if user.last_name:
            data["last_name"] = user.last_name
        if user.username:
            data["username"] = user.username
        return data

    # --------------------------------------------------------------- messages
    def next_message_id(self, chat_id: int) -> int:
        """Allocate the next message id in a chat."""
        return next(self._msg_ids.setdefault(chat_id, itertools.count(1)))

    def store(self, msg: dict) -> dict:
        """Put a message into its chat's history."""
        self.history.setdefault(msg["chat"]["id"], {})[msg["message_id"]] = msg
        return msg

    def get_message(self, chat_id: int, message_id: int) -> dict | None:
        """A message from the history (current state) or None."""
        return self.history.get(chat_id, {}).get(message_id)

    def new_message(self, sender: SandboxUser, chat_id: int, **fields: Any) -> dict:
        """Build (not store) a message from ``sender`` into ``chat_id``."""
        msg = {"message_id": self.next_message_id(chat_id), "from": sender.to_dict(),
               "chat": self.chat_dict(chat_id), "date": int(self.clock())}
        msg.update({k: v for k, v in fields.items() if v is not None})
        return msg

    def user_text(self, user: SandboxUser, text: str, chat_id: int, reply_to: dict | None = None,
                  forward_from: SandboxUser | None = None, via_bot: bool = False) -> tuple[dict, dict | None]:
        """A user sends a text message; returns (message, update or None if not delivered)."""
        msg = self.new_message(user, chat_id, text=text)
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            msg["entities"] = [{"type": "bot_command", "offset": 0, "length": utf16_len(command)}]
        if reply_to is not None:
            msg["reply_to_message"] = _strip_reply(reply_to)
        if forward_from is not None:
            msg["forward_origin"] = {"type": "user", "sender_user": forward_from.to_dict(),
                                     "date": int(self.clock()) - 60}
        if via_bot:
            msg["via_bot"] = self.bot.to_dict()
        self.store(msg)
        if chat_id == user.id:
            user.started_bot = True
            user.blocked_bot = False
        update = self.queue("message", msg) if self.bot_sees(chat_id, msg) else None
        return msg, update

    def bot_sees(self, chat_id: int, msg: dict) -> bool:
        """Would Telegram deliver this message to the bot (privacy mode rules)?"""
        if chat_id not in self.chats:
            return True
        chat = self.chats[chat_id]
        if not chat.bot_is_member:
            return False
        if not self.privacy_mode or chat.bot_status == "administrator":
            return True
        if any(key in msg for key in SERVICE_KEYS):
            return True
        reply = msg.get("reply_to_message")
        if reply and reply.get("from", {}).get("id") == self.bot.id:
            return True
        text = msg.get("text", "")
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            if "@" in command:
                return command.split("@", 1)[1].lower() == (self.bot.username or "").lower()
            return True
        return False

    # ---------------------------------------------------------------- updates
    def queue(self, kind: str, payload: dict) -> dict:
        """Queue a new update of ``kind`` and wake waiters."""
        update = {"update_id": next(self._update_ids), kind: copy.deepcopy(payload)}
        self.updates.append(update)
        self.pending.append((update, False))
        self.signal.notify()
        return update

    def redeliver(self, update_id: int) -> None:
        """Queue an already delivered update again, with the same update_id."""
        for update in self.updates:
            if update["update_id"] == update_id:
                self.pending.append((copy.deepcopy(update), True))
                self.signal.notify()
                return
        raise AssertionError(f"no update with id {update_id}")

    @staticmethod
    def _allowed(update: dict, allowed: list[str] | None) -> bool:
        kind = next(k for k in update if k != "update_id")
        if allowed:
            return kind in allowed
        return kind not in DEFAULT_EXCLUDED_UPDATES

    def confirm(self, offset: int | None, allowed: list[str] | None) -> None:
        """Apply a getUpdates offset and drop updates the bot does not want."""
        if offset is not None:
            if offset < 0:
                self.pending = [p for p in self.pending if p[1]] + [p for p in self.pending if not p[1]][offset:]
            else:
                self.pending = [p for p in self.pending if p[1] or p[0]["update_id"] >= offset]
        self.pending = [p for p in self.pending if self._allowed(p[0], allowed)]

    def peek(self, limit: int) -> list[dict]:
        """The next ``limit`` pending updates; forced redeliveries are consumed now."""
        batch = self.pending[:limit]
        self.pending = [p for p in self.pending if not (p[1] and p in batch)]
        return [u for u, _ in batch]

    def pop_delivered(self, update: dict) -> None:
        """Remove an update that the webhook acknowledged."""
        for i, (pending, _) in enumerate(self.pending):
            if pending is update:
                del self.pending[i]
                self.signal.notify()  # a waiter for "Telegram has handed it over" wakes now
                return

    # ---------------------------------------------------------------- records
    def violation(self, method: str, rule: str, detail: str, call_index: int) -> None:
        """Record a violation of the Bot API rules."""
        self.violations.append(Violation(method, rule, detail, call_index))

    def chat_member(self, chat: SandboxChat, user: SandboxUser) -> dict:
        """A full ChatMember object (owner/administrator/member/left/kicked)."""
        if user.id == self.bot.id:
            status = chat.bot_status
        elif user.id == chat.owner_id and user.id in chat.member_ids:
            status = "creator"
        elif user.id in chat.admin_ids and user.id in chat.member_ids:
            status = "administrator"
        elif user.id in chat.member_ids:
            status = "member"
        else:
            status = "left"
        return member_object(status, user.to_dict())


def member_object(status: str, user: dict) -> dict:
    """Build a ChatMember dict with every field the spec marks required."""
    if status == "creator":
        return {"status": "creator", "user": user, "is_anonymous": False}
    if status == "administrator":
        return {"status": "administrator", "user": user, "can_be_edited": False, "is_anonymous": False,
                "can_manage_chat": True, "can_delete_messages": True, "can_manage_video_chats": True,
                "can_restrict_members": True, "can_promote_members": False, "can_change_info": True,
                "can_invite_users": True, "can_post_stories": False, "can_edit_stories": False,
                "can_delete_stories": False, "can_pin_messages": True}
    if status == "kicked":
        return {"status": "kicked", "user": user, "until_date": 0}
    return {"status": status, "user": user}


def _strip_reply(msg: dict) -> dict:
    """A message as embedded in reply_to_message (no nested reply)."""
    out = copy.deepcopy(msg)
    out.pop("reply_to_message", None)
    return out


def dumps(value: Any) -> str:
    """Compact JSON used for comparing objects."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False)

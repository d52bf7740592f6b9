"""Bot API method behaviour of the sandbox (everything except getUpdates long polling).

``Api.call(method, params, ctx)`` applies a validated call to the ``World`` and
returns the result, or raises ``ApiError`` with a Telegram-like error.  Rule
violations are appended to ``ctx.violations`` as ``(rule, detail)``.
"""

from __future__ import annotations

import copy
import hashlib
import math
import re
import time
from collections import deque
from typing import Any

from .html_check import HtmlError, check_text, utf16_len
from .records import Ctx, SentMessage
from .spec import UploadedFile, type_spec
from .admin_methods import AdminMethods
from .world import ApiError, World, dumps, member_object

BUTTON_ACTIONS = ("url", "callback_data", "web_app", "login_url", "switch_inline_query",
                  "switch_inline_query_current_chat", "switch_inline_query_chosen_chat",
                  "copy_text", "callback_game", "pay")
PAYLOAD_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
SEND_METHODS = ("sendMessage", "sendPhoto", "sendDocument")
NOT_MODIFIED = ("Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message")
PARSE_MODES = ("html", "markdownv2", "markdown")


def deep_link_problem(url: str, bot_username: str) -> str | None:
    """If ``url`` is a t.me start link to this bot with a bad payload, describe the problem."""
    match = re.match(r"^(?:https?://)?(?:t\.me|telegram\.me)/([A-Za-z0-9_]+)\?(start|startgroup)=?(.*)$", url)
    if not match or match.group(1).lower() != bot_username.lower():
        return None
    payload = match.group(3)
    if not PAYLOAD_RE.match(payload):
        return f"deep-link payload {payload!r} must be 1-64 characters of A-Za-z0-9_-"
    return None


class Api(AdminMethods):
    """Implements the Bot API methods on a World."""

    PRIVATE_BURST = 3  # messages a private chat takes at once; then about one a second (Telegram's pace)
    PRIVATE_PER_SECOND = 1.0

    def __init__(self, world: World, group_rate_per_minute: int, global_rate_per_second: int) -> None:
        self.w = world
        self.group_rate = group_rate_per_minute
        self.global_rate = global_rate_per_second
        self._private_tokens: dict[int, tuple[float, float]] = {}  # chat -> (tokens, when)
        self._group_sends: dict[int, deque] = {}
        self._global_sends: deque = deque()

    def call(self, method: str, params: dict[str, Any], ctx: Ctx) -> Any:
        """Apply one call; return its result or raise ApiError."""
        handler = getattr(self, f"m_{method}", None)
        if handler is not None:
            return handler(params, ctx)
        if method.startswith("send") and method != "sendChatAction":
            return self._send(params, ctx, {})
        return True

    # ------------------------------------------------------------ helpers
    def resolve(self, chat_id: Any, write: bool = True) -> int:
        """Check access to a chat; return its integer id or raise the Telegram error."""
        if isinstance(chat_id, str):
            try:
                chat_id = int(chat_id)
            except ValueError:
                raise ApiError(400, "Bad Request: chat not found") from None
        chat = self.w.chats.get(chat_id)
        if chat is not None:
            if chat.migrated_to_chat_id:
                raise ApiError(400, "Bad Request: group chat was upgraded to a supergroup chat",
                               {"migrate_to_chat_id": chat.migrated_to_chat_id})
            kind = "supergroup chat" if chat.type == "supergroup" else "group chat"
            if chat.bot_status == "kicked":
                raise ApiError(403, f"Forbidden: bot was kicked from the {kind}")
            if not chat.bot_is_member:
                raise ApiError(403, f"Forbidden: bot is not a member of the {kind}")
            return chat_id
        user = self.w.users.get(chat_id)
        if user is None:
            raise ApiError(400, "Bad Request: chat not found")
        if write:
            if user.is_bot:
                raise ApiError(403, "Forbidden: bot can't send messages to bots")
            if user.blocked_bot:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            if not user.started_bot:
                raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        return chat_id

    def _rate_check(self, chat_id: int) -> None:
        now = time.monotonic()
        while self._global_sends and now - self._global_sends[0] >= 1.0:
            self._global_sends.popleft()
        if len(self._global_sends) >= self.global_rate:
            wait = max(1, math.ceil(self._global_sends[0] + 1.0 - now))
            raise ApiError(429, f"Too Many Requests: retry after {wait}", {"retry_after": wait})
        if chat_id < 0:
            sends = self._group_sends.setdefault(chat_id, deque())
            while sends and now - sends[0] >= 60.0:
                sends.popleft()
            if len(sends) >= self.group_rate:
                wait = max(1, math.ceil(sends[0] + 60.0 - now))
                raise ApiError(429, f"Too Many Requests: retry after {wait}", {"retry_after": wait})
        elif self._private(chat_id, now) < 1:
            wait = max(1, math.ceil((1 - self._private(chat_id, now)) / self.PRIVATE_PER_SECOND))
            raise ApiError(429, f"Too Many Requests: retry after {wait}", {"retry_after": wait})

    def _private(self, chat_id: int, now: float) -> float:
        """Messages a private chat takes right now (a token bucket: a short burst, then one a second)."""
        tokens, at = self._private_tokens.get(chat_id, (self.PRIVATE_BURST, now))
        return min(self.PRIVATE_BURST, tokens + (now - at) * self.PRIVATE_PER_SECOND)

    def _rate_record(self, chat_id: int) -> None:
        now = time.monotonic()
        self._global_sends.append(now)
        if chat_id < 0:
            self._group_sends.setdefault(chat_id, deque()).append(now)
        else:
            self._private_tokens[chat_id] = (self._private(chat_id, now) - 1, now)

    def _text(self, text: str, parse_mode: Any, ctx: Ctx, caption: bool = False) -> tuple[str, list]:
        """Validate text/caption; return (plain, entities)."""
        if parse_mode is not None and str(parse_mode).lower() not in PARSE_MODES:
            ctx.violations.append(("parse_mode", f"unsupported parse_mode {parse_mode!r}"))
            raise ApiError(400, f"Bad Request: unsupported parse_mode {parse_mode!r}")
        try:
            plain, entities = check_text(text, parse_mode)
        except HtmlError as err:
            ctx.violations.append(("html", str(err)))
            raise ApiError(400, f"Bad Request: can't parse entities: {err}") from None
        limit = 1024 if caption else 4096
        if not caption and not plain.strip():
            ctx.violations.append(("text_empty", "message text is empty after entity parsing"))
            raise ApiError(400, "Bad Request: message text is empty")
        if utf16_len(plain) > limit:
            rule = "caption_too_long" if caption else "text_too_long"
            ctx.violations.append((rule, f"{utf16_len(plain)} UTF-16 units > {limit}"))
            raise ApiError(400, "Bad Request: message caption is too long" if caption
                           else "Bad Request: message is too long")
        return plain, entities

    def _markup(self, markup: Any, ctx: Ctx) -> dict | None:
        """Validate reply_markup; return it if it is an inline keyboard (echoed by Telegram)."""
        if not isinstance(markup, dict) or not isinstance(markup.get("inline_keyboard"), list):
            return None
        for row in markup["inline_keyboard"]:
            for button in row if isinstance(row, list) else []:
                if not isinstance(button, dict):
                    continue
                actions = [a for a in BUTTON_ACTIONS if a in button]
                if len(actions) != 1:
                    ctx.violations.append(("button_action", f"button {button.get('text')!r} has actions {actions}"))
                    raise ApiError(400, "Bad Request: can't parse inline keyboard button: "
                                        "exactly one action field is required")
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode("utf-8")) <= 64:
                    ctx.violations.append(("callback_data_invalid",
                                           f"callback_data is {len(str(data).encode('utf-8'))} bytes"))
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
                problem = deep_link_problem(str(button.get("url", "")), self.w.bot.username or "")
                if problem:
                    ctx.violations.append(("deep_link_payload", problem))
        return copy.deepcopy(markup)

    def _file(self, value: Any, kind: str) -> tuple[str, UploadedFile]:
        if isinstance(value, UploadedFile):
            upload = value
        elif isinstance(value, str) and value in self.w.files:
            return value, self.w.files[value]
        else:
            upload = UploadedFile(filename=str(value).rsplit("/", 1)[-1] or "file", content=b"")
        file_id = f"{kind[:3].upper()}{hashlib.sha1(upload.content + upload.filename.encode()).hexdigest()}"
        file_id += f"_{len(self.w.files)}"
        self.w.files[file_id] = upload
        return file_id, upload

    def _send(self, params: dict, ctx: Ctx, content: dict, html: str = "", upload=None, kind="") -> dict:
        chat_id = self.resolve(params.get("chat_id"))
        markup = self._markup(params.get("reply_markup"), ctx)
        reply = None
        rp = params.get("reply_parameters")
        if isinstance(rp, dict):
            reply_chat = rp.get("chat_id", chat_id)
            reply = self.w.get_message(int(reply_chat) if str(reply_chat).lstrip("-").isdigit() else chat_id,
                                       rp.get("message_id"))
            if reply is None and not rp.get("allow_sending_without_reply"):
                raise ApiError(400, "Bad Request: message to be replied not found")
        self._rate_check(chat_id)
        msg = self.w.new_message(self.w.bot, chat_id, **content)
        if reply is not None:
            msg["reply_to_message"] = {k: v for k, v in reply.items() if k != "reply_to_message"}
        if markup is not None:
            msg["reply_markup"] = markup
        self.w.store(msg)
        self._rate_record(chat_id)
        text = content.get("text", content.get("caption", ""))
        ctx.sent = SentMessage(chat_id=chat_id, message_id=msg["message_id"], text=text, html=html,
                               reply_markup=markup, message=copy.deepcopy(msg), call_index=-1,
                               document=upload if kind == "document" else None,
                               photo=upload if kind == "photo" else None)
        return copy.deepcopy(msg)

    def _content(self, params: dict, ctx: Ctx, key: str) -> tuple[dict, str]:
        raw = params.get(key)
        if raw is None:
            return {}, ""
        plain, entities = self._text(str(raw), params.get("parse_mode"), ctx, caption=key == "caption")
        content: dict[str, Any] = {key: plain}
        explicit = params.get("entities" if key == "text" else "caption_entities")
        entities = explicit if isinstance(explicit, list) and not params.get("parse_mode") else entities
        if entities:
            content["entities" if key == "text" else "caption_entities"] = entities
        return content, str(raw)

    # ------------------------------------------------------------ sending
    def m_sendMessage(self, params: dict, ctx: Ctx) -> dict:
        content, html = self._content(params, ctx, "text")
        if not content:
            ctx.violations.append(("text_empty", "text parameter missing"))
            raise ApiError(400, "Bad Request: message text is empty")
        return self._send(params, ctx, content, html)

    def m_sendPhoto(self, params: dict, ctx: Ctx) -> dict:
        content, html = self._content(params, ctx, "caption")
        file_id, upload = self._file(params.get("photo"), "photo")
        content["photo"] = [{"file_id": file_id, "file_unique_id": file_id[-16:], "width": 800,
                             "height": 600, "file_size": len(upload.content)}]
        return self._send(params, ctx, content, html, upload, "photo")

    def m_sendDocument(self, params: dict, ctx: Ctx) -> dict:
        content, html = self._content(params, ctx, "caption")
        file_id, upload = self._file(params.get("document"), "document")
        content["document"] = {"file_id": file_id, "file_unique_id": file_id[-16:],
                               "file_name": upload.filename, "mime_type": upload.mime_type,
                               "file_size": len(upload.content)}
        return self._send(params, ctx, content, html, upload, "document")

    def m_getFile(self, params: dict, ctx: Ctx) -> dict:
        file_id = str(params.get("file_id"))
        if file_id not in self.w.files:
            raise ApiError(400, "Bad Request: invalid file_id")
        return {"file_id": file_id, "file_unique_id": file_id[-16:],
                "file_size": len(self.w.files[file_id].content), "file_path": f"files/{file_id}"}

    def m_sendChatAction(self, params: dict, ctx: Ctx) -> bool:
        self.resolve(params.get("chat_id"))
        return True

    # ------------------------------------------------------------ editing
    def _editable(self, params: dict) -> dict | None:
        if params.get("inline_message_id") is not None:
            return None
        chat_id = self.resolve(params.get("chat_id"))
        msg = self.w.get_message(chat_id, params.get("message_id"))
        if msg is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        if msg.get("from", {}).get("id") != self.w.bot.id:
            raise ApiError(400, "Bad Request: message can't be edited")
        return msg

    def _apply_edit(self, msg: dict | None, changes: dict, markup: dict | None, keys: tuple) -> Any:
        if msg is None:
            return True
        before = dumps([msg.get(k) for k in keys] + [msg.get("reply_markup")])
        after = dumps([changes.get(k) for k in keys] + [markup])
        if before == after:
            raise ApiError(400, NOT_MODIFIED)
        for key in keys:
            if changes.get(key) is None:
                msg.pop(key, None)
            else:
                msg[key] = changes[key]
        if markup is None:
            msg.pop("reply_markup", None)
        else:
            msg["reply_markup"] = markup
        msg["edit_date"] = int(self.w.clock())
        return copy.deepcopy(msg)

    def m_editMessageText(self, params: dict, ctx: Ctx) -> Any:
        content, _ = self._content(params, ctx, "text")
        markup = self._markup(params.get("reply_markup"), ctx)
        msg = self._editable(params)
        if msg is not None and "text" not in msg:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        return self._apply_edit(msg, content, markup, ("text", "entities"))

    def m_editMessageCaption(self, params: dict, ctx: Ctx) -> Any:
        content, _ = self._content(params, ctx, "caption")
        markup = self._markup(params.get("reply_markup"), ctx)
        msg = self._editable(params)
        return self._apply_edit(msg, content, markup, ("caption", "caption_entities"))

    def m_editMessageReplyMarkup(self, params: dict, ctx: Ctx) -> Any:
        markup = self._markup(params.get("reply_markup"), ctx)
        msg = self._editable(params)
        return self._apply_edit(msg, {}, markup, ())

    def m_deleteMessage(self, params: dict, ctx: Ctx) -> bool:
        chat_id = self.resolve(params.get("chat_id"), write=False)
        msg = self.w.get_message(chat_id, params.get("message_id"))
        if msg is None:
            raise ApiError(400, "Bad Request: message to delete not found")
        chat = self.w.chats.get(chat_id)
        if chat and msg["from"]["id"] != self.w.bot.id and chat.bot_status != "administrator":
            raise ApiError(400, "Bad Request: message can't be deleted")
        del self.w.history[chat_id][msg["message_id"]]
        return True

    def m_answerCallbackQuery(self, params: dict, ctx: Ctx) -> bool:
        text = params.get("text")
        if isinstance(text, str) and len(text) > 200:
            ctx.violations.append(("callback_answer_too_long", f"{len(text)} characters > 200"))
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        query = self.w.callback_queries.get(str(params.get("callback_query_id")))
        if query is None or query["answered"]:
            raise ApiError(400, "Bad Request: query is too old and response timeout expired "
                                "or query ID is invalid")
        query["answered"] = True
        return True

    # ------------------------------------------------------------ chats
    def m_getMe(self, params: dict, ctx: Ctx) -> dict:
        data = self.w.bot.to_dict()
        for fld in type_spec("User")["fields"]:
            if "getMe" in fld["description"] and fld["types"] == ["Boolean"]:
                data[fld["name"]] = False
        data.update(can_join_groups=True, can_read_all_group_messages=not self.w.privacy_mode,
                    supports_inline_queries=False)
        return data

    def m_getChat(self, params: dict, ctx: Ctx) -> dict:
        chat_id = self.resolve(params.get("chat_id"), write=False)
        data = self.w.chat_dict(chat_id)
        data.update(accent_color_id=0, max_reaction_count=11,
                    accepted_gift_types={"unlimited_gifts": False, "limited_gifts": False,
                                         "unique_gifts": False, "premium_subscription": False,
                                         "gifts_from_channels": False})
        return data

    def m_getChatMember(self, params: dict, ctx: Ctx) -> dict:
        chat_id = self.resolve(params.get("chat_id"), write=False)
        user = self.w.user(params.get("user_id"))
        if user is None:
            raise ApiError(400, "Bad Request: user not found")
        chat = self.w.chats.get(chat_id)
        if chat is None:
            if user.id not in (chat_id, self.w.bot.id):
                raise ApiError(400, "Bad Request: user not found")
            return member_object("member", user.to_dict())
        return self.w.chat_member(chat, user)

    def m_getChatAdministrators(self, params: dict, ctx: Ctx) -> list:
        chat_id = self.resolve(params.get("chat_id"), write=False)
        chat = self.w.chats.get(chat_id)
        if chat is None:
            raise ApiError(400, "Bad Request: there are no administrators in the private chat")
        ids = [i for i in [chat.owner_id, *sorted(chat.admin_ids)] if i in chat.member_ids]
        admins = [self.w.chat_member(chat, self.w.users[i]) for i in dict.fromkeys(ids)]
        if chat.bot_status == "administrator":
            admins.append(self.w.chat_member(chat, self.w.bot))
        return admins

    def m_getChatMemberCount(self, params: dict, ctx: Ctx) -> int:
        chat_id = self.resolve(params.get("chat_id"), write=False)
        chat = self.w.chats.get(chat_id)
        return 2 if chat is None else len(chat.member_ids) + 1

    def m_leaveChat(self, params: dict, ctx: Ctx) -> bool:
        chat_id = self.resolve(params.get("chat_id"), write=False)
        chat = self.w.chats.get(chat_id)
        if chat is None:
            raise ApiError(400, "Bad Request: chat member status can't be changed in private chats")
        old = self.w.chat_member(chat, self.w.bot)
        chat.bot_status = "left"
        self.w.queue("my_chat_member", {"chat": chat.to_dict(), "from": self.w.bot.to_dict(),
                                        "date": int(self.w.clock()), "old_chat_member": old,
                                        "new_chat_member": self.w.chat_member(chat, self.w.bot)})
        return True

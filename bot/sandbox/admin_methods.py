"""Bot API methods about the bot itself: commands (per scope/language) and the webhook settings.

Mixed into ``methods.Api``; expects ``self.w`` to be the ``World``.
"""

from __future__ import annotations

import copy
import re
from typing import TYPE_CHECKING, Any

from .world import ApiError, dumps

if TYPE_CHECKING:
    from .records import Ctx
    from .world import World

COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")


class AdminMethods:
    """setMyCommands/getMyCommands/deleteMyCommands and setWebhook/deleteWebhook/getWebhookInfo."""

    w: World

    # ------------------------------------------------------------ commands
    def _scope_key(self, params: dict) -> tuple[str, str]:
        return dumps(params.get("scope") or {"type": "default"}), str(params.get("language_code") or "")

    def _check_lang(self, params: dict, ctx: Ctx) -> None:
        lang = params.get("language_code")
        if lang not in (None, "") and not re.match(r"^[a-z]{2}$", str(lang)):
            ctx.violations.append(("language_code", f"invalid language_code {lang!r}"))
            raise ApiError(400, "Bad Request: LANG_CODE_INVALID")

    def m_setMyCommands(self, params: dict, ctx: Ctx) -> bool:
        self._check_lang(params, ctx)
        commands = params.get("commands") or []
        if len(commands) > 100:
            ctx.violations.append(("bot_command", f"{len(commands)} commands > 100"))
            raise ApiError(400, "Bad Request: too many commands")
        for cmd in commands:
            if not COMMAND_RE.match(str(cmd.get("command", ""))):
                ctx.violations.append(("bot_command", f"invalid command {cmd.get('command')!r}"))
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(cmd.get("description", ""))) <= 256:
                ctx.violations.append(("bot_command", f"bad description for {cmd.get('command')!r}"))
                raise ApiError(400, "Bad Request: command description must be 1-256 characters")
        self.w.commands[self._scope_key(params)] = copy.deepcopy(commands)
        return True

    def m_getMyCommands(self, params: dict, ctx: Ctx) -> list:
        self._check_lang(params, ctx)
        return copy.deepcopy(self.w.commands.get(self._scope_key(params), []))

    def m_deleteMyCommands(self, params: dict, ctx: Ctx) -> bool:
        self._check_lang(params, ctx)
        self.w.commands.pop(self._scope_key(params), None)
        return True

    # ------------------------------------------------------------ webhook
    def m_setWebhook(self, params: dict, ctx: Ctx) -> bool:
        url = str(params.get("url", ""))
        secret = params.get("secret_token")
        if secret is not None and not re.match(r"^[A-Za-z0-9_-]{1,256}$", str(secret)):
            ctx.violations.append(("webhook_secret", "secret_token must be 1-256 chars of A-Za-z0-9_-"))
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        if url:
            match = re.match(r"^(https?)://(\[::1\]|127\.0\.0\.1|localhost)(:\d+)?(/.*)?$", url)
            if not match:
                ctx.violations.append(("webhook_url", f"sandbox only delivers to loopback, not {url!r}"))
                raise ApiError(400, "Bad Request: bad webhook: only loopback addresses are allowed "
                                    "in the sandbox")
        if params.get("drop_pending_updates"):
            self.w.pending.clear()
        self.w.webhook.update(url=url, secret_token=secret if url else None,
                              allowed_updates=params.get("allowed_updates"),
                              max_connections=params.get("max_connections", 40))
        self.w.signal.notify()
        return True

    def m_deleteWebhook(self, params: dict, ctx: Ctx) -> bool:
        if params.get("drop_pending_updates"):
            self.w.pending.clear()
        self.w.webhook.update(url="", secret_token=None)
        self.w.signal.notify()
        return True

    def m_getWebhookInfo(self, params: dict, ctx: Ctx) -> dict:
        hook = self.w.webhook
        info: dict[str, Any] = {"url": hook["url"], "has_custom_certificate": False,
                                "pending_update_count": len(self.w.pending)}
        if hook["url"]:
            info["max_connections"] = hook.get("max_connections") or 40
            if hook.get("allowed_updates"):
                info["allowed_updates"] = hook["allowed_updates"]
        if hook.get("last_error_date"):
            info["last_error_date"] = hook["last_error_date"]
            info["last_error_message"] = hook["last_error_message"]
        return info

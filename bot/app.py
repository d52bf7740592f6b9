"""Wiring: build the python-telegram-bot Application with one table of handlers."""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import group, info, private
from bot.callbacks import decode
from bot.commands import BY_KEY, publish_menus
from bot.common import Services, services, user_language
from bot.config import Config
from bot.errors import on_error
from bot.i18n import t
from storage.db import Storage

log = logging.getLogger(__name__)

PRIVATE = filters.ChatType.PRIVATE
GROUPS = filters.ChatType.GROUPS
# Forwarded messages and messages sent through other bots are never taken as someone's own input.
OWN = filters.UpdateType.MESSAGE & ~filters.FORWARDED & ~filters.VIA_BOT


def build_application(config: Config, storage: Storage) -> Application:
    """The bot for ``config``, storing in ``storage``; call ``post_init`` after ``initialize``."""
    builder = (
        ApplicationBuilder()
        .token(config.token)
        .defaults(Defaults(tzinfo=ZoneInfo(config.timezone)))
        .rate_limiter(AIORateLimiter(max_retries=3))
        .post_init(post_init)
    )
    if config.api_base_url:
        builder = builder.base_url(config.api_base_url).base_file_url(config.file_base_url)
    application = builder.build()
    application.bot_data["services"] = Services(config=config, storage=storage)
    add_handlers(application)
    return application


async def post_init(application: Application) -> None:
    """After connecting: learn the bot's username (for deep links) and publish the command menus."""
    application.bot_data["services"].bot_username = application.bot.username
    await publish_menus(application.bot)


def _command(key: str, callback, chats: filters.BaseFilter) -> CommandHandler:
    return CommandHandler(BY_KEY[key].names, callback, filters=chats & OWN)


def add_handlers(application: Application) -> None:
    """The whole handler table, in one place."""
    application.add_handler(TypeHandler(Update, apply_once), group=-1)
    application.add_handlers(
        [
            ChatMemberHandler(group.bot_membership_changed, ChatMemberHandler.MY_CHAT_MEMBER),
            _command("start", private.start_private, PRIVATE),
            _command("start", group.register_team, GROUPS),
            _command("help", info.show_help, PRIVATE | GROUPS),
            _command("team", info.show_team, PRIVATE | GROUPS),
            _command("privacy", private.show_privacy, PRIVATE | GROUPS),
            _command("pupils", info.set_pupils, PRIVATE | GROUPS),
            _command("invite", info.renew_invite, PRIVATE | GROUPS),
            _command("coleader", group.appoint_co_leader, GROUPS),
            _command("coleader", info.group_only, PRIVATE),
            _command("leave", private.leave, PRIVATE),
            _command("leave", info.private_only, GROUPS),
            CallbackQueryHandler(button_pressed),
            MessageHandler(filters.StatusUpdate.MIGRATE, group.group_migrated),
            MessageHandler(filters.StatusUpdate.NEW_CHAT_TITLE, group.group_renamed),
            MessageHandler(PRIVATE & filters.UpdateType.MESSAGE & ~filters.StatusUpdate.ALL, info.unknown_private),
            MessageHandler(GROUPS & filters.COMMAND, info.unknown_group_command),
        ]
    )
    application.add_error_handler(on_error)


async def apply_once(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every update is applied at most once: a redelivered ``update_id`` stops here."""
    if not services(context).storage.updates.first_time(update.update_id):
        log.info("update %s delivered again: ignored", update.update_id)
        raise ApplicationHandlerStop


BUTTONS = {
    "leave": private.leave_button,
    "leave_yes": private.leave_button,
    "leave_no": private.leave_button,
    "team": info.team_button,
}


async def button_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Route a button press by its decoded callback data; anything unknown is answered kindly."""
    press = decode(update.callback_query.data)
    if press is None or press.action not in BUTTONS:
        await update.callback_query.answer(t(user_language(update, context), "button_expired"))
        return
    await BUTTONS[press.action](update, context, press)

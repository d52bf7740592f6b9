"""The error handler: log what went wrong (never what a user typed) and keep the bot running."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.common import send, user_language
from bot.i18n import DEFAULT_LANGUAGE, t

log = logging.getLogger("bot.errors")


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the exception with the update's id only, and tell the user something went wrong."""
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("error while handling update %s", update_id, exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    language = user_language(update, context) if "services" in context.application.bot_data else DEFAULT_LANGUAGE
    if update.callback_query:
        try:  # the handler may have answered the query already; then Telegram refuses a second answer
            await update.callback_query.answer()
        except TelegramError:
            pass
    try:
        await send(context.bot, update.effective_chat.id, t(language, "error"))
    except TelegramError:
        log.warning("could not tell the user about the error")

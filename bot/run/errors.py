"""The error handler: log what went wrong (never what a user typed) and keep the bot running."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.members.common import send, user_language
from bot.texts.i18n import DEFAULT_LANGUAGE, t
from storage.updates import pending

log = logging.getLogger("bot.run.errors")


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the exception with the update's id only, and tell the user something went wrong."""
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("error while handling update %s", update_id, exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    language = user_language(update, context) if "services" in context.application.bot_data else DEFAULT_LANGUAGE
    if pending() is None and update.callback_query:  # the tap was committed; only showing the result failed
        await show_current(update, context)
        return
    if update.callback_query:
        try:  # a query the handler answered already is not answered again (bot.run.app.WerkdrukBot)
            await update.callback_query.answer()
        except TelegramError:
            pass
    try:
        await send(context.bot, update.effective_chat.id, t(language, "error"))
    except TelegramError:
        log.warning("could not tell the user about the error")


async def show_current(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """After a saved change: show the person's current screen where there is one, and stop the button's
    loading - never an error message, since nothing was lost."""
    from bot.members import rounds_member
    from bot.plumbing.callbacks import decode

    query = update.callback_query
    if query is None:
        return
    try:
        press = decode(query.data)
        if press is None or press.action not in rounds_member.BUTTONS or not await rounds_member.show_current(update, context, press):
            await query.answer()
    except TelegramError as exc:
        log.warning("update %s: the current screen could not be shown (%s)", update.update_id, exc.__class__.__name__)

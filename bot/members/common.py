"""What every handler needs: the deployment's services, the user's language, and safe replies."""

from __future__ import annotations

import asyncio

import logging

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot.deployment.services import Services, services  # noqa: F401 (handlers import them from here)
from bot.plumbing.sending import NO_PREVIEW, send  # noqa: F401
from bot.texts.i18n import Markup, language_of, t
from flows.team import Role, Team, invite_hash, new_invite_code

log = logging.getLogger(__name__)


def user_language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """The language to answer ``update`` in: in a group the group's language (the whole team reads it, whoever
    asked); in private the person's Telegram language, else the default."""
    default = services(context).config.language
    if not is_private(update) and update.effective_chat is not None:
        return default
    user = update.effective_user
    return language_of(user.language_code if user else None, default)


def team_language(context: ContextTypes.DEFAULT_TYPE) -> str:
    """The language for messages the whole group reads."""
    return services(context).config.language


def is_private(update: Update) -> bool:
    """Whether the update comes from a private chat with the bot."""
    return bool(update.effective_chat and update.effective_chat.type == ChatType.PRIVATE)


def role_name(language: str, role: Role) -> str:
    """A role as users read it."""
    return t(language, f"role_{role.value}")


def join_keyboard(context: ContextTypes.DEFAULT_TYPE, language: str, code: str) -> InlineKeyboardMarkup:
    """The button that opens a private chat with the bot and joins the team (a deep link)."""
    url = f"https://t.me/{services(context).bot_username}?start={code}"
    return InlineKeyboardMarkup([[InlineKeyboardButton(t(language, "join_button"), url=url)]])


def team_choice_keyboard(teams: list[tuple[Team, Role]], action: str) -> InlineKeyboardMarkup:
    """One button per team, for a person in several teams."""
    from bot.plumbing.callbacks import encode

    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(team.name[:60], callback_data=encode(action, team.id))] for team, _ in teams]
    )


async def reply(update: Update, text: Markup | str, reply_markup: InlineKeyboardMarkup | None = None, **kwargs) -> Message:
    """Answer in the chat the update came from."""
    return await send(update.get_bot(), update.effective_chat.id, text, reply_markup, **kwargs)


async def answer_and_edit(update: Update, text: Markup | str, reply_markup: InlineKeyboardMarkup | None = None) -> None:
    """React to a tap: stop the button's "loading" and show the next screen, both at once - over a real
    network one round trip to Telegram instead of two, so the member sees the next question sooner."""
    outcomes = await asyncio.gather(update.callback_query.answer(), edit(update, text, reply_markup), return_exceptions=True)
    for outcome in outcomes:  # both have ended (an error handler never races the answer)
        if isinstance(outcome, BaseException):
            raise outcome


async def edit(update: Update, text: Markup | str, reply_markup: InlineKeyboardMarkup | None = None) -> None:
    """Replace the text of the message whose button was pressed; a vanished or unchanged message is fine."""
    try:
        await update.callback_query.edit_message_text(
            text, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW, reply_markup=reply_markup
        )
    except BadRequest as exc:
        problem = exc.message.lower()
        if "not modified" in problem:
            return
        if "not found" in problem or "can't be edited" in problem:  # deleted, too old, or not the bot's
            await reply(update, text, reply_markup)
            return
        raise


async def retire(bot: Bot, chat_id: int, message_id: int | None) -> None:
    """A screen that no longer applies loses its buttons (a message already bare, deleted or too old is fine)."""
    if message_id is None:
        return
    try:
        await bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None)
    except BadRequest:
        pass


async def send_private(context: ContextTypes.DEFAULT_TYPE, user_id: int, text: Markup | str) -> bool:
    """Message a person privately, only if they opened a chat with the bot; False when not delivered."""
    people = services(context).storage.people
    if not people.is_reachable(user_id):
        return False
    try:
        await send(context.bot, user_id, text)
    except Forbidden:
        people.unreachable(user_id)
        return False
    except TelegramError as exc:
        log.warning("private message not delivered: %s", exc.__class__.__name__)
        return False
    return True


async def post_invite(context: ContextTypes.DEFAULT_TYPE, team_id: int) -> None:
    """Post a join message with a new invite code in the team's group; the previous code stops working."""
    storage = services(context).storage
    team = storage.teams.get(team_id)
    code = new_invite_code(services(context).rng)
    language = team_language(context)
    text = t(language, "invite_renewed", team=team.name) + "\n\n" + t(language, "join_message", team=team.name)
    sent = await send(context.bot, team.chat_id, text, join_keyboard(context, language, code))
    with storage.atomic():  # only once the new link is in the group does the old one stop working
        storage.teams.renew_invite(team.id, invite_hash(code))
        storage.teams.set_invite_message(team.id, sent.message_id)

"""The team's group chat: the bot joins and introduces itself, an administrator registers the team,
the leader appoints co-leaders, and the team follows the group through renames and upgrades."""

from __future__ import annotations

import logging

from telegram import ReplyParameters, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.members.common import join_keyboard, post_invite, reply, send, role_name, send_private, services, team_language, user_language
from bot.texts.i18n import t
from flows.team import LEADING_ROLES, Action, Role, apply, invite_hash, may, may_register_team, new_invite_code
from flows.text import name

log = logging.getLogger(__name__)

_PRESENT = {ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER}


async def bot_membership_changed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Introduce the bot when it is added to a group; pause the team when it is removed."""
    change = update.my_chat_member
    if change.chat.type == ChatType.PRIVATE:  # a person blocked or unblocked the bot
        people = services(context).storage.people
        if change.new_chat_member.status == ChatMemberStatus.BANNED:
            people.unreachable(change.chat.id)
        elif change.new_chat_member.status == ChatMemberStatus.MEMBER:
            people.started(change.chat.id, user_language(update, context))
        return
    was_in = change.old_chat_member.status in _PRESENT
    is_in = change.new_chat_member.status in _PRESENT
    storage = services(context).storage
    team = storage.teams.by_chat(change.chat.id)
    language = team_language(context)
    if is_in and not was_in:
        if team and apply(team, "bot_added"):
            storage.teams.set_state(team.id, team.state)
            await send(context.bot, change.chat.id, t(language, "intro_group_back", team=team.name))
        elif not team:
            await send(context.bot, change.chat.id, t(language, "intro_group"))
    elif was_in and not is_in and team and apply(team, "bot_removed"):
        storage.teams.set_state(team.id, team.state)
        for user_id in storage.teams.leaders(team.id):
            lang = storage.people.language(user_id) or language
            await send_private(context, user_id, t(lang, "team_paused", team=team.name))


async def register_team(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start in a group: an administrator registers the group as a team and becomes its leader."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    storage = services(context).storage
    language = user_language(update, context)
    if message.sender_chat is not None:
        await reply(update, t(language, "register_anonymous"))
        return
    team = storage.teams.by_chat(chat.id)
    if team is not None:
        role = storage.teams.role_of(team.id, user.id)
        if may(role, Action.RENEW_INVITE):
            await post_invite(context, team.id)
        else:
            await _already_registered(update, context, team.id, team.name)
        return
    try:
        member = await context.bot.get_chat_member(chat.id, user.id)
    except TelegramError as exc:
        log.warning("getChatMember failed: %s", exc.__class__.__name__)
        await reply(update, t(language, "register_check_failed"))
        return
    if not may_register_team(member.status):
        await reply(update, t(language, "register_refused", name=name(user.first_name)))
        return
    code = new_invite_code(services(context).rng)
    team = storage.teams.register(chat.id, name(chat.title, fallback=str(chat.id)), user.id, invite_hash(code))
    group_language = team_language(context)
    sent = await reply(
        update,
        t(group_language, "registered", team=team.name, leader=name(user.first_name))
        + "\n\n"
        + t(group_language, "join_message", team=team.name),
        join_keyboard(context, group_language, code),
    )
    storage.teams.set_invite_message(team.id, sent.message_id)


async def _already_registered(update: Update, context: ContextTypes.DEFAULT_TYPE, team_id: int, team_name: str) -> None:
    """Tell a non-leader the group is a team already, pointing at the join message that is in the group."""
    language = user_language(update, context)
    message_id = services(context).storage.teams.invite_message(team_id)
    reply_to = ReplyParameters(message_id, allow_sending_without_reply=True) if message_id else None
    await reply(update, t(language, "already_registered", team=team_name), reply_parameters=reply_to)


async def appoint_co_leader(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/coleider as a reply in the group: the leader makes the colleague who wrote that message co-leader."""
    message, user = update.effective_message, update.effective_user
    storage = services(context).storage
    language = user_language(update, context)
    team = storage.teams.by_chat(update.effective_chat.id)
    if team is None:
        await reply(update, t(language, "not_a_team"))
        return
    if not may(storage.teams.role_of(team.id, user.id), Action.ADD_CO_LEADER):
        await reply(update, t(language, "leader_only", team=team.name))
        return
    target = message.reply_to_message.from_user if message.reply_to_message else None
    if target is None:
        await reply(update, t(language, "coleader_usage"))
        return
    if target.is_bot or target.id == user.id:
        await reply(update, t(language, "coleader_not_a_person"))
        return
    current = storage.teams.role_of(team.id, target.id)
    if current in LEADING_ROLES:
        await reply(
            update, t(language, "coleader_already", name=name(target.first_name), role=role_name(language, current), team=team.name)
        )
        return
    storage.teams.set_role(team.id, target.id, Role.CO_LEADER)
    await reply(update, t(team_language(context), "coleader_done", name=name(target.first_name), team=team.name))


async def group_migrated(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A group upgraded to a supergroup gets a new chat id: the team follows it."""
    message = update.effective_message
    if message.migrate_to_chat_id:
        services(context).storage.teams.move_chat(message.chat_id, message.migrate_to_chat_id)


async def group_renamed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The team's name follows the group's title."""
    storage = services(context).storage
    team = storage.teams.by_chat(update.effective_chat.id)
    if team is not None and update.effective_message.new_chat_title:
        storage.teams.rename(team.id, name(update.effective_message.new_chat_title))

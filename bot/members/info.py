"""Commands that show or set the team's basics: /help per role, /team, /leerlingen, /uitnodiging."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.plumbing.callbacks import Callback
from bot.plumbing.commands import BY_KEY
from bot.members.common import edit, is_private, post_invite, reply, role_name, services, team_choice_keyboard, user_language
from bot.texts.i18n import Markup, format_number, t
from flows.team import LEADING_ROLES, Action, Role, Team, may, parse_pupils
from flows.text import name


def _roles_text(language: str, teams: list[tuple[Team, Role]]) -> Markup:
    lines = [t(language, "team_line", role=role_name(language, role), team=team.name) for team, role in teams]
    return Markup(f" {t(language, 'and_word')} ".join(lines))


async def show_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/help: what this person can do, in their role, where they asked."""
    language = user_language(update, context)
    storage = services(context).storage
    user = update.effective_user
    if is_private(update):
        teams = storage.teams.teams_of(user.id)
        if not teams:
            await reply(update, t(language, "help_none"))
        elif any(role in LEADING_ROLES for _, role in teams):
            await reply(update, t(language, "help_leader", roles=_roles_text(language, teams)))
        else:
            await reply(update, t(language, "help_member", roles=_roles_text(language, teams)))
        return
    team = storage.teams.by_chat(update.effective_chat.id)
    if team is None:
        await reply(update, t(language, "help_group_unregistered"))
        return
    role = storage.teams.role_of(team.id, user.id)
    if role is None:
        await reply(update, t(language, "help_group_none"))
        return
    key = "help_group_leader" if role in LEADING_ROLES else "help_group_member"
    await reply(update, t(language, key, name=name(user.first_name), role=role_name(language, role), team=team.name))


async def _target_team(
    update: Update, context: ContextTypes.DEFAULT_TYPE, choice: str | None = None
) -> tuple[Team, Role] | None:
    """The team a command is about: the group's team, or the person's only team in private.

    Answers the user itself (and returns None) when there is no such team or a choice is needed.
    """
    language = user_language(update, context)
    storage = services(context).storage
    user_id = update.effective_user.id
    if not is_private(update):
        team = storage.teams.by_chat(update.effective_chat.id)
        if team is None:
            await reply(update, t(language, "not_a_team"))
            return None
        role = storage.teams.role_of(team.id, user_id)
        if role is None:
            await reply(update, t(language, "not_in_this_team"))
            return None
        return team, role
    teams = storage.teams.teams_of(user_id)
    if not teams:
        await reply(update, t(language, "not_in_team"))
        return None
    if len(teams) > 1:
        if choice is None:
            await reply(update, t(language, "several_teams_use_group"))
        else:
            await reply(update, t(language, "choose_team"), team_choice_keyboard(teams, choice))
        return None
    return teams[0]


def _team_info(context: ContextTypes.DEFAULT_TYPE, language: str, team: Team, role: Role) -> Markup:
    if role not in LEADING_ROLES:
        return t(language, "team_info_member", team=team.name, role=role_name(language, role))
    members = services(context).storage.teams.count(team.id)
    pupils = format_number(team.pupils, language) if team.pupils is not None else t(language, "pupils_not_set")
    return t(language, "team_info_leader", team=team.name, members=members, pupils=pupils, role=role_name(language, role))


async def show_team(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/team: the team's name and the person's role; for leaders also the number of members."""
    target = await _target_team(update, context, choice="team")
    if target:
        await reply(update, _team_info(context, user_language(update, context), *target))


async def team_button(update: Update, context: ContextTypes.DEFAULT_TYPE, press: Callback) -> None:
    """A team chosen from the list of /team."""
    language = user_language(update, context)
    storage = services(context).storage
    team = storage.teams.get(press.args[0]) if press.args else None
    role = storage.teams.role_of(team.id, update.effective_user.id) if team else None
    if role is None:
        await update.callback_query.answer(t(language, "not_in_this_team"))
        return
    await update.callback_query.answer()
    await edit(update, _team_info(context, language, team, role))


async def _team_allowed(update: Update, context: ContextTypes.DEFAULT_TYPE, action: Action) -> Team | None:
    """The command's team when the person's role there allows ``action``; otherwise they are told why (no team,
    or only leaders may) and None comes back."""
    target = await _target_team(update, context)
    if not target:
        return None
    team, role = target
    if not may(role, action):
        await reply(update, t(user_language(update, context), "leaders_only", team=team.name))
        return None
    return team


async def set_pupils(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/leerlingen 212: a leader sets the school's number of pupils (the basis of the budget)."""
    language = user_language(update, context)
    team = await _team_allowed(update, context, Action.SET_PUPILS)
    if team is None:
        return
    pupils = parse_pupils(" ".join(context.args or []))
    if pupils is None:
        await reply(update, t(language, "pupils_usage"))
        return
    services(context).storage.teams.set_pupils(team.id, pupils)
    await reply(update, t(language, "pupils_set", team=team.name, pupils=format_number(pupils, language)))


async def renew_invite(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/uitnodiging: a leader posts a new join message in the group; the old link stops working."""
    language = user_language(update, context)
    team = await _team_allowed(update, context, Action.RENEW_INVITE)
    if team is None:
        return
    await post_invite(context, team.id)
    if is_private(update):
        await reply(update, t(language, "invite_renewed_private", team=team.name))


async def unknown_private(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Anything in private the bot does not expect gets a short pointer to /help."""
    language = user_language(update, context)
    message = update.effective_message
    key = "unknown_command" if message.text and message.text.startswith("/") else "unknown_private"
    await reply(update, t(language, key))


async def unknown_group_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An unknown command addressed to this bot by name in a group (other commands are not ours)."""
    command = (update.effective_message.text or "").split(maxsplit=1)[0]
    if command.lower().endswith("@" + services(context).bot_username.lower()):
        await reply(update, t(user_language(update, context), "unknown_command"))


async def wrong_place(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A command sent where it does not work (``/plan`` or ``/plan@bot`` in the group, ``/coleider`` in private):
    one short answer that says where it does work, with a button to the private chat when that is the place."""
    language = user_language(update, context)
    typed = "/" + (update.effective_message.text or "/").split(maxsplit=1)[0][1:].split("@", 1)[0].lower()
    if is_private(update):
        text = t(language, "group_only", command=typed)
        if typed[1:] in BY_KEY["coleader"].names:
            text += "\n" + t(language, "coleader_usage")
        await reply(update, text)
        return
    url = f"https://t.me/{services(context).bot_username}"
    button = InlineKeyboardMarkup([[InlineKeyboardButton(t(language, "private_chat_button"), url=url)]])
    await reply(update, t(language, "private_only", command=typed), button)

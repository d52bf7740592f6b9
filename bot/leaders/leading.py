"""The leader's toolkit, shared by the leader's handlers: which team a leader means (the group's, their only one,
or one chosen with a button), whether someone leads a team, the registry of leader commands, and a date as a
leader types it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.members.common import Services, is_private, reply, services, user_language
from bot.plumbing.callbacks import Callback, encode
from bot.texts.i18n import t
from flows.team import LEADING_ROLES, Action, Team, may

LeaderCommand = Callable[..., Awaitable[None]]
LEADER_COMMANDS: dict[int, LeaderCommand] = {}


def leader_command(code: int) -> Callable[[LeaderCommand], LeaderCommand]:
    """Register a leader's command under a stable code, so a leader of several teams can pick one."""

    def register(fn: LeaderCommand) -> LeaderCommand:
        assert code not in LEADER_COMMANDS, code
        LEADER_COMMANDS[code] = fn
        fn.leader_code = code
        return fn

    return register


async def leading_team(update: Update, context: ContextTypes.DEFAULT_TYPE, command: LeaderCommand | None = None) -> Team | None:
    """The team this leader means (the group's, or their only one); answers the user itself otherwise -
    a leader of several teams gets a button per team."""
    svc, language = services(context), user_language(update, context)
    user_id = update.effective_user.id
    if not is_private(update):
        team = svc.storage.teams.by_chat(update.effective_chat.id)
        if team is None:
            await reply(update, t(language, "not_a_team"))
            return None
        teams = [team] if svc.storage.teams.role_of(team.id, user_id) in LEADING_ROLES else []
    else:
        teams = [team for team, role in svc.storage.teams.teams_of(user_id) if role in LEADING_ROLES]
    if not teams:
        await reply(update, t(language, "cycle_leaders_only"))
        return None
    if len(teams) > 1:
        code = getattr(command, "leader_code", None)
        if code is None:
            await reply(update, t(language, "several_teams_use_group"))
        else:
            rows = [[InlineKeyboardButton(team.name[:60], callback_data=encode("as_team", code, team.id))] for team in teams]
            await reply(update, t(language, "choose_team"), InlineKeyboardMarkup(rows))
        return None
    return teams[0]


async def as_team_button(update: Update, context: ContextTypes.DEFAULT_TYPE, press: Callback) -> None:
    """A team chosen for a leader's command."""
    svc, language, query = services(context), user_language(update, context), update.callback_query
    command = LEADER_COMMANDS.get(press.args[0]) if len(press.args) == 2 else None
    team = leads(svc, press.args[1], update.effective_user.id) if command else None
    if team is None:
        await query.answer(t(language, "cycle_leaders_only_short"))
        return
    await query.answer()
    await command(update, context, team)


def leads(svc: Services, team_id: int, user_id: int) -> Team | None:
    team = svc.storage.teams.get(team_id)
    return team if team and may(svc.storage.teams.role_of(team.id, user_id), Action.RENEW_INVITE) else None


async def led_by_presser(update: Update, svc: Services, press: Callback, language: str, arguments: int | None = None) -> Team | None:
    """The team named in a leader's button (its first argument) when the person pressing leads it; otherwise the
    press is answered "only leaders" and None comes back. ``arguments``: exactly how many the button carries."""
    well_formed = len(press.args) == arguments if arguments else bool(press.args)
    team = leads(svc, press.args[0], update.effective_user.id) if well_formed else None
    if team is None:
        await update.callback_query.answer(t(language, "cycle_leaders_only_short"))
    return team


def parse_day(text: str) -> dt.date | None:
    """A date as typed: 12-3-2027, 12/03/2027, 2027-03-12."""
    text = (text or "").strip()
    for pattern in ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d", "%d-%m-%y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None

"""People's control over their data: /mijngegevens shows what is held about you and erases it;
/teamverwijderen lets the team leader delete the team and everything of it."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.plumbing.callbacks import Callback, encode
from bot.members.common import answer_and_edit, reply, role_name, send, services, user_language
from bot.leaders.leading import leader_command, leading_team
from bot.texts.i18n import Markup, escape, t
from flows.team import LeaveOutcome, Role, Team, leave_outcome


def _overview(held: dict, language: str) -> Markup:
    teams = "\n".join(f"• {escape(row['team'])} ({role_name(language, Role(row['role']))})" for row in held["teams"]) or t(language, "mydata_none")
    rounds = "\n".join(
        f"• {escape(row['team'])}: {t(language, 'mydata_round_' + row['kind'])} ({row['opened_on'] or '?'})" for row in held["rounds"]
    ) or t(language, "mydata_none")
    person = held["person"]
    contact = t(language, "mydata_contact", lang=person[0]) if person else t(language, "mydata_none")
    return t(language, "mydata", teams=Markup(teams), rounds=Markup(rounds), contact=contact, drafts=held["drafts"])


async def my_data(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/mijngegevens: everything stored that names you - and a button to erase it."""
    svc, language = services(context), user_language(update, context)
    held = svc.storage.privacy.held_about(update.effective_user.id)
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton(t(language, "mydata_delete_button"), callback_data=encode("my_del"))]])
    await reply(update, _overview(held, language), keyboard)


async def my_data_button(update: Update, context: ContextTypes.DEFAULT_TYPE, press: Callback) -> None:
    """Confirm, then erase (a sole leader of a team with others first hands over or deletes the team)."""
    svc, language, user_id = services(context), user_language(update, context), update.effective_user.id
    if update.effective_chat.type != ChatType.PRIVATE:  # /mijngegevens is private; in a group only an old
        team = svc.storage.teams.by_chat(update.effective_chat.id)  # /teamverwijderen prompt had "my_del_no"
        await delete_team_button(update, context, Callback("team_del_no", (team.id,) if team and press.action == "my_del_no" else ()))
        return
    if press.action == "my_del":
        keyboard = InlineKeyboardMarkup(
            [[InlineKeyboardButton(t(language, "mydata_delete_yes"), callback_data=encode("my_del_yes"))],
             [InlineKeyboardButton(t(language, "leave_no"), callback_data=encode("my_del_no"))]]
        )
        await answer_and_edit(update, t(language, "mydata_delete_confirm"), keyboard)
        return
    if press.action == "my_del_no":
        await answer_and_edit(update, t(language, "mydata_kept"))
        return
    teams = svc.storage.teams.teams_of(user_id)
    for team, role in teams:
        outcome = leave_outcome(role, svc.storage.teams.count(team.id, Role.CO_LEADER))
        if outcome is LeaveOutcome.REFUSED_LAST_LEADER and svc.storage.teams.count(team.id) > 1:
            await answer_and_edit(update, t(language, "mydata_sole_leader", team=team.name))
            return
    with svc.storage.atomic():  # all of it, with the update's id, before anything is sent
        for team, role in teams:  # hand leadership over where a co-leader can take it
            if role is Role.LEADER and svc.storage.teams.count(team.id, Role.CO_LEADER):
                svc.storage.teams.leave(team.id, user_id, LeaveOutcome.LEFT_AND_HANDED_OVER)
            elif role is Role.LEADER:  # alone in the team: the team goes too
                svc.storage.privacy.delete_team(team.id, team.chat_id)
        svc.storage.privacy.forget_person(user_id)
    await answer_and_edit(update, t(language, "mydata_deleted"))


@leader_command(10)
async def delete_team(update: Update, context: ContextTypes.DEFAULT_TYPE, team: Team | None = None) -> None:
    """/teamverwijderen: the leader deletes the team and all its data, after confirming."""
    team = team or await leading_team(update, context, delete_team)
    if team is None:
        return
    svc, language = services(context), user_language(update, context)
    if svc.storage.teams.role_of(team.id, update.effective_user.id) is not Role.LEADER:
        await reply(update, t(language, "leader_only", team=team.name))
        return
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton(t(language, "team_delete_yes"), callback_data=encode("team_del", team.id))],
         [InlineKeyboardButton(t(language, "leave_no"), callback_data=encode("team_del_no", team.id))]]
    )
    await reply(update, t(language, "team_delete_confirm", team=team.name, members=svc.storage.teams.count(team.id)), keyboard)


async def delete_team_button(update: Update, context: ContextTypes.DEFAULT_TYPE, press: Callback) -> None:
    """Either answer to /teamverwijderen, only from the team's leader (the prompt may stand in the group):
    "no" keeps everything; "yes" deletes everything of the team, says goodbye and leaves the group."""
    svc, language, query = services(context), user_language(update, context), update.callback_query
    team = svc.storage.teams.get(press.args[0]) if press.args else None
    if team is None or svc.storage.teams.role_of(team.id, update.effective_user.id) is not Role.LEADER:
        await query.answer(t(language, "cycle_leaders_only_short"))
        return
    if press.action == "team_del_no":
        await answer_and_edit(update, t(language, "mydata_kept"))
        return
    svc.storage.privacy.delete_team(team.id, team.chat_id)
    await answer_and_edit(update, t(language, "team_deleted", team=team.name))
    try:
        await send(context.bot, team.chat_id, t(svc.config.language, "team_deleted_group"))
        await context.bot.leave_chat(team.chat_id)
    except TelegramError:
        pass  # the group may be gone already; the data is deleted either way

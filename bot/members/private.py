"""The private chat: joining a team through its deep link, reading the privacy note, leaving a team."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.plumbing.callbacks import Callback, encode
from bot.members.common import answer_and_edit, reply, role_name, send_private, services, team_choice_keyboard, user_language
from bot.texts.i18n import Markup, t
from flows.team import Action, LeaveOutcome, Role, invite_hash, is_invite_code, leave_outcome, may
from flows.text import name


def privacy_note(context: ContextTypes.DEFAULT_TYPE, language: str) -> Markup:
    """The plain-language note on what is stored and who sees what, with this deployment's thresholds."""
    privacy = services(context).config.privacy
    note = t(
        language,
        "privacy",
        min_group_size=privacy.min_group_size,
        min_group_size_free_text=privacy.min_group_size_free_text,
    )
    return Markup(note + "\n" + t(language, "privacy_retention", days=privacy.retention_days))


async def start_private(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start in private: join a team through an invite payload, or say where the person stands."""
    user = update.effective_user
    storage = services(context).storage
    language = user_language(update, context)
    storage.people.started(user.id, language)
    if context.args:
        payload = context.args[0]
        if payload.startswith("round_") and payload[6:].isdigit() and len(payload) <= 20:
            from bot.members.rounds_member import open_round

            await open_round(update, context, int(payload[6:]))
        else:
            await _join(update, context, payload, language)
        return
    teams = storage.teams.teams_of(user.id)
    if not teams:
        await reply(update, t(language, "start_no_team", name=name(user.first_name)))
        return
    lines = [t(language, "team_line", role=role_name(language, role), team=team.name) for team, role in teams]
    joined = Markup(f" {t(language, 'and_word')} ".join(lines))
    await reply(update, t(language, "start_member", name=name(user.first_name), teams=joined))


async def _join(update: Update, context: ContextTypes.DEFAULT_TYPE, payload: str, language: str) -> None:
    """Join the team whose current invite is ``payload``."""
    storage = services(context).storage
    team = storage.teams.by_invite(invite_hash(payload)) if is_invite_code(payload) else None
    if team is None:
        await reply(update, t(language, "invite_invalid"))
        return
    user_id = update.effective_user.id
    role = storage.teams.role_of(team.id, user_id)
    if role is not None:
        await reply(update, t(language, "already_member", role=role_name(language, role), team=team.name))
        return
    storage.teams.join(team.id, user_id)
    await reply(update, t(language, "welcome_joined", team=team.name, privacy=privacy_note(context, language)))


async def show_privacy(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/privacy: what is stored, for how long, and who sees what."""
    await reply(update, privacy_note(context, user_language(update, context)))


async def leave(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/verlaten: ask which team (when in several) and confirm before leaving."""
    language = user_language(update, context)
    teams = services(context).storage.teams.teams_of(update.effective_user.id)
    if not teams:
        await reply(update, t(language, "not_in_team"))
    elif len(teams) == 1:
        team = teams[0][0]
        await reply(update, t(language, "leave_confirm", team=team.name), _confirm_keyboard(language, team.id))
    else:
        await reply(update, t(language, "choose_team"), team_choice_keyboard(teams, "leave"))


def _confirm_keyboard(language: str, team_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(t(language, "leave_yes"), callback_data=encode("leave_yes", team_id)),
                InlineKeyboardButton(t(language, "leave_no"), callback_data=encode("leave_no", team_id)),
            ]
        ]
    )


async def leave_button(update: Update, context: ContextTypes.DEFAULT_TYPE, press: Callback) -> None:
    """A press on one of the leave buttons; everything is checked again on the server."""
    query = update.callback_query
    language = user_language(update, context)
    storage = services(context).storage
    team = storage.teams.get(press.args[0]) if press.args else None
    role = storage.teams.role_of(team.id, update.effective_user.id) if team else None
    if team is None or not may(role, Action.LEAVE):
        await query.answer(t(language, "not_in_this_team"))
        return
    if press.action == "leave":
        await answer_and_edit(update, t(language, "leave_confirm", team=team.name), _confirm_keyboard(language, team.id))
        return
    if press.action == "leave_no":
        await answer_and_edit(update, t(language, "leave_kept", team=team.name))
        return
    outcome = leave_outcome(role, storage.teams.count(team.id, Role.CO_LEADER))
    if outcome is LeaveOutcome.REFUSED_LAST_LEADER:
        await answer_and_edit(update, t(language, "leave_refused_last_leader", team=team.name))
        return
    storage.teams.leave(team.id, update.effective_user.id, outcome)
    if outcome is LeaveOutcome.LEFT_AND_HANDED_OVER:
        await answer_and_edit(update, t(language, "left_handed_over", team=team.name))
        for user_id in storage.teams.leaders(team.id):
            if storage.teams.role_of(team.id, user_id) is Role.LEADER:
                lang = storage.people.language(user_id) or language
                await send_private(context, user_id, t(lang, "now_leader", team=team.name))
        return
    await answer_and_edit(update, t(language, "left", team=team.name))

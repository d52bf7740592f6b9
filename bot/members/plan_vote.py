"""The member's vote on the plan (voor / tegen / onthouding), anonymous, once, with a confirmation."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.plumbing.callbacks import Callback, encode
from bot.members.common import answer_and_edit, reply, services, user_language
from bot.texts.i18n import t
from bot.cycle.plan_output import plan_messages
from flows.cycle import Round
from flows.plan import PLAN_CHOICES


def _choices(round_: Round, language: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(t(language, f"pv_choice_{c}"), callback_data=encode("pv", round_.id, i))] for i, c in enumerate(PLAN_CHOICES)]
    )


async def begin(update: Update, context: ContextTypes.DEFAULT_TYPE, round_: Round) -> None:
    """Show the plan and ask for the member's vote."""
    svc, language, user_id = services(context), user_language(update, context), update.effective_user.id
    if svc.storage.answers.has_taken_part(round_.id, user_id):
        await reply(update, t(language, "pv_ballot_already"))
        return
    team = svc.storage.teams.get(round_.team_id)
    plan = svc.storage.plans.get(round_.cycle_id)
    for text in plan_messages(svc, team, plan, language):
        await reply(update, text)
    members = svc.storage.teams.count(team.id)
    await reply(update, t(language, "pv_ballot", members=members), _choices(round_, language))


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE, press: Callback, round_: Round) -> None:
    """A choice (then a confirmation), going back, or sending."""
    svc, language, user_id, query = services(context), user_language(update, context), update.effective_user.id, update.callback_query
    if svc.storage.answers.has_taken_part(round_.id, user_id):
        await query.answer(t(language, "pv_ballot_already"))
        return
    choice = press.args[1] if len(press.args) == 2 and 0 <= press.args[1] < len(PLAN_CHOICES) else None
    if press.action == "pv" and choice is not None:
        label = t(language, f"pv_choice_{PLAN_CHOICES[choice]}")
        keyboard = InlineKeyboardMarkup(
            [[InlineKeyboardButton(t(language, "pv_ballot_send"), callback_data=encode("pv_send", round_.id, choice))],
             [InlineKeyboardButton(t(language, "pv_ballot_other"), callback_data=encode("pv_back", round_.id))]]
        )
        await answer_and_edit(update, t(language, "pv_ballot_confirm", choice=label), keyboard)
    elif press.action == "pv_send" and choice is not None:
        stored = svc.storage.answers.submit(round_.id, user_id, [("plan_ballot", PLAN_CHOICES[choice])])
        await answer_and_edit(update, t(language, "pv_ballot_thanks" if stored else "pv_ballot_already"))
    else:
        await answer_and_edit(update, t(language, "pv_ballot", members=svc.storage.teams.count(round_.team_id)), _choices(round_, language))

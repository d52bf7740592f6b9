"""The leader's summaries: see them again at any time (/samenvatting), and share one with the group."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.plumbing.callbacks import Callback, encode
from bot.members.common import Services, reply, services, user_language
from bot.leaders.leading import leader_command, leading_team, leads
from bot.texts.i18n import t
from bot.cycle.rounds_render import analysis_rows, callback_keyboard, check_in_rows, render_plan_vote, render_vote
from flows.analysis import AnalysisSummary
from flows.evaluation import EvaluationSummary
from flows.pulse import PulseSummary
from flows.cycle import Round, RoundKind
from flows.team import Team


def summary_rows(svc: Services, team: Team, round_: Round, chat_id: int, language: str, *, with_share: bool) -> list:
    """A closed round's stored aggregates, rendered for ``chat_id`` (with the share button for a leader)."""
    stored = svc.storage.answers.summary(round_.id)
    if stored is None:
        return []
    released, payload = stored
    if round_.kind is RoundKind.ANALYSIS:
        return analysis_rows(chat_id, language, team, round_, AnalysisSummary.from_dict(payload), with_share=with_share and released)
    if round_.kind is RoundKind.VOTE:
        markup = None
        if with_share and released:
            markup = callback_keyboard([[(t(language, "share_button"), encode("share", round_.id))]])
        return [(chat_id, render_vote(svc, team, payload, language), markup, None)]
    if round_.kind is RoundKind.PLAN_VOTE:  # the group got the plan vote's result when it closed
        return [(chat_id, render_plan_vote(team, payload, language), None, None)]
    if round_.kind is RoundKind.EVALUATION:
        summary = EvaluationSummary.from_dict(payload)
        return check_in_rows(chat_id, language, team, round_, summary, with_share=with_share and released)
    if round_.kind is RoundKind.PULSE:
        summary = PulseSummary.from_dict(payload)
        return check_in_rows(chat_id, language, team, round_, summary, with_share=with_share and released)
    return []


SHOWN_AGAIN = (RoundKind.ANALYSIS, RoundKind.VOTE, RoundKind.PLAN_VOTE, RoundKind.EVALUATION)


def rounds_to_show(svc: Services, team: Team) -> list[Round]:
    """The closed rounds whose summaries /samenvatting shows: the last of each kind in the current (or last)
    cycle, in the method's order, then the team's latest closed pulse."""
    rounds = []
    history = svc.storage.cycles.history(team.id)
    if history:
        for kind in SHOWN_AGAIN:
            round_ = svc.storage.cycles.last_round(history[-1][0], kind)
            if round_ is not None and not round_.is_open:
                rounds.append(round_)
    pulses = svc.storage.cycles.closed_rounds(team.id, (RoundKind.PULSE.value,))
    if pulses:
        rounds.append(pulses[-1][0])
    return rounds


@leader_command(9)
async def show_summaries(update: Update, context: ContextTypes.DEFAULT_TYPE, team: Team | None = None) -> None:
    """/samenvatting: the summaries of the team's current (or last) cycle, and its latest pulse, again."""
    team = team or await leading_team(update, context, show_summaries)
    if team is None:
        return
    svc, language = services(context), user_language(update, context)
    rows = []
    for round_ in rounds_to_show(svc, team):
        shared = svc.storage.answers.is_shared(round_.id)
        rows += summary_rows(svc, team, round_, update.effective_chat.id, language, with_share=not shared)
    if not rows:
        await reply(update, t(language, "summary_none", team=team.name))
        return
    for chat_id, text, markup, photo in rows:
        keyboard = InlineKeyboardMarkup.de_json(markup, context.bot) if markup else None
        if photo is not None:
            await context.bot.send_photo(chat_id, photo, caption=text, parse_mode=ParseMode.HTML, reply_markup=keyboard)
        else:
            await reply(update, text, keyboard)


async def share_button(update: Update, context: ContextTypes.DEFAULT_TYPE, press: Callback) -> None:
    """Share a released summary with the team's group (once)."""
    svc, language, query = services(context), user_language(update, context), update.callback_query
    round_ = svc.storage.cycles.round(press.args[0]) if press.args else None
    team = leads(svc, round_.team_id, update.effective_user.id) if round_ else None
    stored = svc.storage.answers.summary(round_.id) if team else None
    if team is None or stored is None or not stored[0]:
        await query.answer(t(language, "cycle_leaders_only_short"))
        return
    rows = summary_rows(svc, team, round_, team.chat_id, svc.config.language, with_share=False)
    with svc.storage.atomic():
        shared = svc.storage.answers.mark_shared(round_.id)
        for chat_id, text, markup, photo in rows if shared else []:
            svc.storage.outbox.add(chat_id, text, markup, photo=photo)
    svc.wake_outbox()
    await query.answer(t(language, "share_done" if shared else "share_already"))

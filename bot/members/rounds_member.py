"""Routing a member to a round: from the group's button (a deep link), from /open, from a button
press or from typed text. Every entry re-checks that the round exists and is open and that the
person is in its team, because links and callback data can be forged or replayed."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.members import checkin, discussion_member, plan_vote
from bot.leaders import cycle_leader, plan_leader, schedule
from bot.plumbing.callbacks import Callback, encode
from bot.members.common import reply, services, user_language
from bot.texts.i18n import t
from bot.members.info import unknown_private
from flows.cycle import Round, RoundKind

CHECK_INS = frozenset({RoundKind.ANALYSIS, RoundKind.EVALUATION, RoundKind.PULSE})
BEGIN = {
    RoundKind.ANALYSIS: checkin.begin,
    RoundKind.EVALUATION: checkin.begin,
    RoundKind.PULSE: checkin.begin,
    RoundKind.PROPOSALS: discussion_member.begin_proposals,
    RoundKind.VOTE: discussion_member.begin_vote,
    RoundKind.PLAN_VOTE: plan_vote.begin,
}
BUTTONS = {
    "ans": checkin.button, "skip": checkin.button, "back": checkin.button, "chg": checkin.button, "send": checkin.button,
    "prop_cat": discussion_member.proposal_button, "prop_src": discussion_member.proposal_button,
    "prop_more": discussion_member.proposal_button,
    "vote": discussion_member.vote_button, "vote_reset": discussion_member.vote_button, "vote_send": discussion_member.vote_button,
    "pv": plan_vote.button, "pv_send": plan_vote.button, "pv_back": plan_vote.button,
}
ROUND_KINDS_OF_ACTION = {
    **{action: CHECK_INS for action in ("ans", "skip", "back", "chg", "send")},
    **{action: {RoundKind.PROPOSALS} for action in ("prop_cat", "prop_src", "prop_more")},
    **{action: {RoundKind.VOTE} for action in ("vote", "vote_reset", "vote_send")},
    **{action: {RoundKind.PLAN_VOTE} for action in ("pv", "pv_send", "pv_back")},
}


def _usable(context: ContextTypes.DEFAULT_TYPE, round_id: int, user_id: int) -> tuple[Round | None, str | None]:
    """The round if this person may answer it now, else the text key that says why not."""
    svc = services(context)
    round_ = svc.storage.cycles.round(round_id)
    if round_ is None:
        return None, "round_unknown"
    if svc.storage.teams.role_of(round_.team_id, user_id) is None:
        return None, "not_in_this_team"
    if not round_.is_open:
        return None, "round_closed_already"
    return round_, None


async def open_round(update: Update, context: ContextTypes.DEFAULT_TYPE, round_id: int) -> None:
    """Start (or resume) a round for the member who opened its link."""
    round_, problem = _usable(context, round_id, update.effective_user.id)
    if round_ is None:
        await reply(update, t(user_language(update, context), problem))
        return
    await BEGIN[round_.kind](update, context, round_)


async def round_button(update: Update, context: ContextTypes.DEFAULT_TYPE, press: Callback) -> None:
    """A button inside a round: checked, then handed to the round's own handler."""
    round_, problem = _usable(context, press.args[0], update.effective_user.id) if press.args else (None, "button_expired")
    if round_ is None or round_.kind not in ROUND_KINDS_OF_ACTION[press.action]:
        await update.callback_query.answer(t(user_language(update, context), problem or "button_expired")[:200])
        return
    await BUTTONS[press.action](update, context, press, round_)


async def show_current(update: Update, context: ContextTypes.DEFAULT_TYPE, press: Callback) -> bool:
    """A round's button press that was applied before: show the member's current screen in that round (a
    check-in's current question); False when there is no such screen to show."""
    round_, _ = _usable(context, press.args[0], update.effective_user.id) if press.args else (None, None)
    if round_ is None or round_.kind not in CHECK_INS or press.action not in ROUND_KINDS_OF_ACTION:
        return False
    await checkin.show_current(update, context, round_)
    return True


async def open_rounds(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/open: what is open for this member right now, in all their teams."""
    svc, language = services(context), user_language(update, context)
    open_now = []
    for team, _ in svc.storage.teams.teams_of(update.effective_user.id):
        for round_ in (svc.storage.cycles.open_round_of(team.id), svc.storage.cycles.open_pulse(team.id)):
            if round_ is not None:
                open_now.append((team, round_))
    if not open_now:
        await reply(update, t(language, "open_nothing"))
        return
    if len(open_now) == 1:
        await BEGIN[open_now[0][1].kind](update, context, open_now[0][1])
        return
    rows = [
        [InlineKeyboardButton(t(language, f"open_item_{r.kind.value}", team=team.name)[:60], callback_data=encode("open_round", r.id))]
        for team, r in open_now
    ]
    await reply(update, t(language, "open_choose"), InlineKeyboardMarkup(rows))


async def open_round_button(update: Update, context: ContextTypes.DEFAULT_TYPE, press: Callback) -> None:
    """A round chosen from /open."""
    await update.callback_query.answer()
    if press.args:
        await open_round(update, context, press.args[0])


async def private_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Typed text in private: an open answer, a proposal or a source name when one is expected."""
    svc = services(context)
    message = update.effective_message
    expected = svc.storage.awaiting.get(update.effective_user.id, svc.now())
    if expected is None or not message.text or message.forward_origin or message.via_bot:
        await unknown_private(update, context)
        return
    kind, ref = expected
    if kind == "source":
        await cycle_leader.source_typed(update, context, ref)
        return
    if kind.startswith(("plan_", "pmr_date:")):
        await plan_leader.text_typed(update, context, kind, ref)
        return
    if kind == schedule.AWAIT_KIND:
        await schedule.date_typed(update, context, ref)
        return
    round_, problem = _usable(context, ref, update.effective_user.id)
    if round_ is None:
        svc.storage.awaiting.clear(update.effective_user.id)
        await reply(update, t(user_language(update, context), problem))
    elif kind == "checkin" and round_.kind in CHECK_INS:
        await checkin.text_typed(update, context, round_)
    elif kind == "proposal" and round_.kind is RoundKind.PROPOSALS:
        await discussion_member.proposal_typed(update, context, round_)
    else:
        await unknown_private(update, context)

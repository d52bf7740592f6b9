"""/planning (/schedule): the leader gives the day the plan must be agreed; the bot proposes a deadline for
each step, working back from it, and sets them with one tap. Also reached from /cyclus ("Plan vanaf een
datum") and offered when a cycle closes. The rules are in ``flows/schedule.py``; how the bot applies the
schedule in ``bot/cycle/year_plan.py``."""

from __future__ import annotations

import datetime as dt

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.cycle import engine, year_plan
from bot.plumbing.callbacks import Callback, encode
from bot.members.common import Services, edit, reply, services, user_language
from bot.leaders.leading import led_by_presser, leader_command, leading_team, leads, parse_day
from bot.texts.i18n import Markup, format_moment, t
from flows.schedule import Problem, Refusal
from flows.team import Team

AWAIT_KIND = "schedule_due"
BUTTONS = ("sch_date", "sch_show", "sch_ok", "sch_stop")


def _keyboard(rows: list[list[tuple[str, str]]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows])


def _day(svc: Services, day: dt.date, language: str) -> str:
    return format_moment(year_plan.moment(svc, day), language, svc.config.timezone)


def _example(svc: Services) -> str:
    """A date to type, as an example: the last Friday of next June."""
    today = year_plan.today(svc)
    year = today.year + (1 if today.month >= 5 else 0)
    day = dt.date(year, 6, 30)
    return (day - dt.timedelta(days=(day.weekday() - 4) % 7)).strftime("%d-%m-%Y")


def ask_date(svc: Services, team: Team, user_id: int, language: str) -> Markup:
    """Expect the due date as the leader's next private text; the question to ask."""
    svc.storage.awaiting.expect(user_id, AWAIT_KIND, team.id, svc.now())
    return t(language, "sch_ask_date", team=team.name, example=_example(svc))


def proposal(svc: Services, team: Team, due: dt.date, language: str) -> tuple[Markup, InlineKeyboardMarkup]:
    """The schedule worked back from ``due`` with "set it" (one tap), or why not with the earliest date."""
    result = year_plan.propose(svc, team, due)
    if isinstance(result, Refusal):
        earliest = _day(svc, result.earliest, language)
        if result.problem is Problem.TOO_CLOSE:
            text = t(language, "sch_too_close", due=_day(svc, due, language), earliest=earliest)
        else:
            text = t(language, f"sch_{result.problem.value}", earliest=earliest)
        rows = [
            [(t(language, "sch_earliest_button", moment=earliest), encode("sch_show", team.id, result.earliest.toordinal()))],
            [(t(language, "sch_other_date_button"), encode("sch_date", team.id))],
        ]
        return text, _keyboard(rows)
    text = t(
        language, "sch_proposal", team=team.name, due=_day(svc, due, language),
        lines=year_plan.schedule_text(svc, result, language),
    )
    rows = [
        [(t(language, "sch_agree_button"), encode("sch_ok", team.id, due.toordinal()))],
        [(t(language, "sch_other_date_button"), encode("sch_date", team.id))],
    ]
    return text, _keyboard(rows)


@leader_command(11)
async def schedule_command(update: Update, context: ContextTypes.DEFAULT_TYPE, team: Team | None = None) -> None:
    """/planning: the schedule in force (with another date or stop), or the question for the due date."""
    team = team or await leading_team(update, context, schedule_command)
    if team is None:
        return
    svc, language = services(context), user_language(update, context)
    stored = svc.storage.schedules.active(team.id)
    if stored is None:
        await reply(update, ask_date(svc, team, update.effective_user.id, language))
        return
    text = t(
        language, "sch_current", team=team.name, due=_day(svc, stored.schedule.due, language),
        lines=year_plan.schedule_text(svc, stored.schedule, language, year_plan.step_of(svc, team, stored)),
    )
    rows = [[(t(language, "sch_other_date_button"), encode("sch_date", team.id))], [(t(language, "sch_stop_button"), encode("sch_stop", team.id))]]
    await reply(update, text, _keyboard(rows))


async def schedule_button(update: Update, context: ContextTypes.DEFAULT_TYPE, press: Callback) -> None:
    """Another date, a proposal for a date, set it, or stop the schedule (every press re-checked)."""
    svc, language, query = services(context), user_language(update, context), update.callback_query
    team = await led_by_presser(update, svc, press, language)
    if team is None:
        return
    await query.answer()
    if press.action == "sch_date":
        await edit(update, ask_date(svc, team, update.effective_user.id, language))
    elif press.action == "sch_stop":
        stopped = svc.storage.schedules.stop(team.id)
        await edit(update, t(language, "sch_stopped" if stopped else "sch_none_to_stop", team=team.name))
    elif len(press.args) == 2 and 1 <= press.args[1] <= dt.date.max.toordinal():
        due = dt.date.fromordinal(press.args[1])
        if press.action == "sch_show":
            await edit(update, *proposal(svc, team, due, language))
        else:
            await _set(update, svc, team, due, language)
    else:
        await edit(update, t(language, "button_expired"))


async def _set(update: Update, svc: Services, team: Team, due: dt.date, language: str) -> None:
    """The leader agreed: store the schedule (checked again now), and give an open round its deadline."""
    result = year_plan.propose(svc, team, due)
    if isinstance(result, Refusal):  # time passed since the proposal
        await edit(update, *proposal(svc, team, due, language))
        return
    with svc.storage.atomic():
        year_plan.save(svc, team, result)
    text = t(language, "sch_set", team=team.name, lines=year_plan.schedule_text(svc, result, language))
    round_ = svc.storage.cycles.open_round_of(team.id)
    closes_at = year_plan.planned_close(svc, team.id, round_.kind) if round_ is not None else None
    if round_ is not None and closes_at is not None and closes_at != round_.closes_at and engine.set_deadline(svc, round_, closes_at) is not False:
        text = Markup(text + "\n\n" + t(language, "sch_set_open_round", moment=format_moment(closes_at, language, svc.config.timezone)))
    markup = None
    if svc.storage.cycles.current(team.id) is None:
        markup = _keyboard([[(t(language, "sch_start_now_button"), encode("cyc_phase", team.id, 0))]])
    await edit(update, text, markup)


async def date_typed(update: Update, context: ContextTypes.DEFAULT_TYPE, team_id: int) -> None:
    """The leader typed the due date: the proposal, or a clear message about the date."""
    svc, language, user_id = services(context), user_language(update, context), update.effective_user.id
    team = leads(svc, team_id, user_id)
    if team is None:
        svc.storage.awaiting.clear(user_id)
        await reply(update, t(language, "cycle_leaders_only"))
        return
    due = parse_day(update.effective_message.text)
    if due is None:
        await reply(update, t(language, "sch_bad_date", example=_example(svc)))  # still waiting for a date
        return
    if not isinstance(year_plan.propose(svc, team, due), Refusal):
        svc.storage.awaiting.clear(user_id)  # after a refused date the leader can simply type another
    await reply(update, *proposal(svc, team, due, language))

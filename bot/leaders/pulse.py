"""Pulse check-ins between cycles, and the trend: the leader schedules a short recurring pulse; the
bot opens it, reminds privately those who have not answered (the leader sees only the count), and
releases each pulse under the same thresholds as any round."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.plumbing.callbacks import Callback, encode
from bot.render.charts_trend import trend_chart
from bot.members.common import Services, answer_and_edit, reply, services, user_language
from bot.leaders.cycle_leader import leader_command, leading_team, leads
from bot.render.evaluation_render import render_trend, trend_caption
from bot.texts.i18n import t
from bot.cycle.rounds_render import deadline_text, link_button, round_link
from flows.cycle import RoundKind
from flows.deadlines import deadline_after
from flows.pulse import PULSE_EVERY, PULSE_OPEN_DAYS, pulse_questions
from flows.team import Team
from flows.trend import trend_points

DAY = 24 * 3600


def open_pulse(svc: Services, team: Team) -> bool:
    """Open a pulse round for the team now, unless one is open already; announce it in the group."""
    if svc.storage.cycles.open_pulse(team.id) is not None:
        return False
    schedule = svc.storage.pulses.of_team(team.id)
    open_days = schedule[1] if schedule else PULSE_OPEN_DAYS
    closes_at = deadline_after(svc.now(), open_days, svc.config.timezone)  # at 17:00, like every deadline
    language = svc.config.language
    with svc.storage.atomic():
        round_ = svc.storage.cycles.open_round(None, RoundKind.PULSE, pulse_questions(), settings={"team_id": team.id}, closes_at=closes_at)
        svc.storage.pulses.remind_at(round_.id, closes_at - 2 * DAY)
        text = t(language, "pulseui_announcement", deadline=deadline_text(svc, closes_at, language), minimum=svc.config.privacy.min_group_size)
        svc.storage.outbox.add(team.chat_id, text, link_button(t(language, "pulseui_button"), round_link(svc, round_.id)))
    svc.wake_outbox()
    return True


def open_due_pulses(svc: Services) -> int:
    """Open every scheduled pulse that is due, and plan the next one."""
    opened = 0
    for team_id, every_days, _ in svc.storage.pulses.due(svc.now()):
        team = svc.storage.teams.get(team_id)
        if team is not None and team.state == "active" and open_pulse(svc, team):
            opened += 1
        svc.storage.pulses.postpone(team_id, svc.now() + every_days * DAY)
    return opened


def send_reminder(svc: Services, round_id: int) -> int:
    """Privately remind the members who have not answered the round (its reminder is due), in one
    transaction; return how many."""
    round_ = svc.storage.cycles.round(round_id)
    team = svc.storage.teams.get(round_.team_id)
    sent = 0
    with svc.storage.atomic():
        for user_id, language in svc.storage.answers.to_remind(round_id, team.id):
            language = language or svc.config.language
            text = t(language, f"reminder_{round_.kind.value}", team=team.name, deadline=deadline_text(svc, round_.closes_at, language))
            svc.storage.outbox.add(user_id, text, link_button(t(language, "reminder_button"), round_link(svc, round_id)))
            sent += 1
        svc.storage.pulses.reminded(round_id, svc.now())
    return sent


@leader_command(7)
async def pulse_command(update: Update, context: ContextTypes.DEFAULT_TYPE, team: Team | None = None) -> None:
    """/puls: schedule (or stop) a recurring short pulse check-in."""
    team = team or await leading_team(update, context, pulse_command)
    if team is None:
        return
    svc, language = services(context), user_language(update, context)
    schedule = svc.storage.pulses.of_team(team.id)
    current = t(language, "pulseui_every", days=schedule[0]) if schedule else t(language, "pulseui_none")
    rows = [[InlineKeyboardButton(t(language, f"pulseui_choice_{days}"), callback_data=encode("pulse", team.id, days))] for days in PULSE_EVERY]
    if schedule:
        rows.append([InlineKeyboardButton(t(language, "pulseui_stop"), callback_data=encode("pulse", team.id, 0))])
    await reply(update, t(language, "pulseui_choose", team=team.name, current=current), InlineKeyboardMarkup(rows))


async def pulse_button(update: Update, context: ContextTypes.DEFAULT_TYPE, press: Callback) -> None:
    """The pulse schedule chosen: the first pulse opens now, the next after the chosen period."""
    svc, language, query = services(context), user_language(update, context), update.callback_query
    team = leads(svc, press.args[0], update.effective_user.id) if len(press.args) == 2 else None
    if team is None:
        await query.answer(t(language, "cycle_leaders_only_short"))
        return
    days = press.args[1]
    if days == 0:
        svc.storage.pulses.stop(team.id)
        await answer_and_edit(update, t(language, "pulseui_stopped", team=team.name))
        return
    if days not in PULSE_EVERY:
        await answer_and_edit(update, t(language, "button_expired"))
        return
    with svc.storage.atomic():
        svc.storage.pulses.schedule(team.id, days, PULSE_OPEN_DAYS, svc.now() + days * DAY)
        opened = open_pulse(svc, team)
    await answer_and_edit(update, t(language, "pulseui_scheduled" if opened else "pulseui_scheduled_later", team=team.name, days=days))


@leader_command(8)
async def trend_command(update: Update, context: ContextTypes.DEFAULT_TYPE, team: Team | None = None) -> None:
    """/trend: NEA altijd+vaak and high workload over time, across cycles and pulses (released rounds only)."""
    team = team or await leading_team(update, context, trend_command)
    if team is None:
        return
    svc, language = services(context), user_language(update, context)
    items = []
    kinds = (RoundKind.ANALYSIS.value, RoundKind.EVALUATION.value, RoundKind.PULSE.value)
    for round_, day in svc.storage.cycles.closed_rounds(team.id, kinds):
        stored = svc.storage.answers.summary(round_.id)
        if stored and stored[0]:
            items.append((round_.kind.value, day, t(language, f"trendui_label_{round_.kind.value}"), stored[1]))
    points = trend_points(items)
    await reply(update, render_trend(points, language, team.name))
    if points:
        await context.bot.send_photo(
            update.effective_chat.id, trend_chart(points, language), caption=trend_caption(points, language), parse_mode=ParseMode.HTML
        )

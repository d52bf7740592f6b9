"""Pulse check-ins between cycles, and the trend: the leader schedules a short recurring pulse; the
bot opens it, reminds privately those who have not answered (the leader sees only the count), and
releases each pulse under the same thresholds as any round."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.plumbing.callbacks import Callback, encode
from bot.render.charts_trend import trend_chart
from bot.members.common import answer_and_edit, reply, services, user_language
from bot.leaders.leading import led_by_presser, leader_command, leading_team
from bot.render.evaluation_render import render_trend, trend_caption
from bot.texts.i18n import t
from bot.cycle.pulses import DAY, open_pulse
from flows.cycle import RoundKind
from flows.pulse import PULSE_EVERY, PULSE_OPEN_DAYS
from flows.team import Team
from flows.trend import trend_points


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
    svc, language = services(context), user_language(update, context)
    team = await led_by_presser(update, svc, press, language, arguments=2)
    if team is None:
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

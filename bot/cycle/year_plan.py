"""The school year's schedule as the bot uses it: the deadline a round gets from it, the lines that show it
(also for the plan's document: :func:`schedule_lines`), the leader's reminders, and what happens when a
deadline moves or a cycle closes. The conversation with the leader is in ``bot/leaders/schedule.py``."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from bot.plumbing import callbacks
from bot.deployment.services import Services
from bot.texts.i18n import Markup, format_moment, t
from bot.cycle.rounds_render import callback_keyboard, leaders_to_tell
from flows.cycle import CLOSED, Cycle, Round, RoundKind
from flows.deadlines import END_OF_SCHOOL_DAY
from flows.schedule import (
    EVALUATION,
    EVALUATION_DAYS,
    ROUND_MILESTONES,
    Schedule,
    move_milestone,
    next_cycle_due,
    plan_back,
    reminder_day,
    step_at,
    still_ahead,
)
from flows.team import Team

DAY = 24 * 3600
REMINDER_TIME = dt.time(9, 0)  # the leader's reminders arrive in the morning
PULSE_BETWEEN = 60  # the pulse offered for the months between cycles (days)


def moment(svc: Services, day: dt.date) -> int:
    """Unix time of 17:00 on ``day`` in the school's time zone: every milestone ends with the school day."""
    return int(dt.datetime.combine(day, END_OF_SCHOOL_DAY, tzinfo=ZoneInfo(svc.config.timezone)).timestamp())


def today(svc: Services) -> dt.date:
    """The school's date now."""
    return dt.datetime.fromtimestamp(svc.now(), ZoneInfo(svc.config.timezone)).date()


def current_step(svc: Services, team: Team) -> str | None:
    """The next milestone of the team's cycle ("start" without a running cycle)."""
    storage = svc.storage
    cycle = storage.cycles.current(team.id)
    if cycle is None:
        return "start"
    open_round = storage.cycles.open_round_of(team.id)
    plan = storage.plans.get(cycle.id)
    plan_state = plan.state if plan is not None else None
    open_kind = open_round.kind.value if open_round else ("plan_vote" if plan_state == "stemming" else None)
    vote_held = storage.cycles.last_round(cycle.id, RoundKind.VOTE) is not None
    return step_at(cycle.state, open_kind, vote_held, plan_state == "aangenomen", plan_state == "pmr_instemming")


def step_of(svc: Services, team: Team, stored) -> str | None:
    """Where the team stands in a stored schedule: a schedule not yet tied to a cycle waits for its start."""
    return "start" if stored.cycle_id is None else current_step(svc, team)


def propose(svc: Services, team: Team, due: dt.date):
    """The schedule (or the refusal) for the plan agreed on ``due``, from where the team stands today."""
    first = current_step(svc, team) or "start"
    if first == EVALUATION:  # this cycle's plan is made: the schedule is for the next cycle
        first = "start"
    return plan_back(due, today(svc), first)


def planned_close(svc: Services, team_id: int, kind: RoundKind) -> int | None:
    """The deadline the schedule gives a round of ``kind`` opening now, if it lies at least a day ahead."""
    stored = svc.storage.schedules.active(team_id)
    key = ROUND_MILESTONES.get(kind.value)
    if stored is not None and key == EVALUATION and stored.cycle_id is None:
        key = "start"  # a schedule for the next cycle: this cycle's evaluation ends when the next one starts
    day = stored.schedule.day(key) if stored and key else None
    if day is None:
        return None
    closes_at = moment(svc, day)
    if kind is RoundKind.EVALUATION and closes_at > svc.now() + 3 * EVALUATION_DAYS * DAY:
        return None  # an evaluation opened long before its planned time is not left open for months
    return closes_at if closes_at > svc.now() + DAY else None


def _reminders(svc: Services, schedule: Schedule) -> list[tuple[str, int]]:
    zone = ZoneInfo(svc.config.timezone)
    rows = []
    for key, day in schedule.days:
        due_at = int(dt.datetime.combine(reminder_day(key, day), REMINDER_TIME, tzinfo=zone).timestamp())
        if due_at > svc.now():
            rows.append((key, due_at))
    return rows


def save(svc: Services, team: Team, schedule: Schedule) -> None:
    """Inside a transaction: make ``schedule`` the team's schedule in force, with the leader's reminders."""
    cycle = svc.storage.cycles.current(team.id)
    bound = cycle.id if cycle is not None and current_step(svc, team) != EVALUATION else None
    svc.storage.schedules.replace(team.id, bound, schedule, _reminders(svc, schedule))


def schedule_lines(svc: Services, cycle_id: int, language: str) -> list[str]:
    """The schedule a cycle runs by, one plain-text line per milestone ("De check-in sluit: vrijdag 12
    maart, 17:00"); empty when the cycle has none. For the plan's document and the leader's messages."""
    stored = svc.storage.schedules.of_cycle(cycle_id)
    if stored is None:
        return []
    return [f"{t(language, f'sch_label_{key}')}: {format_moment(moment(svc, day), language, svc.config.timezone)}" for key, day in stored.schedule.days]


def schedule_text(svc: Services, schedule: Schedule, language: str, at: str | None = None) -> Markup:
    """The schedule for Telegram: one line per milestone, those already behind the team struck through."""
    lines = []
    for key, day in schedule.days:
        line = t(language, "sch_line", label=t(language, f"sch_label_{key}"), moment=format_moment(moment(svc, day), language, svc.config.timezone))
        lines.append(line if at is None or still_ahead(schedule, key, at) else Markup(f"<s>{line}</s>"))
    return Markup("\n".join(lines))


def status_line(svc: Services, team: Team, language: str) -> Markup | None:
    """For /status: the next milestone of the schedule in force and the PMR's date."""
    stored = svc.storage.schedules.active(team.id)
    at = step_of(svc, team, stored) if stored else None
    if at is None:
        return None
    day = stored.schedule.day(at)
    if day is None:
        return None
    tz = svc.config.timezone
    return t(
        language, "sch_status", label=t(language, f"sch_label_{at}"), moment=format_moment(moment(svc, day), language, tz),
        due=format_moment(moment(svc, stored.schedule.due), language, tz),
    )


def phase_note(svc: Services, team: Team) -> None:
    """Inside a transaction, when a phase begins: the leaders read the schedule's next step, if there is one."""
    if svc.storage.schedules.active(team.id) is None:
        return
    for user_id, language in leaders_to_tell(svc, team):
        line = status_line(svc, team, language)
        if line:
            svc.storage.outbox.add(user_id, line)


def send_reminder(svc: Services, schedule_id: int, team_id: int, milestone: str) -> int:
    """The leaders' private reminder of a milestone, unless the team is already past it; one transaction."""
    team = svc.storage.teams.get(team_id)
    stored = svc.storage.schedules.active(team_id)
    sent = 0
    with svc.storage.atomic():
        if team is not None and stored is not None and stored.id == schedule_id and still_ahead(stored.schedule, milestone, step_of(svc, team, stored)):
            for user_id, language in leaders_to_tell(svc, team):
                when = format_moment(moment(svc, stored.schedule.day(milestone)), language, svc.config.timezone)
                svc.storage.outbox.add(user_id, t(language, f"sch_remind_{milestone}", team=team.name, moment=when))
                sent += 1
        svc.storage.schedules.reminded(schedule_id, milestone)
    return sent


def send_due_reminders(svc: Services) -> int:
    """Every leader's reminder that is due (the deadline scan calls this)."""
    sent = 0
    for schedule_id, team_id, milestone in svc.storage.schedules.due_reminders(svc.now()):
        sent += send_reminder(svc, schedule_id, team_id, milestone)
    if sent:
        svc.wake_outbox()
    return sent


def deadline_moved(svc: Services, team: Team, round_: Round, closes_at: int | None, language: str) -> Markup | None:
    """The leader changed a round's deadline: the schedule follows; a warning when later steps now get less
    than their minimum time (or run past the PMR)."""
    stored = svc.storage.schedules.active(team.id)
    key = ROUND_MILESTONES.get(round_.kind.value)
    if stored is None or closes_at is None or key is None or stored.schedule.day(key) is None:
        return None
    day = dt.datetime.fromtimestamp(closes_at, ZoneInfo(svc.config.timezone)).date()
    moved, squeezed = move_milestone(stored.schedule, key, day)
    with svc.storage.atomic():
        svc.storage.schedules.update(stored.id, moved, _reminders(svc, moved))
    if not squeezed:
        return t(language, "sch_followed")
    first = squeezed[0]
    return t(language, "sch_squeezed", label=t(language, f"sch_label_{first.key}"), days=max(first.days, 0), minimum=first.minimum)


def cycle_closed(svc: Services, team: Team, cycle: Cycle) -> None:
    """Inside a transaction, when a cycle closes: its schedule is done; the leaders are offered the next
    year's schedule (one tap), and a pulse for the months between if none runs."""
    if cycle.state != CLOSED:
        return
    last = svc.storage.schedules.of_cycle(cycle.id)
    svc.storage.schedules.finish(cycle.id)
    if svc.storage.schedules.active(team.id) is not None:
        return  # the leader already planned the next cycle
    previous = last.schedule.due if last else None
    due = next_cycle_due(previous, today(svc))
    pulse = svc.storage.pulses.of_team(team.id)
    for user_id, language in leaders_to_tell(svc, team):
        rows = [
            [(t(language, "sch_offer_button", moment=format_moment(moment(svc, due), language, svc.config.timezone)),
              callbacks.encode("sch_show", team.id, due.toordinal()))],
            [(t(language, "sch_other_date_button"), callbacks.encode("sch_date", team.id))],
        ]
        if pulse is None:
            rows.append([(t(language, "sch_pulse_button"), callbacks.encode("pulse", team.id, PULSE_BETWEEN))])
        svc.storage.outbox.add(user_id, t(language, "sch_offer", team=team.name), callback_keyboard(rows))


def planned_deadline_row(svc: Services, team_id: int, kind: RoundKind, language: str, data: str) -> list[tuple[str, str]]:
    """For a deadline keyboard: a first button "as scheduled: <moment>", when the schedule has one ahead."""
    closes_at = planned_close(svc, team_id, kind)
    if closes_at is None:
        return []
    return [(t(language, "sch_deadline_button", moment=format_moment(closes_at, language, svc.config.timezone)), data)]

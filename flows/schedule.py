"""The school year's rhythm: a deadline for each step of a cycle, worked back from the day the plan must be
agreed (the PMR meeting before the summer, for the werkverdelingsplan).

Pure: dates in, dates out. Each step has a minimum and a proposed number of days since the step before it
(time for the check-in, the team meeting and proposals, the vote, writing the plan, the team's vote on it,
and the PMR). With enough time the proposed durations are used and the cycle starts later; with less, every
step shrinks towards its minimum in proportion; below the minimum the date is refused, with the earliest
workable one. A deadline on a Saturday or Sunday moves back to the Friday before. A year after the PMR the
team evaluates, in time to analyse again for the next plan: the method's yearly rhythm.

A schedule made while a cycle runs starts at the step the team is at (``first``), counting from today.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True)
class Step:
    """A milestone of the cycle, and the days it needs after the milestone before it."""

    key: str
    minimum: int
    proposed: int


# In the order of the method. "start": the check-in opens (it needs no time before it).
STEPS = (
    Step("start", 0, 0),
    Step("analysis", 7, 14),  # the check-in closes
    Step("proposals", 7, 14),  # the team meeting held, proposals close
    Step("vote", 3, 7),  # the dot-vote closes
    Step("plan", 5, 10),  # the leader puts the plan to the team's vote
    Step("plan_vote", 3, 7),  # the team's vote on the plan closes
    Step("pmr", 7, 14),  # the PMR agrees: the date the leader gave
)
KEYS = tuple(step.key for step in STEPS)
EVALUATION = "evaluation"  # a year after the PMR: the evaluation closes and the next analysis can start
EVALUATION_DAYS = 14  # how long the evaluation check-in is open
MAX_AHEAD_DAYS = 2 * 366  # a plan further ahead than two school years is not planned (a typing error)
REMIND_DAYS = 3  # the leader is reminded this many days before each milestone
ROUND_MILESTONES = {"analysis": "analysis", "proposals": "proposals", "vote": "vote", "plan_vote": "plan_vote", "evaluation": EVALUATION}


class Problem(StrEnum):
    """Why a date cannot be planned back from."""

    PAST = "past"  # today or earlier
    TOO_CLOSE = "too_close"  # the steps do not fit, even at their minimum
    TOO_FAR = "too_far"  # more than two years ahead


@dataclass(frozen=True)
class Refusal:
    """A date that cannot be planned, and the earliest that can."""

    problem: Problem
    earliest: dt.date


@dataclass(frozen=True)
class Schedule:
    """The day of each milestone, in the method's order; ``due`` is the PMR's day."""

    due: dt.date
    days: tuple[tuple[str, dt.date], ...]

    def day(self, key: str) -> dt.date | None:
        """The day of milestone ``key``, if the schedule has it."""
        return dict(self.days).get(key)

    @property
    def keys(self) -> tuple[str, ...]:
        """The milestones, in order."""
        return tuple(key for key, _ in self.days)

    def to_dict(self) -> dict:
        """JSON-ready: the due day and each milestone's day as ISO dates."""
        return {"due": self.due.isoformat(), "days": [[key, day.isoformat()] for key, day in self.days]}

    @classmethod
    def from_dict(cls, data: dict) -> Schedule:
        """Rebuild a schedule stored with :meth:`to_dict`."""
        return cls(dt.date.fromisoformat(data["due"]), tuple((key, dt.date.fromisoformat(day)) for key, day in data["days"]))


def _steps_from(first: str) -> tuple[Step, ...]:
    return STEPS[KEYS.index(first):]


def minimum_days(first: str = "start") -> int:
    """The fewest days from today to the PMR when the cycle is at ``first``."""
    return sum(step.minimum for step in _steps_from(first))


def earliest_due(today: dt.date, first: str = "start") -> dt.date:
    """The earliest date the plan can be agreed on, with every step at its minimum."""
    return today + dt.timedelta(days=max(1, minimum_days(first)))


def _school_day(day: dt.date) -> dt.date:
    """A Saturday or Sunday moves back to the Friday before."""
    return day - dt.timedelta(days=max(0, day.weekday() - 4))


def _durations(steps: tuple[Step, ...], available: int) -> list[int]:
    """Each step's days: the proposed ones when they fit, else shrunk towards the minimum in proportion."""
    least = sum(step.minimum for step in steps)
    room = sum(step.proposed - step.minimum for step in steps)
    extra = min(available - least, room)
    if room == 0:
        return [step.minimum for step in steps]
    return [step.minimum + (extra * (step.proposed - step.minimum)) // room for step in steps]


def _fits(steps: tuple[Step, ...], days: list[dt.date], today: dt.date) -> bool:
    gaps = [(later - earlier).days for earlier, later in zip([today, *days], days)]
    return all(gap >= step.minimum for gap, step in zip(gaps, steps)) and days[0] >= today


def plan_back(due: dt.date, today: dt.date, first: str = "start") -> Schedule | Refusal:
    """The schedule that ends with the PMR on ``due``, for a cycle at step ``first``, or why not."""
    if due <= today:
        return Refusal(Problem.PAST, earliest_due(today, first))
    steps = _steps_from(first)
    available = (due - today).days
    if available > MAX_AHEAD_DAYS:
        return Refusal(Problem.TOO_FAR, earliest_due(today, first))
    if available < minimum_days(first):
        return Refusal(Problem.TOO_CLOSE, earliest_due(today, first))
    durations = _durations(steps, available)
    for weekdays_only in (True, False):
        days, day = [], due
        for step, days_before in zip(reversed(steps), reversed(durations)):
            days.append(day)
            day = day - dt.timedelta(days=days_before)
            if weekdays_only:
                day = _school_day(day)
        days.reverse()
        days[-1] = due
        if steps[0].key == "start":
            days[0] = max(days[0], today)
        if _fits(steps, days, today):
            return Schedule(due, tuple(zip((s.key for s in steps), days)) + ((EVALUATION, evaluation_day(due)),))
    return Refusal(Problem.TOO_CLOSE, earliest_due(today, first))  # pragma: no cover - the minimum always fits


def evaluation_day(due: dt.date) -> dt.date:
    """When the evaluation closes: a year after this PMR, early enough for the next cycle's proposed steps."""
    next_due = next_year(due)
    total = sum(step.proposed for step in STEPS)
    return _school_day(next_due - dt.timedelta(days=total))


def next_year(day: dt.date) -> dt.date:
    """The same school moment a year later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def next_cycle_due(previous_due: dt.date | None, today: dt.date) -> dt.date:
    """The date to propose for the next cycle's plan: a year after the last one (or after today), and at
    least the earliest workable date."""
    proposal = next_year(previous_due) if previous_due is not None else next_year(today)
    while proposal <= today:
        proposal = next_year(proposal)
    return max(proposal, earliest_due(today))


def step_at(phase: str | None, open_round: str | None, vote_held: bool, plan_vote_held: bool, plan_decided: bool = False) -> str | None:
    """The next milestone of a team's cycle: None (no cycle) starts at "start"; a closed cycle has none."""
    if phase is None:
        return "start"
    if phase == "analyseren":
        return "analysis"
    if phase == "bespreken":
        if open_round == "proposals":
            return "proposals"
        return "plan" if vote_held and open_round != "vote" else "vote"
    if phase == "aanpakken":
        if open_round == "plan_vote":
            return "plan_vote"
        if plan_decided:
            return EVALUATION
        return "pmr" if plan_vote_held else "plan"
    if phase == "evalueren":
        return EVALUATION
    return None


def still_ahead(schedule: Schedule, key: str, at: str | None) -> bool:
    """Whether milestone ``key`` still lies ahead of a cycle at milestone ``at`` (for its reminder)."""
    keys = schedule.keys
    return at is not None and key in keys and at in keys and keys.index(key) >= keys.index(at)


def reminder_day(key: str, day: dt.date) -> dt.date:
    """When the leader is reminded of milestone ``key``: a few days before it (for the evaluation, a few
    days before it should open)."""
    lead = REMIND_DAYS + (EVALUATION_DAYS if key == EVALUATION else 0)
    return day - dt.timedelta(days=lead)


@dataclass(frozen=True)
class Squeeze:
    """A milestone after a changed one that now has less than its minimum time (or falls after the PMR)."""

    key: str
    days: int
    minimum: int


def move_milestone(schedule: Schedule, key: str, day: dt.date) -> tuple[Schedule, list[Squeeze]]:
    """The leader set milestone ``key`` to ``day``: the new schedule, and the steps after it that no longer
    get their minimum time (the leader decides whether to plan again)."""
    days = tuple((k, day if k == key else d) for k, d in schedule.days)
    moved = Schedule(schedule.due, days)
    minimum = {step.key: step.minimum for step in STEPS}
    keys = [k for k, _ in days if k in minimum]
    squeezed = []
    if key in keys:
        for earlier, later in zip(keys, keys[1:]):
            if keys.index(later) <= keys.index(key):
                continue
            gap = (moved.day(later) - moved.day(earlier)).days
            if gap < minimum[later]:
                squeezed.append(Squeeze(later, gap, minimum[later]))
    return moved, squeezed

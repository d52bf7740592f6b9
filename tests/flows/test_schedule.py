"""The school year's rhythm: deadlines worked back from the day the plan must be agreed."""

from __future__ import annotations

import datetime as dt

import pytest

from flows.schedule import (
    EVALUATION,
    KEYS,
    STEPS,
    Problem,
    Refusal,
    Schedule,
    earliest_due,
    minimum_days,
    move_milestone,
    next_cycle_due,
    plan_back,
    reminder_day,
    step_at,
    still_ahead,
)

TODAY = dt.date(2027, 3, 1)  # a Monday
MINIMUM = {step.key: step.minimum for step in STEPS}
PROPOSED = {step.key: step.proposed for step in STEPS}


def _gaps(schedule: Schedule, today: dt.date) -> dict[str, int]:
    previous, gaps = today, {}
    for key, day in schedule.days:
        if key == EVALUATION:
            break
        gaps[key] = (day - previous).days
        previous = day
    return gaps


def test_with_ample_time_the_proposed_durations_are_used_and_the_cycle_starts_later():
    """A PMR on Friday 25 June: every step gets its proposed days (weekends moved back), the start lies ahead."""
    schedule = plan_back(dt.date(2027, 6, 25), TODAY)
    assert isinstance(schedule, Schedule)
    assert schedule.keys == (*KEYS, EVALUATION)
    assert schedule.day("pmr") == dt.date(2027, 6, 25)
    assert schedule.day("plan_vote") == dt.date(2027, 6, 11)  # 14 days before
    assert schedule.day("plan") == dt.date(2027, 6, 4)
    assert schedule.day("vote") == dt.date(2027, 5, 25)
    assert schedule.day("start") > TODAY
    assert all(day.weekday() < 5 for key, day in schedule.days)
    assert all(gap >= PROPOSED[key] for key, gap in _gaps(schedule, TODAY).items() if key != "start")


@pytest.mark.parametrize("days_ahead", range(minimum_days(), 80))
def test_every_workable_date_gives_each_step_at_least_its_minimum(days_ahead):
    """From the minimum total up: milestones in order, from today on, each step at least its minimum."""
    due = TODAY + dt.timedelta(days=days_ahead)
    schedule = plan_back(due, TODAY)
    assert isinstance(schedule, Schedule), schedule
    days = [day for key, day in schedule.days if key != EVALUATION]
    assert days == sorted(days) and days[0] >= TODAY and days[-1] == due
    assert all(gap >= MINIMUM[key] for key, gap in _gaps(schedule, TODAY).items())


def test_a_date_in_the_past_or_today_is_refused_with_the_earliest_workable_date():
    """Today and earlier are 'past'; the earliest workable date is today plus every step's minimum."""
    for due in (TODAY, TODAY - dt.timedelta(days=30)):
        assert plan_back(due, TODAY) == Refusal(Problem.PAST, TODAY + dt.timedelta(days=minimum_days()))


def test_a_date_too_close_is_refused_and_the_earliest_date_works():
    """One day short of the minimum is refused; the earliest workable date it names can be planned."""
    refusal = plan_back(TODAY + dt.timedelta(days=minimum_days() - 1), TODAY)
    assert refusal == Refusal(Problem.TOO_CLOSE, earliest_due(TODAY))
    assert isinstance(plan_back(refusal.earliest, TODAY), Schedule)


def test_a_date_more_than_two_years_ahead_is_refused():
    """A typing error such as 31-12-9999 gets a clear refusal, not a crash; two years ahead still plans."""
    assert plan_back(dt.date(9999, 12, 31), TODAY).problem is Problem.TOO_FAR
    assert isinstance(plan_back(TODAY + dt.timedelta(days=730), TODAY), Schedule)


def test_a_running_cycle_plans_only_the_steps_ahead():
    """A team in bespreken with proposals open: the schedule starts at the proposals, counted from today."""
    schedule = plan_back(TODAY + dt.timedelta(days=30), TODAY, first="proposals")
    assert schedule.keys == ("proposals", "vote", "plan", "plan_vote", "pmr", EVALUATION)
    assert plan_back(TODAY + dt.timedelta(days=20), TODAY, first="proposals").problem is Problem.TOO_CLOSE
    assert minimum_days("proposals") == 25


def test_the_evaluation_falls_a_year_later_in_time_for_the_next_cycle():
    """The evaluation closes the next spring, on a school day, early enough that the next cycle's proposed
    steps end at the PMR a year later."""
    schedule = plan_back(dt.date(2027, 6, 25), TODAY)
    evaluation = schedule.day(EVALUATION)
    assert dt.date(2028, 3, 1) < evaluation < dt.date(2028, 5, 1) and evaluation.weekday() < 5
    again = plan_back(dt.date(2028, 6, 25), evaluation)
    assert isinstance(again, Schedule) and again.day("start") >= evaluation


def test_the_next_cycle_is_proposed_a_year_later_and_never_in_the_past():
    """A year after the last PMR; without one, a year after today; a year already passed moves on."""
    assert next_cycle_due(dt.date(2027, 6, 25), dt.date(2027, 7, 1)) == dt.date(2028, 6, 25)
    assert next_cycle_due(None, TODAY) == dt.date(2028, 3, 1)
    assert next_cycle_due(dt.date(2024, 2, 29), TODAY) == dt.date(2028, 2, 28)
    assert next_cycle_due(dt.date(2027, 3, 20), dt.date(2028, 3, 10)) == earliest_due(dt.date(2028, 3, 10))


def test_moving_a_deadline_reports_the_steps_that_no_longer_get_their_minimum():
    """The check-in moved a week later: the proposals keep 7 days (fine); moved three weeks: squeezed."""
    schedule = plan_back(dt.date(2027, 6, 25), TODAY)
    week, squeezed = move_milestone(schedule, "analysis", schedule.day("analysis") + dt.timedelta(days=7))
    assert week.day("analysis") == schedule.day("analysis") + dt.timedelta(days=7) and squeezed == []
    _, squeezed = move_milestone(schedule, "analysis", schedule.day("analysis") + dt.timedelta(days=21))
    assert [s.key for s in squeezed] == ["proposals"] and squeezed[0].days < 0 and squeezed[0].minimum == 7


def test_where_a_cycle_stands_and_which_reminders_still_apply():
    """The next milestone follows the phase and the open round; reminders only for milestones ahead."""
    assert step_at(None, None, False, False) == "start"
    assert step_at("analyseren", "analysis", False, False) == "analysis"
    assert step_at("bespreken", "proposals", False, False) == "proposals"
    assert step_at("bespreken", None, False, False) == "vote"
    assert step_at("bespreken", "vote", True, False) == "vote"
    assert step_at("bespreken", None, True, False) == "plan"
    assert step_at("aanpakken", None, True, False) == "plan"
    assert step_at("aanpakken", "plan_vote", True, False) == "plan_vote"
    assert step_at("aanpakken", None, True, True) == "pmr"
    assert step_at("aanpakken", None, True, True, plan_decided=True) == EVALUATION
    assert step_at("evalueren", "evaluation", True, True) == EVALUATION
    assert step_at("afgesloten", None, True, True) is None
    schedule = plan_back(dt.date(2027, 6, 25), TODAY)
    assert still_ahead(schedule, "vote", "proposals") and not still_ahead(schedule, "analysis", "vote")
    assert not still_ahead(schedule, "vote", None)
    assert reminder_day("vote", dt.date(2027, 5, 25)) == dt.date(2027, 5, 22)
    assert reminder_day(EVALUATION, dt.date(2028, 4, 14)) == dt.date(2028, 3, 28)


def test_a_schedule_survives_storage_as_json():
    """to_dict and from_dict round-trip."""
    schedule = plan_back(dt.date(2027, 6, 25), TODAY)
    assert Schedule.from_dict(schedule.to_dict()) == schedule

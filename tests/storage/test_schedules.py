"""Storage of the school year's schedule: one in force per team, bound to the cycle it plans, its reminders."""

import datetime as dt

from flows.schedule import plan_back
from storage.db import Storage

TODAY = dt.date(2027, 3, 1)


def test_one_schedule_in_force_bound_to_its_cycle_with_reminders(tmp_path):
    """Planning again replaces the schedule and its pending reminders; a starting cycle binds it; a closing
    cycle keeps it for its plan but stops its reminders; planning the next cycle keeps the running one's;
    deleting the team deletes it."""
    storage = Storage(tmp_path / "w.db")
    team = storage.teams.register(-1001, "Team", 7, "hash")
    first = storage.schedules.replace(team.id, None, plan_back(dt.date(2027, 6, 25), TODAY), [("start", 100), ("vote", 200)])
    assert storage.schedules.due_reminders(150) == [(first.id, team.id, "start")]
    storage.schedules.reminded(first.id, "start")
    assert storage.schedules.due_reminders(250) == [(first.id, team.id, "vote")]

    second = storage.schedules.replace(team.id, None, plan_back(dt.date(2027, 6, 18), TODAY), [("vote", 300)])
    assert storage.schedules.active(team.id).schedule.due == dt.date(2027, 6, 18)
    assert storage.schedules.due_reminders(1000) == [(second.id, team.id, "vote")]

    cycle = storage.cycles.start(team.id, "analyseren")
    storage.schedules.bind(team.id, cycle.id)
    assert storage.schedules.of_cycle(cycle.id).id == second.id
    storage.schedules.finish(cycle.id)
    assert storage.schedules.active(team.id) is None and storage.schedules.due_reminders(1000) == []
    assert storage.schedules.of_cycle(cycle.id).schedule.due == dt.date(2027, 6, 18)
    assert storage.schedules.last_due(team.id) == "2027-06-18"

    # Planning the next cycle while one runs past its plan keeps the running cycle's schedule (done) for its plan.
    running = storage.schedules.replace(team.id, cycle.id, plan_back(dt.date(2027, 6, 11), TODAY), [("vote", 10)])
    later = storage.schedules.replace(team.id, None, plan_back(dt.date(2028, 6, 23), TODAY), [])
    assert storage.schedules.of_cycle(cycle.id).id == running.id and storage.schedules.active(team.id).id == later.id
    assert storage.schedules.due_reminders(1000) == []

    storage.privacy.delete_team(team.id, -1001)
    assert storage.db.execute("SELECT count(*) FROM schedules").fetchone()[0] == 0
    assert storage.db.execute("SELECT count(*) FROM schedule_reminders").fetchone()[0] == 0
    storage.close()

"""The trend: one point per released round, each computed on its own; unreleased rounds leave no trace."""

import json
import random

import pytest

from flows.analysis import Thresholds, summarise_analysis
from flows.checkin import analysis_questions
from flows.evaluation import NEA_IDS, evaluation_questions, summarise_evaluation
from flows.pulse import pulse_questions, summarise_pulse
from flows.trend import TrendPoint, trend_points

ANALYSIS_ROWS = [(4, 4, 4), (3, 3, 2), (3, 2, 2), (2, 2, 2), (4, 3, 1), (1, 1, 1), (3, 3, 3)]  # shares 5/7, 4/7, 2/7; high 4/7
PULSE_ROWS = [(3, 3, 2), (2, 2, 2), (1, 1, 1), (2, 3, 2), (4, 4, 4), (2, 2, 1)]  # shares 2/6, 3/6, 1/6; high 2/6


def _nea(rows):
    return [dict(zip(NEA_IDS, row)) for row in rows]


def _analysis(rows=ANALYSIS_ROWS):
    return summarise_analysis(analysis_questions([]), _nea(rows), [], 9, Thresholds(5, 5), random.Random(0))


def _pulse(rows=PULSE_ROWS):
    return summarise_pulse(pulse_questions(), _nea(rows), [], 9, Thresholds(5, 5), random.Random(0))


def _evaluation(rows=PULSE_ROWS):
    scores = [{**n, "eval_support": 3, "eval_influence": 3, "eval_discuss": 3} for n in _nea(rows)]
    return summarise_evaluation(evaluation_questions([]), scores, [], 9, Thresholds(5, 5), _analysis(), [])


def _stored(summary):
    return json.loads(json.dumps(summary.to_dict()))


def test_points_from_all_three_kinds_sorted_by_day():
    """Given out of order, the points come oldest first with their own figures."""
    items = [
        ("evaluation", "2024-06-20", "", _stored(_evaluation())),
        ("analysis", "2023-10-02", "najaar", _stored(_analysis())),
        ("pulse", "2024-02-01", "", _stored(_pulse())),
    ]
    points = trend_points(items)
    assert [p.kind for p in points] == ["analysis", "pulse", "evaluation"]
    analysis, pulse, evaluation = points
    assert analysis == TrendPoint("najaar", "2023-10-02", "analysis", 7, pytest.approx(11 / 21), 4 / 7)
    assert (pulse.respondents, pulse.nea_often, pulse.high_workload) == (6, pytest.approx(1 / 3), 2 / 6)
    assert (evaluation.respondents, evaluation.nea_often, evaluation.high_workload) == (6, pytest.approx(1 / 3), 2 / 6)


def test_an_unreleased_round_contributes_nothing():
    """Differencing guard: a round below the threshold adds no point, no count and no date."""
    released = [("analysis", "2023-10-02", "", _stored(_analysis())), ("pulse", "2024-02-01", "", _stored(_pulse()))]
    small = [
        ("pulse", "2024-03-01", "", _stored(_pulse(PULSE_ROWS[:4]))),
        ("analysis", "2024-04-01", "", _stored(_analysis(ANALYSIS_ROWS[:2]))),
        ("evaluation", "2024-05-01", "", _stored(_evaluation(PULSE_ROWS[:3]))),
    ]
    assert trend_points(released + small) == trend_points(released)
    assert trend_points(small) == []
    assert sum(p.respondents for p in trend_points(released + small)) == 7 + 6


def test_same_day_keeps_the_given_order_and_missing_figures_stay_none():
    """Rounds on one day keep their order; a round whose NEA item had no answers has no nea_often."""
    data = _stored(_analysis())
    data["nea"][1]["share_often"] = None
    points = trend_points([("analysis", "2024-01-01", "a", data), ("pulse", "2024-01-01", "b", _stored(_pulse()))])
    assert [p.label for p in points] == ["a", "b"] and points[0].nea_often is None


@pytest.mark.parametrize("kind,day", [("survey", "2024-01-01"), ("pulse", "1 januari"), ("pulse", "2024-13-01")])
def test_bad_kind_or_day_is_an_error(kind, day):
    """Only the three kinds, and ISO dates."""
    with pytest.raises(ValueError):
        trend_points([(kind, day, "", _stored(_pulse()))])

"""The conversation guide: a complete agenda whose minutes add up, built on the team's top sources."""

import random

import pytest

from flows.analysis import Thresholds, summarise_analysis
from flows.catalogue import default_sources
from flows.checkin import analysis_questions
from flows.guide import SOURCE_QUESTIONS, allocate, conversation_guide

QUESTIONS = analysis_questions(default_sources())


def _summary(respondents=8, seed=3):
    rng = random.Random(seed)
    scored = [q for q in QUESTIONS if q.kind != "free_text"]
    scores = [{q.id: rng.choice(q.options("nl"))[0] for q in scored} for _ in range(respondents)]
    return summarise_analysis(QUESTIONS, scores, [], 12, Thresholds(5, 10), random.Random(0))


def test_released_analysis_gives_the_top_three_sources_with_the_three_questions():
    """Opening, results, the three highest sources (each with the method's questions), solutions, closing."""
    summary = _summary()
    guide = conversation_guide(summary)
    assert [item.kind for item in guide.items] == ["opening", "results", "source", "source", "source", "solutions", "closing"]
    assert [item.source for item in guide.items if item.kind == "source"] == list(summary.sources[:3])
    assert all(item.details == SOURCE_QUESTIONS for item in guide.items if item.kind == "source")
    assert [item.minutes for item in guide.items] == [5, 10, 10, 10, 10, 10, 5]
    assert guide.with_results and guide.note is None
    assert (guide.respondents, guide.members, guide.high_workload_share) == (8, 12, summary.high_workload_share)
    assert guide.reference == summary.reference
    assert "guide_rule_no_names" in guide.items[0].details


@pytest.mark.parametrize("summary_kind", ["none", "withheld"])
def test_without_released_results_the_general_questions_are_used(summary_kind):
    """No analysis, or too few answers: the method's three questions in general, and no figures at all."""
    summary = None if summary_kind == "none" else _summary(respondents=3)
    guide = conversation_guide(summary)
    assert [item.kind for item in guide.items] == ["opening", "general_where", "general_self", "general_fit", "solutions", "closing"]
    assert all(item.source is None for item in guide.items)
    assert not guide.with_results
    assert guide.respondents is None and guide.high_workload_share is None and guide.reference is None
    assert guide.note == ("guide_note_no_analysis" if summary is None else "guide_note_withheld")
    assert sum(item.minutes for item in guide.items) == 60


@pytest.mark.parametrize("minutes", [15, 16, 20, 29, 30, 45, 59, 60, 75, 90, 120, 240])
def test_minutes_add_up(minutes):
    """Whatever the meeting's length, every item gets time and the total is exact."""
    for summary in (None, _summary()):
        guide = conversation_guide(summary, minutes)
        assert sum(item.minutes for item in guide.items) == minutes
        assert all(item.minutes >= 1 for item in guide.items)


def test_allocation_is_proportional_and_exact():
    """Largest remainder in whole units; a minimum of one unit each."""
    assert allocate([1, 2, 1], 20) == [5, 10, 5]
    assert allocate([1, 1, 1], 10) == [4, 3, 3]
    assert allocate([1, 100], 2) == [1, 1]
    with pytest.raises(ValueError):
        allocate([1, 1, 1], 2)


@pytest.mark.parametrize("minutes", [0, 14, 241])
def test_unreasonable_lengths_are_refused(minutes):
    """A meeting of less than a quarter of an hour or more than four hours is not a plan."""
    with pytest.raises(ValueError):
        conversation_guide(None, minutes)


def test_fewer_sources_than_three():
    """A team with two sources discusses those two."""
    questions = analysis_questions(default_sources()[:2])
    scores = [{q.id: q.options("nl")[0][0] for q in questions if q.kind != "free_text"}] * 5
    summary = summarise_analysis(questions, scores, [], 5, Thresholds(5, 5), random.Random(0))
    guide = conversation_guide(summary)
    assert [item.kind for item in guide.items].count("source") == 2

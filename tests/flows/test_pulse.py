"""The pulse: three NEA items and one open line, counted exactly as the analysis, nothing below the threshold."""

import json
import random

import pytest

from flows.analysis import Thresholds
from flows.checkin import analysis_questions
from flows.evaluation import NEA_IDS
from flows.pulse import PulseSummary, mean_share, pulse_questions, summarise_pulse

QUESTIONS = pulse_questions()
# Six respondents (nea_hard, nea_much, nea_fast); high workload when the sum is 8 or more.
ROWS = [(3, 3, 2), (2, 2, 2), (1, 1, 1), (2, 3, 2), (4, 4, 4), (2, 2, 1)]


def _summary(rows=ROWS, texts=(), thresholds=Thresholds(5, 5), rng=None):
    scores = [dict(zip(NEA_IDS, row)) for row in rows]
    return summarise_pulse(QUESTIONS, scores, list(texts), 10, thresholds, rng or random.Random(0))


def test_questions_are_the_nea_items_and_an_optional_line():
    """The analysis' own NEA questions (so the figures compare) and the free line."""
    analysis = {q.id: q for q in analysis_questions([])}
    assert [q.id for q in QUESTIONS] == [*NEA_IDS, "free_pulse"]
    assert QUESTIONS[:3] == [analysis[i] for i in NEA_IDS]
    assert QUESTIONS[3].kind == "free_text" and QUESTIONS[3].nl == "Wat wil je de teamleider nog meegeven? (mag je overslaan)"
    assert QUESTIONS[3].accepts(None)


def test_exact_figures():
    """Shares altijd+vaak 2/6, 3/6, 1/6; their mean 1/3; high workload 2/6; the newest national figure."""
    summary = _summary()
    assert summary.released and summary.respondents == 6 and summary.members == 10 and summary.response_rate == 0.6
    assert [item.share_often for item in summary.nea] == [2 / 6, 3 / 6, 1 / 6]
    assert summary.nea[0].distribution == (1, 1, 3, 1)
    assert summary.nea_often == pytest.approx(1 / 3)
    assert summary.high_workload_share == 2 / 6
    assert (summary.reference.value, summary.reference.year) == (45.0, 2022)


def test_unreleased_pulse_keeps_nothing_derived_from_answers():
    """Below the group threshold: the counts and thresholds only, not even the open answers' number."""
    summary = _summary(rows=ROWS[:4], texts=[("free_pulse", "geheim")] * 6)
    assert summary == PulseSummary(4, 10, False, 0.4, 5, 5)
    assert "geheim" not in json.dumps(summary.to_dict())


def test_open_answers_follow_their_own_threshold():
    """The free line needs min_group_size_free_text answers; blank ones do not count; order shuffled."""
    texts = [("free_pulse", f"regel {i}") for i in range(5)] + [("free_pulse", "   ")]
    withheld = _summary(texts=texts, thresholds=Thresholds(5, 6))
    assert withheld.free_texts == () and withheld.free_texts_withheld == 5
    shown = _summary(texts=texts)
    assert sorted(shown.free_texts) == [f"regel {i}" for i in range(5)]
    assert len({_summary(texts=texts, rng=random.Random(seed)).free_texts for seed in range(10)}) > 1


def test_round_trip_through_json():
    """to_dict -> JSON -> from_dict gives the same summary."""
    for summary in (_summary(texts=[("free_pulse", f"r{i}") for i in range(5)]), _summary(rows=ROWS[:1])):
        assert PulseSummary.from_dict(json.loads(json.dumps(summary.to_dict()))) == summary


def test_mean_share():
    """The mean of the three shares; None when an item had no answers or there are none."""
    assert mean_share([0.5, 0.25, 0.0]) == 0.25
    assert mean_share([0.5, None, 0.0]) is None and mean_share([]) is None


def test_off_scale_answer_is_an_error():
    """An NEA answer off the frequency scale is refused."""
    with pytest.raises(ValueError):
        summarise_pulse(QUESTIONS, [{"nea_hard": 5, "nea_much": 1, "nea_fast": 1}] * 5, [], 5, Thresholds(5, 5))

"""The evaluation: the platform's questions, exact figures against the baseline, verdicts at their
boundaries, the standing rules, and nothing derived from answers below the group threshold."""

import json
import random

import pytest

from flows.analysis import Thresholds, summarise_analysis
from flows.catalogue import load
from flows.checkin import analysis_questions
from flows.evaluation import (
    NEA_IDS,
    EvaluationSummary,
    evaluation_questions,
    measure_verdict,
    standing,
    summarise_evaluation,
    tips,
)

MEASURES = ["onderwijsassistent", "Conciërge <b>& co"]
QUESTIONS = evaluation_questions(MEASURES)

# The baseline analysis: seven respondents (nea_hard, nea_much, nea_fast); high workload = sum >= 8.
BASE_ROWS = [(4, 4, 4), (3, 3, 2), (3, 2, 2), (2, 2, 2), (4, 3, 1), (1, 1, 1), (3, 3, 3)]  # high: 1, 2, 5, 7
# The evaluation: six respondents: NEA, then (support, influence, discuss), then (measure 0, measure 1).
ROWS = [
    ((3, 3, 2), (3, 3, 3), (3, 2)),  # NEA sum 8: high
    ((2, 2, 2), (3, 2, 3), (3, 1)),
    ((1, 1, 1), (3, 2, 2), (2, 1)),
    ((2, 3, 2), (2, 2, 2), (3, 1)),  # sum 7: not high
    ((4, 4, 4), (1, 1, 1), (1, 2)),  # high
    ((2, 2, 1), (1, 1, 3), (2, 1)),
]


def _baseline(rows=BASE_ROWS, thresholds=Thresholds(5, 5)):
    scores = [dict(zip(NEA_IDS, row)) for row in rows]
    return summarise_analysis(analysis_questions([]), scores, [], 9, thresholds, random.Random(0))


def _scores(rows=ROWS):
    ids = ("eval_support", "eval_influence", "eval_discuss")
    return [{**dict(zip(NEA_IDS, n)), **dict(zip(ids, p)), "measure:0": m[0], "measure:1": m[1]} for n, p, m in rows]


def _summary(rows=ROWS, texts=(), baseline="default", thresholds=Thresholds(5, 5), sick_leave=(None, None), rng=None):
    baseline = _baseline() if baseline == "default" else baseline
    return summarise_evaluation(QUESTIONS, _scores(rows), list(texts), 8, thresholds, baseline, MEASURES, sick_leave,
                                rng or random.Random(0))


def test_questions_in_order_with_their_kinds_and_texts():
    """Platform questions, the NEA items with the analysis' ids, one per measure (title as given), free text."""
    ids = [q.id for q in QUESTIONS]
    assert ids == ["eval_support", "eval_influence", "eval_discuss", *NEA_IDS, "measure:0", "measure:1", "free_eval"]
    assert [q.kind for q in QUESTIONS] == ["agreement"] * 3 + ["frequency"] * 3 + ["agreement"] * 2 + ["free_text"]
    assert QUESTIONS[0].nl == "Ervaar je steun van collega's en leidinggevenden?"
    assert QUESTIONS[1].nl == "Heb je het gevoel de werkdruk zelf te kunnen beïnvloeden?"
    assert QUESTIONS[2].nl == "Is werkdruk bespreekbaar?" and QUESTIONS[2].en
    analysis = {q.id: q for q in analysis_questions([])}
    assert all(QUESTIONS[3 + i] == analysis[nea_id] for i, nea_id in enumerate(NEA_IDS))
    assert QUESTIONS[7].nl == "Heeft dit geholpen: Conciërge <b>& co?" and QUESTIONS[7].en == "Did this help: Conciërge <b>& co?"
    assert QUESTIONS[8].nl.startswith("Wat heeft het meest geholpen, en wat nog niet?")
    assert QUESTIONS[0].options("nl") == [(3, "ja"), (2, "deels"), (1, "nee")]
    assert [q.id for q in evaluation_questions([])][-1] == "free_eval"


def test_exact_figures_against_the_baseline():
    """Baseline 4/7 high workload -> now 2/6; every share follows by hand from the rows above."""
    summary = _summary(sick_leave=(6.4, 5.1))
    assert summary.released and summary.respondents == 6 and summary.members == 8 and summary.response_rate == 0.75
    support, influence, discuss = summary.platform
    assert (support.id, support.distribution, support.share_yes, support.share_yes_or_partly) == ("eval_support", (3, 1, 2), 0.5, 4 / 6)
    assert (influence.distribution, influence.share_yes, influence.share_yes_or_partly) == ((1, 3, 2), 1 / 6, 4 / 6)
    assert (discuss.distribution, discuss.share_yes, discuss.share_yes_or_partly) == ((3, 2, 1), 0.5, 5 / 6)
    hard, much, fast = summary.nea
    assert (hard.id, hard.share_before, hard.share_often, hard.distribution) == ("nea_hard", 5 / 7, 2 / 6, (1, 1, 3, 1))
    assert (much.share_before, much.share_often) == (4 / 7, 3 / 6)
    assert (fast.share_before, fast.share_often) == (2 / 7, 1 / 6)
    assert summary.high_workload_before == 4 / 7 and summary.high_workload_share == 2 / 6
    assert (summary.reference.value, summary.reference.year, summary.reference.sector) == (45.0, 2022, "po")
    first, second = summary.measures
    assert (first.index, first.title, first.distribution, first.verdict) == (0, "onderwijsassistent", (3, 2, 1), "geholpen")
    assert (second.title, second.distribution, second.verdict) == ("Conciërge <b>& co", (0, 2, 4), "niet_geholpen")
    assert (summary.sick_leave_before, summary.sick_leave_now) == (6.4, 5.1)
    assert summary.standing == "goed_bezig" and summary.weak_questions == ()


def test_without_a_released_baseline_there_is_no_before():
    """No baseline, or one below its threshold: every 'before' is None, and no rise can be seen."""
    for baseline in (None, _baseline(BASE_ROWS[:3])):
        summary = _summary(baseline=baseline)
        assert summary.high_workload_before is None and all(item.share_before is None for item in summary.nea)
        assert summary.high_workload_share == 2 / 6 and summary.standing == "goed_bezig"


def test_unreleased_evaluation_keeps_nothing_derived_from_answers():
    """Four respondents under a threshold of five: counts, thresholds and the leader's figures only."""
    summary = _summary(rows=ROWS[:4], texts=[("free_eval", "mijn geheim")] * 9, sick_leave=(6.0, None))
    assert not summary.released and summary.respondents == 4 and summary.response_rate == 0.5
    empty = EvaluationSummary(4, 8, False, 0.5, 5, 5, 6.0, None)
    assert summary == empty
    data = json.loads(json.dumps(summary.to_dict()))
    assert "geheim" not in json.dumps(data)
    assert data["platform"] == data["nea"] == data["measures"] == data["free_texts"] == data["weak_questions"] == []
    assert data["standing"] is None and data["high_workload_share"] is None and data["high_workload_before"] is None
    assert data["reference"] is None and data["free_texts_withheld"] == 0


def test_round_trip_through_json():
    """to_dict -> JSON -> from_dict gives the same summary, released or not."""
    texts = [("free_eval", f"antwoord {i}") for i in range(5)]
    for summary in (_summary(texts=texts, sick_leave=(6.4, 5.1)), _summary(rows=ROWS[:2])):
        assert EvaluationSummary.from_dict(json.loads(json.dumps(summary.to_dict()))) == summary


def test_open_answers_need_their_own_threshold_and_are_shuffled():
    """Below the free-text threshold only the count is kept; at it, all answers in a shuffled order."""
    texts = [("free_eval", f"antwoord {i}") for i in range(5)] + [("free_help", "andere vraag")]
    withheld = _summary(texts=texts, thresholds=Thresholds(5, 6))
    assert withheld.free_texts == () and withheld.free_texts_withheld == 5
    shown = _summary(texts=texts, thresholds=Thresholds(5, 5), rng=random.Random(3))
    assert sorted(shown.free_texts) == [f"antwoord {i}" for i in range(5)] and shown.free_texts_withheld == 0
    orders = {_summary(texts=texts, rng=random.Random(seed)).free_texts for seed in range(10)}
    assert len(orders) > 1


@pytest.mark.parametrize(
    "counts,verdict",
    [
        ((2, 1, 1), "geholpen"),  # ja the largest share
        ((1, 0, 0), "geholpen"),
        ((2, 2, 0), "deels"),  # a tie is not a clear yes; ja + deels = 100%
        ((2, 0, 2), "deels"),  # tie, and ja + deels exactly half
        ((1, 1, 2), "deels"),  # exactly half
        ((0, 3, 1), "deels"),
        ((2, 0, 3), "niet_geholpen"),  # 40%
        ((1, 2, 4), "niet_geholpen"),  # 3/7 just under half
        ((0, 0, 1), "niet_geholpen"),
        ((0, 0, 0), None),
    ],
)
def test_measure_verdict_at_its_boundaries(counts, verdict):
    """geholpen when ja is largest; deels when ja + deels is at least half; else niet_geholpen."""
    assert measure_verdict(counts) == verdict


@pytest.mark.parametrize(
    "platform,now,before,expected",
    [
        ([0.6, 0.6, 0.6], 0.5, 0.5, "goed_bezig"),  # every question exactly 60%, no rise
        ([0.6, 0.6, 0.6], 0.4, 0.5, "goed_bezig"),  # workload fell
        ([0.6, 0.6, 0.6], 0.5, None, "goed_bezig"),  # no baseline: no rise can be seen
        ([0.6, 0.6, 3 / 5 - 0.01], 0.5, 0.5, "op_de_goede_weg"),  # one question just under 60%
        ([0.9, 0.9, 0.9], 0.5 + 1 / 12, 0.5, "op_de_goede_weg"),  # rose, but by less than 10 points
        ([0.9, 0.9, 0.9], 0.6, 0.5, "aandacht_nodig"),  # rose by exactly 10 points (0.6 - 0.5 < 0.1 in floats)
        ([0.4, 0.9, 0.9], 0.5, 0.5, "op_de_goede_weg"),  # exactly 40% is not under 40%
        ([0.39, 0.9, 0.9], 0.2, 0.5, "aandacht_nodig"),  # under 40%, although workload fell
        ([0.9, None, 0.9], 0.5, 0.5, "op_de_goede_weg"),  # an unanswered question is not 'at least 60%'
        ([], None, None, "op_de_goede_weg"),
    ],
)
def test_standing_rules_at_their_boundaries(platform, now, before, expected):
    """The first matching rule of evaluation.toml decides; otherwise 'op de goede weg'."""
    assert standing(platform, now, before) == expected


def test_standing_and_tips_from_answers():
    """Five answers: 2/5 ja-or-deels on 'bespreekbaar' is weak (tips) but not under 40%; 1/5 is."""
    def rows(discuss):
        return [((2, 2, 2), (3, 3, d), (3, 3)) for d in discuss]

    middle = _summary(rows=rows([3, 2, 1, 1, 1]))
    assert middle.platform[2].share_yes_or_partly == 0.4
    assert middle.standing == "op_de_goede_weg" and middle.weak_questions == ("eval_discuss",)
    low = _summary(rows=rows([3, 1, 1, 1, 1]))
    assert low.standing == "aandacht_nodig" and low.weak_questions == ("eval_discuss",)
    good = _summary(rows=rows([3, 2, 2, 1, 1]))
    assert good.standing == "goed_bezig" and good.weak_questions == ()
    assert "Zet werkdruk vast op de agenda van het teamoverleg." in tips("eval_discuss", "nl")
    assert all(tips(q, "en") and len(tips(q, "en")) == len(tips(q, "nl")) for q in ("eval_support", "eval_influence", "eval_discuss"))


def test_high_workload_rise_of_ten_points_needs_attention():
    """Baseline 2/5 high -> now 3/6 is +10 points exactly: aandacht nodig despite good platform answers."""
    baseline = _baseline([(4, 4, 4), (3, 3, 2), (1, 1, 1), (2, 2, 2), (2, 2, 1)])
    rows = [((4, 4, 4), (3, 3, 3), (3, 3)), ((3, 3, 2), (3, 3, 3), (3, 3)), ((3, 3, 3), (3, 3, 3), (3, 3)),
            ((1, 1, 1), (3, 3, 3), (3, 3)), ((2, 2, 2), (3, 3, 3), (3, 3)), ((2, 2, 1), (3, 3, 3), (3, 3))]
    summary = _summary(rows=rows, baseline=baseline)
    assert (summary.high_workload_before, summary.high_workload_share) == (0.4, 0.5)
    assert summary.standing == "aandacht_nodig"


def test_rules_are_data_and_every_condition_is_known():
    """The standing rules and tips live in evaluation.toml; an unknown condition is an error, not ignored."""
    data = load("evaluation")
    assert data["standing"]["default"] == "op_de_goede_weg"
    assert {rule["standing"] for rule in data["standing"]["rules"]} == {"goed_bezig", "aandacht_nodig"}
    known = {"standing", "any_platform_below", "all_platform_at_least", "high_workload_rise_at_least", "high_workload_rise_at_most"}
    assert all(set(rule) <= known for rule in data["standing"]["rules"])


@pytest.mark.parametrize("bad", [{"eval_support": 4}, {"measure:0": 0}, {"eval_discuss": True}])
def test_answers_off_the_scale_are_errors(bad):
    """A value the agreement scale does not have is refused, not counted."""
    scores = _scores()
    scores[0].update(bad)
    with pytest.raises(ValueError):
        summarise_evaluation(QUESTIONS, scores, [], 8, Thresholds(5, 5), None, MEASURES)


@pytest.mark.parametrize("sick_leave", [(-1.0, 5.0), (5.0, 100.5)])
def test_sick_leave_must_be_a_percentage(sick_leave):
    """The leader's figures are percentages between 0 and 100."""
    with pytest.raises(ValueError):
        _summary(sick_leave=sick_leave)

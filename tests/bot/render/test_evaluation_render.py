"""The evaluation, pulse and trend as Telegram sees them: valid HTML within limits, exact figures, escaped
user text, nothing from an unreleased round; the charts are phone-sized PNGs, fast, and refuse empty input."""

import random
import struct
import time

import pytest

from bot.render.charts_trend import evaluation_chart, trend_chart
from bot.render.evaluation_render import evaluation_caption, render_evaluation, render_pulse, render_trend, trend_caption
from bot.sandbox.html_check import check_text, utf16_len
from flows.analysis import Thresholds
from flows.evaluation import NEA_IDS, evaluation_questions, summarise_evaluation
from flows.pulse import pulse_questions, summarise_pulse
from flows.trend import TrendPoint
from tests.flows.test_evaluation import MEASURES, QUESTIONS, ROWS, _baseline, _scores, _summary

NASTY = "<b>&amp; \u202eevil"
PNG = b"\x89PNG\r\n\x1a\n"


def _valid(message: str, limit: int = 4096) -> str:
    """The plain text Telegram would show; fails if Telegram would refuse the message."""
    plain, entities = check_text(message, "HTML")
    assert plain.strip() and utf16_len(plain) <= limit and len(entities) <= 100
    return plain


def _pulse(rows=ROWS, texts=(), thresholds=Thresholds(5, 5)):
    scores = [dict(zip(NEA_IDS, n)) for n, _, _ in rows]
    return summarise_pulse(pulse_questions(), scores, list(texts), 8, thresholds, random.Random(0))


@pytest.mark.parametrize("language", ["nl", "en"])
def test_evaluation_shows_the_exact_figures(language):
    """Response, platform shares, NEA and high workload before -> now, verdicts, sick leave, standing."""
    messages = render_evaluation(_summary(sick_leave=(6.4, 5.1)), language, "De Klimop")
    assert len(messages) == 1
    plain = _valid(messages[0])
    if language == "nl":
        assert "6 van de 8 collega's hebben de evaluatie ingevuld (75%)" in plain
        assert "Jullie zijn goed bezig" in plain
        assert "Ervaar je steun van collega's en leidinggevenden?\n   50% ja · 67% ja of deels · ja 3 · deels 1 · nee 2" in plain
        assert "Moet je extra hard werken om iets af te krijgen? 71% → 33%" in plain
        assert "Moet je heel veel werk doen? 57% → 50%" in plain
        assert "bij de analyse 57% → nu 33% · landelijk po 45,0% (NEA 2022)" in plain
        assert "NEA (TNO/CBS), via OCW in cijfers" in plain
        assert "• onderwijsassistent: geholpen\n   ja 3 · deels 2 · nee 1" in plain
        assert "niet geholpen\n   ja 0 · deels 2 · nee 4" in plain
        assert "Ziekteverzuim (opgegeven door de teamleider): 6,4% → 5,1%" in plain
        assert "Niemand heeft de open vraag beantwoord." in plain
    else:
        assert "6 of 8 colleagues completed the evaluation (75%)" in plain
        assert "You are doing well" in plain
        assert "at the analysis 57% → now 33% · national primary education 45.0% (NEA 2022)" in plain
        assert "• onderwijsassistent: helped\n   yes 3 · partly 2 · no 1" in plain
        assert "Sick leave (entered by the team leader): 6.4% → 5.1%" in plain


def test_without_baseline_only_now_and_no_sick_leave_line():
    """No analysis to compare with: 'now' figures only, said plainly; no sick-leave line when none given."""
    plain = _valid(render_evaluation(_summary(baseline=None), "nl", "T")[0])
    assert "geen analyse met uitkomsten om mee te vergelijken" in plain and "→" not in plain
    assert "nu 33% · landelijk po 45,0%" in plain and "Ziekteverzuim" not in plain
    one_sided = _valid(render_evaluation(_summary(sick_leave=(None, 4.0)), "en", "T")[0])
    assert "Sick leave (entered by the team leader): – → 4.0%" in one_sided


@pytest.mark.parametrize("standing,rows,text,tip", [
    ("op_de_goede_weg", [((2, 2, 2), (3, 3, d), (3, 3)) for d in (3, 2, 1, 1, 1)], "Op de goede weg", True),
    ("aandacht_nodig", [((2, 2, 2), (3, 3, d), (3, 3)) for d in (3, 1, 1, 1, 1)], "Hier is aandacht nodig", True),
])
def test_standing_in_plain_words_with_tips(standing, rows, text, tip):
    """The standing in plain words, and the tips for the weak question."""
    summary = _summary(rows=rows)
    assert summary.standing == standing
    plain = _valid(render_evaluation(summary, "nl", "T")[0])
    assert text in plain
    assert ("Tips bij: Is werkdruk bespreekbaar?\n• Zet werkdruk vast op de agenda van het teamoverleg." in plain) is tip


@pytest.mark.parametrize("language", ["nl", "en"])
def test_unreleased_evaluation_says_only_that_there_were_too_few(language):
    """Counts and how many are needed; no figure, verdict, title, standing or answer."""
    summary = _summary(rows=ROWS[:3], texts=[("free_eval", "geheim")] * 9, sick_leave=(6.4, 5.1))
    messages = render_evaluation(summary, language, "De Klimop")
    assert len(messages) == 1
    plain = _valid(messages[0])
    assert ("minstens 5 nodig" if language == "nl" else "at least 5 are needed") in plain
    assert plain.count("%") == 1 and "38%" in plain  # only the response rate, 3 of 8
    for absent in ("geheim", "onderwijsassistent", "6,4", "6.4", "→", "bezig", "doing well"):
        assert absent not in plain
    with pytest.raises(ValueError):
        evaluation_caption(summary, language)
    with pytest.raises(ValueError):
        evaluation_chart(summary, language)


def test_user_text_is_escaped():
    """Team name, measure titles and open answers with <b>& arrive as text, never as markup."""
    texts = [("free_eval", NASTY)] * 5
    summary = summarise_evaluation(evaluation_questions([NASTY, "x"]), _scores(), texts, 8, Thresholds(5, 5), _baseline(),
                                   [NASTY, "x"], rng=random.Random(0))
    for language in ("nl", "en"):
        messages = render_evaluation(summary, language, NASTY)
        joined = "".join(messages)
        assert "&lt;b&gt;&amp;amp; " in joined and "<b>&amp; " not in joined and "\u202e" not in joined
        plain = "".join(_valid(m) for m in messages)
        assert plain.count("<b>&amp; ") == 1 + 1 + 5  # team name, the measure, five answers
        pulse = _pulse(texts=[("free_pulse", NASTY)] * 5)
        assert "".join(_valid(m) for m in render_pulse(pulse, language, NASTY)).count("<b>&amp; ") == 1 + 5
        point = TrendPoint(NASTY, "2024-01-01", "pulse", 5, 0.5, 0.5)
        assert _valid(render_trend([point], language, NASTY)).count("<b>&amp; ") == 2


@pytest.mark.parametrize("language", ["nl", "en"])
def test_many_measures_and_long_answers_split_into_valid_messages(language):
    """Forty long measure titles and sixty long answers: several messages, each valid, none lost."""
    measures = [f"maatregel {i} " + "&<>" * 100 for i in range(40)]
    rng = random.Random(4)
    questions = evaluation_questions(measures)
    scores = [{q.id: rng.choice(q.options("nl"))[0] for q in questions if q.kind != "free_text"} for _ in range(60)]
    texts = [("free_eval", f"antwoord-{i:02d}: " + ("werkdruk & <zorg> " * 60)[:990]) for i in range(60)] + [("free_eval", "&" * 9000)]
    summary = summarise_evaluation(questions, scores, texts, 70, Thresholds(5, 10), None, measures, rng=random.Random(1))
    messages = render_evaluation(summary, language, "Team")
    assert len(messages) > 5
    joined = "\n".join(_valid(m) for m in messages)
    assert all(f"maatregel {i} " in joined for i in range(40))
    positions = [joined.index(text[:40]) for text in summary.free_texts if not text.startswith("&&")]
    assert len(positions) == 60 and positions == sorted(positions)
    assert "ingekort" in joined or "shortened" in joined


def test_withheld_open_answers_show_only_their_count():
    """Below the free-text threshold: the count and the reason, never the text."""
    plain = _valid(render_evaluation(_summary(texts=[("free_eval", "mijn geheim")] * 3, thresholds=Thresholds(5, 10)), "nl", "T")[0])
    assert "mijn geheim" not in plain and "3 antwoorden, niet getoond" in plain and "vanaf 10 antwoorden" in plain


@pytest.mark.parametrize("language", ["nl", "en"])
def test_pulse(language):
    """The pulse's shares, their mean and high workload beside the national figure; unreleased says why."""
    plain = _valid(render_pulse(_pulse(texts=[("free_pulse", f"regel {i}") for i in range(5)]), language, "T")[0])
    if language == "nl":
        assert "Moet je extra hard werken om iets af te krijgen? 33%" in plain
        assert "Gemiddeld over de drie vragen: 33%" in plain
        assert "in jullie team 33% · landelijk po 45,0% (NEA 2022)" in plain
    else:
        assert "Mean over the three questions: 33%" in plain and "national primary education 45.0% (NEA 2022)" in plain
    assert all(f"“regel {i}”" in plain for i in range(5))
    withheld = _valid(render_pulse(_pulse(rows=ROWS[:2], texts=[("free_pulse", "geheim")] * 5), language, "T")[0])
    assert "geheim" not in withheld and withheld.count("%") == 1


def _points(count: int) -> list[TrendPoint]:
    kinds = ["analysis", "pulse", "pulse", "evaluation"]
    return [TrendPoint("" if i % 3 else f"ronde {i}", f"{2020 + i // 12}-{i % 12 + 1:02d}-15", kinds[i % 4], 5 + i % 7,
                       0.3 + (i % 10) / 50, None if i == 2 else 0.4 - (i % 10) / 60) for i in range(count)]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_trend_lists_each_round(language):
    """Date, kind, respondents, NEA altijd+vaak and high workload per round; the national figure."""
    plain = _valid(render_trend(_points(3), language, "T"))
    if language == "nl":
        assert "15-01-2020 · analyse (ronde 0) · 5 · 30% · 40%" in plain
        assert "15-03-2020 · peiling · 7 · 34% · –" in plain
        assert "Landelijk po: 45,0% hoge werkdruk (NEA 2022)." in plain
    else:
        assert "15/02/2020 · pulse · 6 · 32% · 38%" in plain
    repeated = TrendPoint("Peiling" if language == "nl" else "Pulse", "2024-01-01", "pulse", 5, 0.5, 0.5)
    assert "(" not in _valid(render_trend([repeated], language, "T")).split("\n")[3]  # a label that repeats the kind
    caption = _valid(trend_caption(_points(3), language), 1024)
    assert ("15-01-2020 tot 15-03-2020" if language == "nl" else "15/01/2020 to 15/03/2020") in caption


def test_empty_trend_says_there_is_no_data_yet():
    """No released round: 'nog geen gegevens'; caption and chart refuse."""
    assert "Nog geen gegevens" in _valid(render_trend([], "nl", "T"))
    assert "No data yet" in _valid(render_trend([], "en", "T"))
    with pytest.raises(ValueError):
        trend_caption([], "nl")
    with pytest.raises(ValueError):
        trend_chart([], "nl")


def test_a_long_trend_keeps_the_newest_rounds_in_one_message():
    """Three hundred rounds: one valid message with the newest ones and a note on the rest."""
    points = _points(300)
    plain = _valid(render_trend(points, "nl", "T" * 200))
    assert "oudere metingen passen niet in dit bericht" in plain and "15-12-2044" in plain


@pytest.mark.parametrize("language", ["nl", "en"])
def test_evaluation_caption_is_short_and_valid(language):
    """Respondents and the national figure, within 1024 units; with or without a baseline."""
    for summary in (_summary(), _summary(baseline=None)):
        plain = _valid(evaluation_caption(summary, language), 1024)
        assert "6" in plain and ("45,0%" in plain if language == "nl" else "45.0%" in plain)


def _size(png: bytes) -> tuple[int, int]:
    assert png[:8] == PNG
    return struct.unpack(">II", png[16:24])


def test_charts_are_phone_sized_pngs_and_fast():
    """About 1000x700 px; each renders in well under a second after warm-up (measured: see the report)."""
    summary, no_baseline = _summary(), _summary(baseline=None)
    points = _points(40)
    for render in (lambda: evaluation_chart(summary, "nl"), lambda: evaluation_chart(no_baseline, "en"),
                   lambda: trend_chart(points, "nl"), lambda: trend_chart(points[:1], "en")):
        assert _size(render()) == (1000, 700)
        start = time.perf_counter()
        render()
        assert time.perf_counter() - start < 1.0


def test_trend_chart_with_missing_figures_and_one_day():
    """Points without figures, and all points on one day, still draw without warnings."""
    points = [TrendPoint("", "2024-01-01", "pulse", 5, None, None), TrendPoint("", "2024-01-01", "analysis", 5, 0.5, None)]
    assert _size(trend_chart(points, "nl")) == (1000, 700)


def test_evaluation_chart_of_a_round_without_nea_answers():
    """An evaluation whose questions lacked the NEA items still draws (no bars, the national line)."""
    questions = [q for q in evaluation_questions(MEASURES) if q.kind != "frequency"]
    summary = summarise_evaluation(questions, _scores(), [], 8, Thresholds(5, 5), None, MEASURES)
    assert summary.nea == () and summary.high_workload_share is None
    assert _size(evaluation_chart(summary, "en")) == (1000, 700)
    [_valid(m) for m in render_evaluation(summary, "en", "T")]
    assert QUESTIONS  # the shared fixtures are importable

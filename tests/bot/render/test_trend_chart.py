"""The trend chart stays readable when rounds fall close together: every round has its own x position,
and no date or kind label is drawn over another; rounds far apart stay on a time axis."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

import bot.render.charts_trend as charts_trend
from flows.trend import TrendPoint

START = dt.date(2026, 9, 7)
CASES = {
    "three rounds on one day": [(START, kind) for kind in ("analysis", "evaluation", "pulse")],
    "days apart, then months": [(START, "analysis"), (START + dt.timedelta(days=3), "pulse"),
                                (START + dt.timedelta(days=7), "pulse"), (dt.date(2027, 5, 6), "evaluation"),
                                (dt.date(2027, 6, 10), "pulse")],
    "forty weekly pulses": [(START + dt.timedelta(weeks=i), "pulse") for i in range(40)],
}


def _drawn(monkeypatch, rounds: list[tuple[dt.date, str]], language: str = "nl"):
    """Render the chart of ``rounds`` and return its drawn figure (captured where the PNG is written)."""
    figures = []
    monkeypatch.setattr(charts_trend, "_png", lambda figure: figures.append(figure) or b"")
    points = [TrendPoint("", day.isoformat(), kind, 6, 0.3 + (i % 5) / 10, 0.2 + (i % 3) / 10)
              for i, (day, kind) in enumerate(rounds)]
    charts_trend.trend_chart(points, language)
    figure = figures[0]
    figure.canvas.draw()
    return figure


def _overlapping(texts, renderer) -> list[tuple[str, str]]:
    boxes = [(text.get_text(), text.get_window_extent(renderer)) for text in texts if text.get_text()]
    return [(a, b) for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2) if box_a.overlaps(box_b)]


@pytest.mark.parametrize("case", CASES)
def test_each_round_has_its_own_position_and_no_labels_overlap(monkeypatch, case):
    """Rounds on one day, days apart or weekly: distinct x positions, the date labels and the round kinds
    drawn without overlapping each other, and every date label names the date of the round under it."""
    rounds = CASES[case]
    figure = _drawn(monkeypatch, rounds)
    axes, renderer = figure.axes[0], figure.canvas.get_renderer()
    xs = list(axes.lines[0].get_xdata())  # the line through every round
    assert len(set(xs)) == len(rounds)
    assert _overlapping(axes.get_xticklabels(), renderer) == []
    assert _overlapping(axes.texts, renderer) == []
    dates = {x: day.strftime("%d-%m-%Y") for x, (day, _) in zip(xs, rounds)}
    labels = [(tick, label.get_text()) for tick, label in zip(axes.get_xticks(), axes.get_xticklabels())]
    assert labels and all(dates[tick] == text for tick, text in labels)


def test_rounds_far_apart_are_drawn_on_a_time_axis():
    """An analysis, an evaluation eight months later and a pulse a month after that: positions follow the
    dates (the gap of eight months looks longer than the month)."""
    days = [START.toordinal(), dt.date(2027, 5, 6).toordinal(), dt.date(2027, 6, 10).toordinal()]
    xs, by_date = charts_trend.trend_positions(days)
    assert by_date and xs == [float(day) for day in days]

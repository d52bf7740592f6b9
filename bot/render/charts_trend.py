"""Charts of an evaluation (before and now) and of the trend across rounds, headless PNG bytes.

Rendered with ``Figure`` + ``FigureCanvasAgg`` (no pyplot global state), about 1000x700 px. All drawn
text is the bot's own (from the text catalogues) or a round kind: no user-typed text is drawn.
"""

from __future__ import annotations

import datetime as dt
import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from bot.render.charts import DPI, HEIGHT_PX, WIDTH_PX
from bot.texts.i18n import DEFAULT_LANGUAGE, LANGUAGES, catalogue
from bot.render.summary_render import percent, percent1
from flows.analysis import national_reference
from flows.evaluation import EvaluationSummary
from flows.trend import TrendPoint

BEFORE, NOW, NATIONAL = "#b8c4cf", "#c8553d", "#264653"
OFTEN, HIGH = "#2a9d8f", "#c8553d"
MARKERS = {"analysis": "o", "evaluation": "s", "pulse": "^"}


def _text(language: str, key: str, **values: object) -> str:
    """A plain chart text from the catalogue (no HTML escaping: it is drawn, not sent)."""
    return catalogue(language)[key].format(**values)


def _figure() -> Figure:
    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
    FigureCanvasAgg(figure)
    return figure


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, pil_kwargs={"compress_level": 1})  # fast; size is fine
    return buffer.getvalue()


def _titles(figure: Figure, title: str, subtitle: str) -> None:
    figure.text(0.02, 1 - 28 / HEIGHT_PX, title, fontsize=18, fontweight="bold", va="center", parse_math=False)
    figure.text(0.02, 1 - 58 / HEIGHT_PX, subtitle, fontsize=12, color="#444444", va="center", parse_math=False)


def _percent_axis(axes) -> None:
    axes.set_ylim(0, 105)
    axes.set_yticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"], fontsize=11)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.grid(axis="y", color="#e5e5e5", linewidth=0.8)
    axes.set_axisbelow(True)


def evaluation_chart(summary: EvaluationSummary, language: str) -> bytes:
    """Bars per NEA item and for high workload: at the analysis (when a released baseline exists) and now,
    with the national po figure as a line over the high-workload bars. ValueError if unreleased."""
    if not summary.released:
        raise ValueError("the results of this round were not released")
    language = language if language in LANGUAGES else DEFAULT_LANGUAGE
    labels = [_text(language, f"evaluation_chart_{item.id}") if f"evaluation_chart_{item.id}" in catalogue(language) else item.id
              for item in summary.nea] + [_text(language, "evaluation_chart_high")]
    now = [item.share_often for item in summary.nea] + [summary.high_workload_share]
    before = [item.share_before for item in summary.nea] + [summary.high_workload_before]
    with_before = any(value is not None for value in before)

    figure = _figure()
    _titles(figure, _text(language, "evaluation_chart_title"), _text(language, "evaluation_chart_subtitle", n=summary.respondents))
    axes = figure.add_axes((0.08, 0.1, 0.9, 0.7))
    width = 0.38 if with_before else 0.6
    for index, (old, new) in enumerate(zip(before, now)):
        bars = [(index - width / 2, old, BEFORE), (index + width / 2, new, NOW)] if with_before else [(index, new, NOW)]
        for x, value, colour in bars:
            if value is None:
                continue
            axes.bar(x, value * 100, width=width * 0.95, color=colour)
            axes.text(x, value * 100 + 1.5, percent(value, language), ha="center", va="bottom", fontsize=12,
                      fontweight="bold" if colour == NOW else "normal")

    reference = summary.reference or national_reference()[0]
    high = len(labels) - 1
    national = _text(language, "evaluation_chart_national", value=percent1(reference.value, language), year=reference.year)
    axes.hlines(reference.value, high - 0.48, high + 0.48, colors=NATIONAL, linestyles="dashed", linewidth=2.5)
    axes.set_xticks(range(len(labels)), labels, fontsize=12)
    axes.set_xlim(-0.6, len(labels) - 0.4)
    _percent_axis(axes)

    handles = [Line2D([], [], color=NOW, linewidth=10, label=_text(language, "evaluation_chart_now")),
               Line2D([], [], color=NATIONAL, linestyle="dashed", linewidth=2.5, label=national)]
    if with_before:
        handles.insert(0, Line2D([], [], color=BEFORE, linewidth=10, label=_text(language, "evaluation_chart_before")))
    figure.legend(handles=handles, loc="lower center", ncols=len(handles), frameon=False, fontsize=11,
                  bbox_to_anchor=(0.5, 1 - 115 / HEIGHT_PX), bbox_transform=figure.transFigure, borderaxespad=0)
    return _png(figure)


AXES_TREND = (0.08, 0.14, 0.9, 0.62)  # left, bottom, width, height (figure fractions)
LABEL_PX = 110  # room a date label needs along the x axis (rotated 20 degrees)
KIND_PX = 70  # room a round's kind needs above its point
MIN_GAP_PX = 30  # closer than this, two rounds drawn by date would sit on one another


def trend_positions(days: list[int]) -> tuple[list[float], bool]:
    """x positions of the rounds (``days``: date ordinals, oldest first) and whether they follow the dates:
    by date when every two successive rounds lie far enough apart to tell them apart, else evenly spaced in
    their order, so rounds close together (or on one day) never share a position."""
    span = max(days) - min(days)
    if span > 0:
        pad = max(span * 0.06, 15)
        px_per_day = WIDTH_PX * AXES_TREND[2] / (span + 2 * pad)
        if all((b - a) * px_per_day >= MIN_GAP_PX for a, b in zip(days, days[1:])):
            return [float(day) for day in days], True
    return [float(index) for index in range(len(days))], len(days) == 1


def _spaced(xs: list[float], px_per_unit: float, room: float) -> list[int]:
    """Indexes of the positions to label, left to right, each at least ``room`` pixels from the previous."""
    chosen: list[int] = []
    for index, x in enumerate(xs):
        if not chosen or (x - xs[chosen[-1]]) * px_per_unit >= room:
            chosen.append(index)
    return chosen


def trend_chart(points: list[TrendPoint], language: str) -> bytes:
    """The trend as PNG bytes (see :func:`trend_figure`)."""
    return _png(trend_figure(points, language))


def trend_figure(points: list[TrendPoint], language: str) -> Figure:
    """Lines of ``nea_often`` and ``high_workload`` over time (one marker shape per round kind, points labelled
    with their kind where there is room), the national po figure dashed. Rounds close together are spread
    evenly, each with its date, so no two share a position and no labels overlap. ValueError without points."""
    if not points:
        raise ValueError("there is no released round to show")
    language = language if language in LANGUAGES else DEFAULT_LANGUAGE
    dates = [dt.date.fromisoformat(p.day) for p in points]
    days, by_date = trend_positions([d.toordinal() for d in dates])
    figure = _figure()
    _titles(figure, _text(language, "trend_chart_title"), _text(language, "trend_chart_subtitle"))
    axes = figure.add_axes(AXES_TREND)

    for attribute, colour in (("nea_often", OFTEN), ("high_workload", HIGH)):
        xs = [x for x, p in zip(days, points) if getattr(p, attribute) is not None]
        ys = [getattr(p, attribute) * 100 for p in points if getattr(p, attribute) is not None]
        axes.plot(xs, ys, color=colour, linewidth=2.5)
        for kind, marker in MARKERS.items():
            kx = [x for x, p in zip(days, points) if p.kind == kind and getattr(p, attribute) is not None]
            ky = [getattr(p, attribute) * 100 for p in points if p.kind == kind and getattr(p, attribute) is not None]
            if kx:
                axes.plot(kx, ky, linestyle="none", marker=marker, markersize=9, color=colour)

    span = max(days) - min(days)
    pad = max(span * 0.06, 15) if by_date else 0.5
    axes.set_xlim(min(days) - pad, max(days) + pad)
    px_per_unit = WIDTH_PX * AXES_TREND[2] / (span + 2 * pad)
    for index in _spaced(days, px_per_unit, KIND_PX):  # the kind above the higher of its two values
        point = points[index]
        values = [v * 100 for v in (point.nea_often, point.high_workload) if v is not None]
        if values:
            axes.annotate(_text(language, f"trend_kind_{point.kind}"), (days[index], max(values)), xytext=(0, 10),
                          textcoords="offset points", ha="center", fontsize=9, color="#444444")

    reference = national_reference()[0]
    national = _text(language, "trend_chart_national", value=percent1(reference.value, language), year=reference.year)
    axes.axhline(reference.value, color=NATIONAL, linestyle="dashed", linewidth=1.8)

    fmt = "%d-%m-%Y" if language == "nl" else "%Y-%m-%d"
    ticks = _spaced(days, px_per_unit, LABEL_PX)
    axes.set_xticks([days[i] for i in ticks], [dates[i].strftime(fmt) for i in ticks], fontsize=10, rotation=20, ha="right")
    _percent_axis(axes)

    handles = [Line2D([], [], color=OFTEN, linewidth=2.5, label=_text(language, "trend_chart_often")),
               Line2D([], [], color=HIGH, linewidth=2.5, label=_text(language, "trend_chart_high")),
               Line2D([], [], color=NATIONAL, linestyle="dashed", linewidth=1.8, label=national)]
    handles += [Line2D([], [], color="#666666", marker=marker, linestyle="none", markersize=8, label=_text(language, f"trend_kind_{kind}"))
                for kind, marker in MARKERS.items() if any(p.kind == kind for p in points)]
    figure.legend(handles=handles, loc="lower center", ncols=3, frameon=False, fontsize=10,
                  bbox_to_anchor=(0.5, 1 - 150 / HEIGHT_PX), bbox_transform=figure.transFigure, borderaxespad=0)
    return figure

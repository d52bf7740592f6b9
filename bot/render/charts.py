"""Charts of a released analysis, rendered headless (Agg, no pyplot global state) as PNG bytes."""

from __future__ import annotations

import io
import textwrap
from functools import cache

from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font
from matplotlib.patches import Patch

from bot.texts.i18n import DEFAULT_LANGUAGE, LANGUAGES
from bot.render.summary_render import decimal1
from flows.analysis import AnalysisSummary
from flows.catalogue import load

# geen, een beetje, veel, heel veel: light and cool for little workload, dark and warm for much.
COLOURS = ("#d9e6f2", "#9ecae1", "#f4a261", "#c8553d")
TITLES = {
    "nl": ("Bronnen van werkdruk", "{n} collega's · gemiddelde werkdruk 0–3 en verdeling van de antwoorden"),
    "en": ("Sources of workload", "{n} colleagues · mean pressure 0–3 and how the answers are spread"),
}
EMPTY = {"nl": "Geen bronnen van werkdruk beantwoord in deze ronde.", "en": "No sources of workload were answered in this round."}
WIDTH_PX, HEIGHT_PX, DPI = 1000, 700, 100
MAX_LABEL = 28
_BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
ROW_PX = 48  # room for a two-line label


@cache
def _charmap() -> frozenset[int]:
    """The code points the default font can draw (matplotlib warns about, and boxes, the others)."""
    return frozenset(FT2Font(font_manager.findfont(font_manager.FontProperties())).get_charmap())


def _drawable(label: str) -> str:
    """A user-typed label made safe to draw: bidi controls removed, characters without a glyph as "?"."""
    chars = _charmap()
    return "".join(ch if ch.isspace() or ord(ch) in chars else "?" for ch in label.translate(_BIDI_CONTROLS))


def _wrap(label: str) -> str:
    lines = textwrap.wrap(label, MAX_LABEL)[:2] or [""]
    if len(textwrap.wrap(label, MAX_LABEL)) > 2:
        lines[-1] = lines[-1][: MAX_LABEL - 1] + "…"
    return "\n".join(lines)


def sources_chart(summary: AnalysisSummary, language: str) -> bytes:
    """Horizontal stacked bars (share of each answer) per source, highest mean pressure on top, with the
    mean written beside each bar (a short notice when no source was answered). Raises ValueError for a
    summary whose results were not released."""
    if not summary.released:
        raise ValueError("the results of this round were not released")
    sources = [s for s in summary.sources if s.mean is not None]
    language = language if language in LANGUAGES else DEFAULT_LANGUAGE
    legend = load("analysis")["scales"]["pressure"][language]
    title, subtitle = TITLES[language]
    if not sources:
        return _empty_chart(title, EMPTY[language])

    height = max(HEIGHT_PX, 150 + ROW_PX * len(sources))
    figure = Figure(figsize=(WIDTH_PX / DPI, height / DPI), dpi=DPI)
    FigureCanvasAgg(figure)
    # Pixel layout from the top: title, subtitle, legend, then the bars; room for the means on the right.
    axes = figure.add_axes((0.3, 50 / height, 0.6, 1 - 175 / height))

    # One collection for all bar segments and plain texts for the labels: far cheaper than barh + ticks.
    rows = len(sources)
    boxes, colours = [], []
    for row, source in enumerate(sources):
        y, left, total = rows - 1 - row, 0.0, max(1, sum(source.distribution))  # first source on top
        for count, colour in zip(source.distribution, COLOURS):
            width = count / total
            if width:
                boxes.append([(left, y - 0.35), (left + width, y - 0.35), (left + width, y + 0.35), (left, y + 0.35)])
                colours.append(colour)
            left += width
        axes.text(-0.02, y, _wrap(_drawable(source.label(language))), transform=axes.get_yaxis_transform(),
                  ha="right", va="center", fontsize=12, parse_math=False)
        axes.text(1.02, y, decimal1(source.mean, language), va="center", ha="left", fontsize=13, fontweight="bold")
    axes.add_collection(PolyCollection(boxes, facecolors=colours, edgecolors="white", linewidths=0.5))

    axes.set_xlim(0, 1)
    axes.set_ylim(-0.6, rows - 0.4)
    axes.set_xticks([0, 0.25, 0.5, 0.75, 1], ["0%", "25%", "50%", "75%", "100%"], fontsize=11)
    axes.set_yticks([])
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    handles = [Patch(facecolor=colour, label=label) for colour, label in zip(COLOURS, legend)]
    figure.text(0.02, 1 - 28 / height, title, fontsize=18, fontweight="bold", va="center")
    figure.text(0.02, 1 - 58 / height, subtitle.format(n=summary.respondents), fontsize=12, color="#444444", va="center")
    figure.legend(handles=handles, loc="lower center", ncols=4, frameon=False, fontsize=11, bbox_to_anchor=(0.5, 1 - 110 / height), bbox_transform=figure.transFigure, borderaxespad=0)

    return _png(figure)


def _empty_chart(title: str, message: str) -> bytes:
    """The chart of a round without answered sources: its title and a sentence saying so."""
    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
    FigureCanvasAgg(figure)
    figure.text(0.02, 1 - 28 / HEIGHT_PX, title, fontsize=18, fontweight="bold", va="center")
    figure.text(0.5, 0.5, message, fontsize=14, ha="center", va="center", color="#444444")
    return _png(figure)


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, pil_kwargs={"compress_level": 1})  # fast; size is fine
    return buffer.getvalue()

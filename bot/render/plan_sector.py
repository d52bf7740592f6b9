"""The team's choice beside the sector's, as sentences and as a small chart: per category of the AVS poll of
2019 the share of the plan's money and the share schools spent on it then. Shared by the messages and the PDF."""

from __future__ import annotations

import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from bot.texts.i18n import Markup, catalogue, t
from bot.render.summary_render import percent
from flows.plan import Plan
from flows.sector import Share, source, split

TEAM, SECTOR = "#c8553d", "#b8c4cf"
CHART_WIDTH_IN, CHART_HEIGHT_IN, CHART_DPI = 9.0, 3.6, 100


def sector_lines(plan: Plan, language: str) -> tuple[Markup, list[Markup], Markup] | None:
    """(heading, one line per category, the source); None while nothing is planned."""
    shares = split(plan)
    if shares is None:
        return None
    lines = [t(language, "plan_sector_line", category=share.category.label(language), team=percent(share.share, language),
               sector=percent(share.category.sector / 100, language)) for share in shares]
    return t(language, "plan_sector_heading"), lines, t(language, "plan_sector_source", source=source(language))


def render_sector(plan: Plan, language: str) -> Markup | None:
    """The comparison as one Telegram HTML text."""
    found = sector_lines(plan, language)
    if found is None:
        return None
    heading, lines, cited = found
    return Markup("\n".join([f"📊 {heading}", *lines, f"<i>{cited}</i>"]))


def _text(language: str, key: str) -> str:
    return catalogue(language)[key]


def sector_chart(shares: list[Share], language: str) -> bytes:
    """Paired horizontal bars per category: the plan's share of its money and the schools' share in 2019 (the
    numbers themselves are printed beside the chart). One collection for all bars and plain texts for the
    labels, as :mod:`bot.render.charts` does: far cheaper than barh and tick labels."""
    figure = Figure(figsize=(CHART_WIDTH_IN, CHART_HEIGHT_IN), dpi=CHART_DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_axes((0.27, 0.1, 0.66, 0.72))
    rows = len(shares)
    boxes, colours = [], []
    for row, share in enumerate(shares):
        y = rows - 1 - row
        for offset, value, colour in ((0.2, share.share * 100, TEAM), (-0.2, share.category.sector, SECTOR)):
            if value > 0:
                boxes.append([(0, y + offset - 0.18), (value, y + offset - 0.18), (value, y + offset + 0.18), (0, y + offset + 0.18)])
                colours.append(colour)
        axes.text(-2, y, share.category.label(language), ha="right", va="center", fontsize=9, parse_math=False)
    axes.add_collection(PolyCollection(boxes, facecolors=colours, edgecolors="none"))
    axes.set_xlim(0, 100)
    axes.set_ylim(-0.6, rows - 0.4)
    axes.set_xticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"], fontsize=8)
    axes.set_yticks([])
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    figure.text(0.02, 0.93, _text(language, "plan_chart_title"), fontsize=12, fontweight="bold", va="center", parse_math=False)
    handles = [Patch(facecolor=TEAM, label=_text(language, "plan_chart_team")), Patch(facecolor=SECTOR, label=_text(language, "plan_chart_sector"))]
    figure.legend(handles=handles, loc="upper right", ncols=2, frameon=False, fontsize=9, bbox_to_anchor=(0.98, 0.99))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=CHART_DPI, metadata={"Software": None}, pil_kwargs={"compress_level": 1})
    return buffer.getvalue()

"""The team's plan as a printable A4 PDF, for the spending plan (bestedingsplan) and the werkverdelingsplan.

:func:`plan_layout` decides what is printed (plain strings, easy to test); :func:`plan_pdf` prints it with
fpdf2 in DejaVu Sans (shipped with matplotlib), so accents, the euro sign and curly quotes work. Characters
the font lacks are printed as "□" instead of failing. Right-to-left text is printed in logical order (no
bidi shaping without uharfbuzz). The same input and ``generated_on`` give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import matplotlib
from fpdf import FPDF

from bot.texts.i18n import Markup, t
from bot.render.plan_capacity import item_capacity
from bot.render.plan_sector import sector_chart, sector_lines
from flows.sector import split
from bot.render.plan_render import (ICON_WARNING, TEXT_FIELDS, _lang, budget_lines, clip, format_date, format_euros, pmr_line,
                             source_labels, vote_lines)
from flows.plan import Budget, Plan, PlanItem

FONT = "DejaVu"
COLUMNS = ("measure", "goal", "result", "activities", "who", "cost")
COLUMN_WIDTHS = (52, 44, 44, 56, 40, 31)  # millimetres; landscape A4 leaves 267 between the margins
MISSING_GLYPH = "□"
SECTOR_CHART_MM = 170  # width of the split-beside-other-schools chart (its height follows: 9 x 3.6 inches)
_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class PlanDocument:
    """What the PDF says, as plain text; ``warnings`` holds the budget lines printed as a warning."""

    title: str
    subtitle: str
    intro: str
    measures_heading: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    no_items: str | None
    budget_heading: str
    budget: tuple[str, ...]
    warnings: tuple[str, ...]
    sector_heading: str
    sector: tuple[str, ...]  # the split beside other schools, its source last; empty while nothing is planned
    decisions_heading: str
    decisions: tuple[str, ...]
    schedule_heading: str
    schedule: tuple[str, ...]  # the cycle's schedule, one line per milestone; empty without one
    footer: str  # with {page} and {pages}
    language: str


def plain(markup: str) -> str:
    """Telegram HTML as plain text: tags removed, entities decoded."""
    return html.unescape(_TAG.sub("", markup))


def printable(text: str) -> str:
    """User text fit for the PDF: control and bidi-format characters removed, whitespace runs collapsed."""
    kept = (" " if unicodedata.category(char) == "Cc" else char for char in str(text))
    return " ".join("".join(char for char in kept if unicodedata.category(char) != "Cf").split())


def _text(language: str, key: str, **values: object) -> str:
    return plain(t(language, key, **values))


def _row(number: int, item: PlanItem, language: str, sources: dict[str, str] | None, budget: Budget) -> tuple[str, ...]:
    missing = _text(language, "plan_label_missing")
    measure = f"{number}. {printable(clip(item.title)) or missing}"
    labels = [printable(label) for label in source_labels(item, language, sources)]
    if labels:
        measure += f"\n{_text(language, 'plan_label_sources')}: {', '.join(labels)}"
    proposed = lambda name: f" ({_text(language, 'plan_label_proposed')})" if name in item.proposed else ""  # noqa: E731
    fields = [(printable(clip(getattr(item, name))) or missing) + proposed(name) for name in TEXT_FIELDS]
    cost = (missing if item.cost is None else format_euros(item.cost, language)) + proposed("cost")
    people = item_capacity(item, budget, language)
    return (measure, *fields, cost + (f"\n{plain(people)}" if people else ""))


def plan_layout(plan: Plan, budget: Budget, team_name: str, language: str, sources: dict[str, str] | None = None,
                vote_released: bool = True, generated_on: dt.date | None = None, schedule: tuple[str, ...] = ()) -> PlanDocument:
    """The texts of the plan's PDF, in ``language``; ``schedule``: the cycle's milestones as plain lines."""
    language = _lang(language)
    day = generated_on or dt.date.today()
    lines = budget_lines(budget, language)
    sector = sector_lines(plan, language)
    decisions = [plain(text) for _, text in vote_lines(plan, language, vote_released)]
    pmr = pmr_line(plan, language)
    decisions.append(plain(pmr[1]) if pmr else _text(language, "plan_pdf_pmr_none"))
    return PlanDocument(
        title=_text(language, "plan_pdf_title", team=printable(clip(team_name, 200))),
        subtitle=_text(language, "plan_pdf_subtitle", year=budget.year, date=format_date(day.isoformat(), language)),
        intro=_text(language, "plan_pdf_intro"),
        measures_heading=_text(language, "plan_pdf_measures"),
        header=tuple(_text(language, f"plan_label_{name}") for name in COLUMNS),
        rows=tuple(_row(number, item, language, sources, budget) for number, item in enumerate(plan.items, start=1)),
        no_items=None if plan.items else _text(language, "plan_no_items"),
        budget_heading=_text(language, "plan_pdf_budget"),
        budget=tuple(plain(text) for icon, text in lines if icon != ICON_WARNING),
        warnings=tuple(plain(text) for icon, text in lines if icon == ICON_WARNING),
        sector_heading=_text(language, "plan_pdf_sector"),
        sector=tuple(plain(text) for text in (sector[1] + [sector[2]] if sector else [])),
        decisions_heading=_text(language, "plan_pdf_decisions"),
        decisions=tuple(decisions),
        schedule_heading=_text(language, "plan_pdf_schedule"),
        schedule=tuple(printable(line) for line in schedule),
        footer=plain(t(language, "plan_pdf_footer", page=Markup("{page}"), pages=Markup("{pages}"))),
        language=language,
    )


# --- printing ---------------------------------------------------------------------------------------
@cache
def _font_files() -> tuple[str, str]:
    folder = matplotlib.get_data_path() + "/fonts/ttf/"
    return folder + "DejaVuSans.ttf", folder + "DejaVuSans-Bold.ttf"


class _PlanPdf(FPDF):
    """FPDF with our footer on every page."""

    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.set_text_color(110)
        self.cell(0, 5, self.footer_text.format(page=self.page_no(), pages="{nb}"), align="C")  # fpdf2 fills in {nb}
        self.set_text_color(0)


def _covered(pdf: FPDF):
    """A function that replaces characters missing from both DejaVu faces with MISSING_GLYPH."""
    regular, bold = pdf.fonts[FONT.lower()].cmap, pdf.fonts[FONT.lower() + "B"].cmap

    def cover(text: str) -> str:
        return "".join(c if c in "\n " or (ord(c) in regular and ord(c) in bold) else MISSING_GLYPH for c in text)

    return cover


def _wrap(pdf: FPDF, style: str, text: str, width: float) -> list[str]:
    """``text`` broken into lines of at most ``width`` mm in the current font size (words, else characters)."""
    widths = pdf.fonts[FONT.lower() + style].cw
    scale = pdf.font_size_pt * 0.001 / pdf.k
    measure = lambda part: sum(widths[ord(char)] for char in part) * scale  # noqa: E731
    space = measure(" ")
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, used = "", 0.0
        for word in paragraph.split(" "):
            size = measure(word)
            while size > width:  # a word longer than the column: cut it
                cut = max(1, next((i for i in range(1, len(word) + 1) if measure(word[:i]) > width), len(word)) - 1)
                if line:
                    lines.append(line)
                lines.append(word[:cut])
                line, used, word = "", 0.0, word[cut:]
                size = measure(word)
            if line and used + space + size > width:
                lines.append(line)
                line, used = "", 0.0
            line, used = (f"{line} {word}", used + space + size) if line else (word, size)
        lines.append(line)
    return lines


def _table(pdf: FPDF, header: list[str], rows: list[list[str]]) -> None:
    """A bordered table that repeats its header on every page; a row too tall for a page is split."""
    padding, line_height, size = 1.5, 4.2, 8.5

    def draw(cells: list[list[str]], bold: bool) -> None:
        style = "B" if bold else ""
        pdf.set_font(FONT, style, size)
        height = max(len(lines) for lines in cells) * line_height + 2 * padding
        x, y = pdf.l_margin, pdf.get_y()
        pdf.set_fill_color(225, 230, 240)
        for column, (width, lines) in enumerate(zip(COLUMN_WIDTHS, cells)):
            pdf.rect(x, y, width, height, style="DF" if bold else "D")
            for number, line in enumerate(lines):
                left = x + width - padding - pdf.get_string_width(line) if column == len(cells) - 1 else x + padding
                pdf.text(left, y + padding + line_height * number + line_height * 0.75, line)
            x += width
        pdf.set_y(y + height)

    def wrapped(cells: list[str], bold: bool) -> list[list[str]]:
        pdf.set_font(FONT, "B" if bold else "", size)
        return [_wrap(pdf, "B" if bold else "", text, width - 2 * padding) for text, width in zip(cells, COLUMN_WIDTHS)]

    head = wrapped(header, True)
    room = lambda: (pdf.page_break_trigger - pdf.get_y() - 2 * padding) // line_height  # noqa: E731
    if room() < len(head[0]) + 2:
        pdf.add_page()
    draw(head, True)
    for row in rows:
        cells = wrapped(row, False)
        total = max(len(lines) for lines in cells)
        full_page = (pdf.page_break_trigger - pdf.t_margin - 2 * padding) // line_height - len(head[0]) - 2
        if room() < total and total <= full_page:
            pdf.add_page()
            draw(head, True)
        start = 0
        while start < total:
            if room() < 1:
                pdf.add_page()
                draw(head, True)
            end = start + int(room())
            draw([lines[start:end] or [""] for lines in cells], False)
            start = end


def _paragraph(pdf: FPDF, text: str, size: float = 9.5, bold: bool = False, height: float = 5) -> None:
    pdf.set_font(FONT, "B" if bold else "", size)
    pdf.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT")


def _heading(pdf: FPDF, text: str) -> None:
    """A section heading, never alone at the bottom of a page."""
    if pdf.get_y() > pdf.page_break_trigger - 25:
        pdf.add_page()
    _paragraph(pdf, text, 12, bold=True, height=7)


def plan_pdf(plan: Plan, budget: Budget, team_name: str, language: str, sources: dict[str, str] | None = None,
             vote_released: bool = True, generated_on: dt.date | None = None, compress: bool = True,
             schedule: tuple[str, ...] = ()) -> bytes:
    """The plan as a printable A4 PDF (landscape, so the six columns stay readable), with the cycle's
    ``schedule`` (plain lines, see ``bot.cycle.year_plan.schedule_lines``) when it has one."""
    day = generated_on or dt.date.today()
    doc = plan_layout(plan, budget, team_name, language, sources, vote_released, day, schedule)
    pdf = _PlanPdf(orientation="L", unit="mm", format="A4")
    pdf.set_compression(compress)
    pdf.set_creation_date(dt.datetime.combine(day, dt.time(12), tzinfo=dt.timezone.utc))
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=18)
    regular, bold = _font_files()
    pdf.add_font(FONT, "", regular)
    pdf.add_font(FONT, "B", bold)
    cover = _covered(pdf)
    pdf.set_title(cover(doc.title))
    pdf.set_author("werkdruk-bot")
    pdf.set_creator("werkdruk-bot")
    pdf.set_lang(doc.language)
    pdf.footer_text = cover(doc.footer)
    pdf.add_page()

    _paragraph(pdf, cover(doc.title), 16, bold=True, height=8)
    _paragraph(pdf, cover(doc.subtitle), 10)
    pdf.ln(2)
    _paragraph(pdf, cover(doc.intro), 9)
    pdf.ln(4)
    _heading(pdf, cover(doc.measures_heading))
    if doc.no_items:
        _paragraph(pdf, cover(doc.no_items))
    else:
        _table(pdf, [cover(text) for text in doc.header], [[cover(text) for text in row] for row in doc.rows])
    pdf.ln(5)
    _heading(pdf, cover(doc.budget_heading))
    for line in doc.budget:
        _paragraph(pdf, cover(line))
    for line in doc.warnings:
        pdf.set_text_color(170, 20, 20)
        _paragraph(pdf, cover(f"{_text(doc.language, 'plan_pdf_warning')} {line}"), bold=True)
        pdf.set_text_color(0)
    shares = split(plan)
    if doc.sector and shares:
        pdf.ln(4)
        _heading(pdf, cover(doc.sector_heading))
        chart = sector_chart(shares, doc.language)
        if pdf.get_y() + SECTOR_CHART_MM * 0.4 > pdf.page_break_trigger:
            pdf.add_page()
        pdf.image(io.BytesIO(chart), x=pdf.l_margin, w=SECTOR_CHART_MM)
        for line in doc.sector:
            _paragraph(pdf, cover(line), 8.5, height=4.5)
    pdf.ln(4)
    _heading(pdf, cover(doc.decisions_heading))
    for line in doc.decisions:
        _paragraph(pdf, cover(line))
    if doc.schedule:
        pdf.ln(4)
        if pdf.get_y() + 7 + 5 * len(doc.schedule) > pdf.page_break_trigger:
            pdf.add_page()  # the schedule stays on one page
        _heading(pdf, cover(doc.schedule_heading))
        for line in doc.schedule:
            _paragraph(pdf, cover(f"• {line}"))
    return bytes(pdf.output())

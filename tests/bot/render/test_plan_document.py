"""The plan's PDF: a valid, deterministic A4 document that says the right things, whatever the team typed.

The text is read back from uncompressed output through the fonts' ToUnicode maps (no PDF library needed).
"""

import datetime as dt
import re
import time

import pytest

from bot.render.plan_document import MISSING_GLYPH, plan_layout, plan_pdf, printable
from bot.render.plan_render import clip
from flows.catalogue import default_sources
from flows.plan import Plan, PlanItem, PlanVote, budget

DAY = dt.date(2027, 3, 1)
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", "(": "(", ")": ")", "\\": "\\"}
_TOKEN = re.compile(r"/(F\d+) [\d.]+ Tf|\((?:\\.|[^\\)])*\)|\bET\b|BT ([\d.]+) ([\d.]+) Td", re.S)


def _unescape(literal: str) -> bytes:
    text = re.sub(r"\\([0-7]{1,3}|.)", lambda m: chr(int(m[1], 8)) if m[1].isdigit() else _ESCAPES.get(m[1], m[1]), literal, flags=re.S)
    return text.encode("latin-1")


def _pages(data: bytes) -> list[list[tuple[float, float, str]]]:
    """Per page, its text lines as (x, y, text) in points, decoded through the ToUnicode maps."""
    pdf = data.decode("latin-1")
    objects = {int(n): body for n, body in re.findall(r"(\d+) 0 obj\n(.*?)\nendobj", pdf, re.S)}
    stream = lambda n: objects[n].split("stream\n", 1)[1].rsplit("\nendstream", 1)[0]  # noqa: E731
    maps = {}
    for name, number in re.findall(r"/(F\d+) (\d+) 0 R", pdf):
        cmap = stream(int(re.search(r"/ToUnicode (\d+) 0 R", objects[int(number)])[1]))
        maps[name] = {int(glyph, 16): bytes.fromhex(text).decode("utf-16-be")
                      for glyph, text in re.findall(r"<([0-9A-F]{4})> <([0-9A-F]+)>", cmap)}
    pages = []
    for number in sorted(int(n) for n, body in objects.items() if "/Type /Page\n" in body):
        lines, font, current, where = [], None, "", (0.0, 0.0)
        for match in _TOKEN.finditer(stream(int(re.search(r"/Contents (\d+) 0 R", objects[number])[1]))):
            if match[1]:
                font = match[1]
            elif match[2]:
                where = (float(match[2]), float(match[3]))
            elif match[0] == "ET":
                if current:
                    lines.append((*where, current))
                current = ""
            else:
                raw = _unescape(match[0][1:-1])
                current += "".join(maps[font][int.from_bytes(raw[i:i + 2], "big")] for i in range(0, len(raw), 2))
        pages.append(lines)
    return pages


def _text(data: bytes) -> str:
    return " ".join(text for page in _pages(data) for _, _, text in page)


def _labels(language):
    return {source.key: source.label(language) for source in default_sources()}


def _plan(state="pmr_instemming", vote=PlanVote(6, 1, 1, 8)):
    items = [
        PlanItem("Onderwijsassistent groep 3-4", ["administratie", "zorg"], "Minder werkdruk door zorg", "Leerkrachten hebben tijd",
                 "Assistent 2 dagen per week", "Directie en IB", 30000),
        PlanItem("Conciërge", [], "Minder klusjes", who="Bestuur"),
    ]
    return Plan(items, state, vote, "2027-03-12")


def _pdf(plan, language, pupils=212, rates=None, **kwargs):
    return plan_pdf(plan, budget(plan, pupils, "2023/24", rates or {}), "De Klimop", language, _labels(language),
                    generated_on=DAY, compress=False, **kwargs)


def test_a_pdf_file():
    """Compressed (the default) and uncompressed output are PDF files."""
    plan = _plan()
    for data in (plan_pdf(plan, budget(plan, 212, "2023/24", {}), "De Klimop", "nl"), _pdf(plan, "nl")):
        assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")


def test_dutch_document_says_it_all():
    """Heading, intro, the table, the budget, the vote, the PMR and the footer."""
    text = _text(_pdf(_plan(), "nl"))
    for expected in [
        "Plan van aanpak werkdruk – De Klimop", "Schooljaar 2023/24 · opgesteld op 1 maart 2027",
        "Het team beslist zelf hoe de werkdrukmiddelen worden besteed", "bestedingsplan", "werkverdelingsplan",
        "meer dan de helft van de teamleden", "(PMR)",
        "Maatregel Doel Gewenst resultaat Activiteiten Wie Geschatte kosten",
        "1. Onderwijsassistent groep 3-4 Pakt aan: administratie en registratie, leerlingenzorg en passend onderwijs",
        "Minder werkdruk door zorg Leerkrachten hebben tijd Assistent 2 dagen per week Directie en IB €\u00a030.000",
        "2. Conciërge Minder klusjes nog invullen nog invullen Bestuur nog invullen",
        "Budget werkdrukmiddelen", "Budget 2023/24: 212 leerlingen × € 260,76 per leerling = € 55.281,12",
        "Gepland: € 30.000 · nog te besteden: € 25.281,12", "bedrag per leerling van 2022/23: het bedrag voor 2023/24 is hier nog niet bekend.",
        "Besluitvorming", "Stemming van het team: voor 6 · tegen 1 · onthouding 1 van 8 leden",
        "Aangenomen: meer dan de helft van de 8 leden stemde voor.", "PMR: ingestemd op 12 maart 2027.",
        "Gemaakt met werkdruk-bot · pagina 1 van 2",
    ]:
        assert expected in text, expected
    assert "Let op" not in text and "<b>" not in text
    assert "config.toml" not in text and "stel het" not in text  # no operator's note in the team's document


def test_english_document():
    """The same in English."""
    text = _text(_pdf(_plan(), "en"))
    for expected in [
        "Workload action plan – De Klimop", "School year 2023/24 · drawn up on 1 March 2027", "The team itself decides",
        "Measure Goal Desired result Activities Who Estimated cost", "Directie en IB €30,000", "to be filled in",
        "212 pupils × €260.76 per pupil = €55,281.12", "in favour 6 · against 1 · abstained 1 of 8 members",
        "PMR: consented on 12 March 2027.", "Made with werkdruk-bot · page 1 of 2",
    ]:
        assert expected in text, expected


def test_over_budget_warning_and_undecided_pmr():
    """The warning names the difference; before the PMR decides the document says so; unreleased counts stay out."""
    text = _text(_pdf(_plan("aangenomen"), "nl", pupils=100, rates={"2023/24": 250}, vote_released=False))
    assert "Let op: Het plan kost € 5.000 meer dan de werkdrukmiddelen (€ 30.000 gepland, € 25.000 beschikbaar)." in text
    assert "PMR: nog niet besloten." in text and "voor 6" not in text and "Aangenomen" in text
    assert "PMR: nog niet besloten." in _text(_pdf(_plan("opstellen", None), "nl"))
    assert "PMR: not decided yet." in _text(_pdf(_plan("verworpen", PlanVote(2, 6, 0, 8)), "en"))


def test_unicode_rtl_and_odd_characters_do_not_crash():
    """Accents, euro, curly quotes print; Hebrew and Arabic print in logical order; emoji and controls are replaced."""
    odd = "Één “idee” – café € 5 שלום مرحبا 💶 漢 \u202e\x00\tx <b>&amp;"
    plan = Plan([PlanItem(odd, ["eigen1"], odd, odd, odd, odd, 5)], "opstellen")
    data = plan_pdf(plan, budget(plan, 10, "2023/24", {}), odd, "nl", {"eigen1": odd}, generated_on=DAY, compress=False)
    text = _text(data)
    assert "Één “idee” – café € 5 שלום مرحبا □ □ x <b>&amp;" in text
    assert printable("a\u202e\x00\tb\nc") == "a b c"
    assert MISSING_GLYPH in text and "\u202e" not in text


def test_long_plan_spreads_over_pages_quickly():
    """Ten measures with 300-character fields: several pages, everything printed, within the time budget."""
    field = ("Werkdruk “verlagen” met één extra collega & overleg " * 8)[:299] + "."
    items = [PlanItem(f"Maatregel {n} " + field[:280], ["administratie", "zorg"], field, field, field, field, 1000 * n)
             for n in range(1, 11)]
    plan = Plan(items, "stemming")
    started = time.perf_counter()
    data = _pdf(plan, "nl", pupils=150)
    elapsed = time.perf_counter() - started
    assert elapsed < 2.0  # about 0.1 s on a laptop plus the sector chart's ~0.2 s; generous for slow, shared CI machines
    pages = _pages(data)
    assert len(pages) > 2
    text = _text(data)
    for n in range(1, 11):
        assert f"{n}. Maatregel {n} Werkdruk" in text and f"€\u00a0{n}.000" in text
    phrase = "Werkdruk “verlagen” met één"
    assert text.count(phrase) == 10 * (4 * field.count(phrase) + field[:280].count(phrase))
    assert f"pagina {len(pages)} van {len(pages)}" in text
    table_pages = [page for page in pages if any("verlagen" in line for _, _, line in page)]
    assert text.count("Maatregel Doel Gewenst resultaat Activiteiten Wie Geschatte kosten") == len(table_pages)  # on every page of the table


def test_text_stays_on_the_page():
    """Every line starts inside the page, above the bottom margin (the footer excepted)."""
    huge = " ".join(f"woord{n}" for n in range(400))  # a row taller than a page: it is split
    plan = Plan([PlanItem("Groot", [], huge, huge, huge, huge, 1)] * 3, "opstellen")
    data = _pdf(plan, "nl")
    pages = _pages(data)
    assert len(pages) >= 3
    for page in pages:
        for x, y, text in page:
            assert 40 <= x <= 842 - 40, text
            assert 595 - 40 >= y >= (18 / 25.4 * 72 if "werkdruk-bot" not in text else 20), text
    text = _text(data)
    kept = clip(huge).split()  # cut at 1000 characters with "…", nothing lost before
    assert kept[-1].endswith("…") and len(kept) > 100
    assert all(text.count(f"{word} ") == 3 * 4 for word in kept[:-1])


def test_deterministic():
    """The same input gives the same bytes; another date, other bytes."""
    plan = _plan()
    first, second = _pdf(plan, "nl"), _pdf(plan, "nl")
    assert first == second
    packed = [plan_pdf(plan, budget(plan, 212, "2023/24", {}), "De Klimop", "nl", generated_on=DAY) for _ in range(2)]
    assert packed[0] == packed[1]
    assert _pdf(plan, "nl") != plan_pdf(plan, budget(plan, 212, "2023/24", {}), "De Klimop", "nl", _labels("nl"),
                                        generated_on=DAY + dt.timedelta(days=1), compress=False)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_layout(language):
    """The rows of the table, one per measure, with every column; an empty plan says so."""
    layout = plan_layout(_plan(), budget(_plan(), 212, "2023/24", {}), "De Klimop", language, _labels(language), generated_on=DAY)
    assert len(layout.header) == 6 and len(layout.rows) == 2 and all(len(row) == 6 for row in layout.rows)
    assert layout.rows[1][0] == ("2. Conciërge")
    assert layout.warnings == () and layout.no_items is None
    empty = plan_layout(Plan(), budget(Plan(), 212, "2023/24", {}), "De Klimop", language, generated_on=DAY)
    assert empty.rows == () and empty.no_items in ("Nog geen maatregelen.", "No measures yet.")
    assert _text(plan_pdf(Plan(), budget(Plan(), None, "2023/24", {}), "X", language, generated_on=DAY, compress=False))


def test_the_document_shows_the_budget_in_people():
    """The PDF carries the budget in people and, in the cost column, what a personnel measure buys."""
    plan = Plan([PlanItem("Onderwijsassistent", [], "g", "r", "a", "w", 30000, measure="onderwijsassistent")])
    data = plan_pdf(plan, budget(plan, 212, "2022/23", {}, {"onderwijsassistent": 60000, "vakleerkracht": 110000}),
                    "De Klimop", "nl", generated_on=DAY, compress=False)
    text = _text(data)
    assert "In mensen: € 55.281,12 is ongeveer 0,9 fte onderwijsassistent, of 2,5 dagen per week een vakleerkracht." in text
    assert "ongeveer 2,5 dagen per week een" in text and "config.toml" not in text


def test_the_document_shows_the_split_beside_other_schools_with_a_chart():
    """The PDF prints the split beside the AVS poll of 2019 as text, with its source, and as a chart (an image)."""
    plan = Plan([PlanItem("Onderwijsassistent", [], "g", "r", "a", "w", 30000, measure="onderwijsassistent"),
                 PlanItem("Eigen idee", [], "g", "r", "a", "w", 10000)])
    data = _pdf(plan, "nl")
    text = _text(data)
    assert "Verdeling naast andere scholen" in text
    assert "onderwijsassistent: jullie 75% · scholen 28%" in text and "anders: jullie 25% · scholen 14%" in text
    assert "Andere scholen: AVS-peiling onder ruim 700 schoolleiders, 2019 (Kader Primair)." in text
    assert data.count(b"/Subtype /Image") == 1
    assert b"/Subtype /Image" not in _pdf(Plan(), "nl")
    assert "Split beside other schools" in _text(_pdf(plan, "en"))


def test_the_document_prints_the_schedule_when_the_cycle_has_one():
    """With the cycle's schedule, the PDF ends with a 'Planning' section, one line per milestone, kept on one
    page; without one there is no such section."""
    plan = _plan()
    lines = ("De check-in sluit: maandag 14 september, 17:00", "De PMR stemt in (het plan is afgestemd): donderdag 15 oktober, 17:00")
    data = _pdf(plan, "nl", schedule=lines)
    pages = _pages(data)
    text = _text(data)
    assert "Planning" in text and all(f"• {line}" in text for line in lines)
    holding = [number for number, page in enumerate(pages) if any(t in ("Planning", *(f"• {line}" for line in lines)) for _, _, t in page)]
    assert len(set(holding)) == 1
    assert "Planning" not in _text(_pdf(plan, "nl"))
    assert "Schedule" in _text(_pdf(plan, "en", schedule=lines))

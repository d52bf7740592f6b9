"""The plan as Telegram sees it: valid HTML within limits, exact euros, the budget warning, vote and PMR, escaped."""

import tomllib
from importlib import resources

import pytest

from bot.texts.i18n import placeholders
from bot.render.plan_render import format_date, format_euros, render_budget_line, render_plan
from bot.sandbox.html_check import check_text, utf16_len
from flows.catalogue import default_sources
from flows.plan import Plan, PlanItem, PlanVote, budget

NASTY = "<b>&amp; \u202eevil\u200b\u05e9\u05dc\u05d5\u05dd"  # HTML, an entity, a RTL override, zero-width, Hebrew


def _valid(message: str) -> str:
    """The plain text Telegram would show; fails if Telegram would refuse the message."""
    plain, entities = check_text(message, "HTML")
    assert plain.strip() and utf16_len(plain) <= 4096
    assert len(entities) <= 100
    return plain


def _labels(language: str) -> dict[str, str]:
    return {source.key: source.label(language) for source in default_sources()}


def _plan(state: str = "pmr_instemming", vote: PlanVote | None = PlanVote(6, 1, 1, 8), pmr_date: str | None = "2027-03-12") -> Plan:
    items = [
        PlanItem("Onderwijsassistent groep 3-4", ["administratie", "zorg"], "Minder werkdruk door zorg", "Leerkrachten hebben tijd",
                 "Assistent 2 dagen per week", "Directie en IB", 30000),
        PlanItem("Conciërge", ["onbekend"], "Minder klusjes", who="Bestuur", cost=None),
    ]
    return Plan(items, state, vote, pmr_date)


def _text(plan: Plan, language: str, pupils: int | None = 212, year: str = "2023/24", rates: dict | None = None, **kwargs) -> str:
    messages = render_plan(plan, budget(plan, pupils, year, rates or {}), "De Klimop", language, _labels(language), **kwargs)
    return "\n\n".join(_valid(message) for message in messages)


def test_euros_and_dates():
    """Dutch "€\u00a012.500" and English "€12,500", cents only when there are any, rounded half up."""
    assert format_euros(12500, "nl") == "€\u00a012.500" and format_euros(12500, "en") == "€12,500"
    assert format_euros(55281.12, "nl") == "€\u00a055.281,12" and format_euros(55281.12, "en") == "€55,281.12"
    assert format_euros(1234567.5, "nl") == "€\u00a01.234.567,50" and format_euros(0.005, "en") == "€0.01"
    assert format_euros(0, "nl") == "€\u00a00" and format_euros(-500, "nl") == "€\u00a0-500" and format_euros(-500, "en") == "-€500"
    assert format_date("2027-03-12", "nl") == "12 maart 2027" and format_date("2027-03-12", "en") == "12 March 2027"
    assert format_date(None, "nl") == "datum onbekend" and format_date("gisteren", "nl") == "gisteren"


def test_dutch_plan_shows_every_field_the_budget_vote_and_pmr():
    """The work-plan format per measure, the sum of the funds against the costs, the vote and the PMR."""
    plain = _text(_plan(), "nl")
    assert plain.startswith("📋 Plan van aanpak werkdruk · De Klimop\nSchooljaar 2023/24")
    assert "1. Onderwijsassistent groep 3-4\nPakt aan: administratie en registratie, leerlingenzorg en passend onderwijs\n" in plain
    assert "Doel: Minder werkdruk door zorg\nGewenst resultaat: Leerkrachten hebben tijd\n" in plain
    assert "Activiteiten: Assistent 2 dagen per week\nWie: Directie en IB\nGeschatte kosten: €\u00a030.000" in plain
    assert "2. Conciërge\nPakt aan: onbekend\nDoel: Minder klusjes\nGewenst resultaat: nog invullen\nActiviteiten: nog invullen\n" in plain
    assert "Wie: Bestuur\nGeschatte kosten: nog invullen" in plain
    assert "💶 Budget 2023/24: 212 leerlingen × €\u00a0260,76 per leerling = €\u00a055.281,12\nGepland: €\u00a030.000 · nog te besteden: €\u00a025.281,12" in plain
    assert "ℹ️ Gerekend met het bedrag per leerling van 2022/23: het bedrag voor 2023/24 is hier nog niet bekend." in plain
    assert "config.toml" not in plain  # an operator's note is not for the team
    assert "⚠️" not in plain
    assert "🗳 Stemming van het team: voor 6 · tegen 1 · onthouding 1 van 8 leden" in plain
    assert "✅ Aangenomen: meer dan de helft van de 8 leden stemde voor." in plain
    assert plain.endswith("🤝 PMR: ingestemd op 12 maart 2027.")


def test_english_plan():
    """The same plan in English."""
    plain = _text(_plan(), "en")
    assert plain.startswith("📋 Workload action plan · De Klimop\nSchool year 2023/24")
    assert "Addresses: administration and record keeping, pupil care and inclusive education" in plain
    assert "Goal: Minder werkdruk door zorg" in plain and "Estimated cost: €30,000" in plain
    assert "Desired result: to be filled in" in plain
    assert "Budget 2023/24: 212 pupils × €260.76 per pupil = €55,281.12\nPlanned: €30,000 · left to spend: €25,281.12" in plain
    assert "amount per pupil of 2022/23: the amount for 2023/24 is not known here yet" in plain and "config.toml" not in plain
    assert "in favour 6 · against 1 · abstained 1 of 8 members" in plain
    assert "Adopted: more than half of the 8 members voted in favour." in plain
    assert "PMR: consented on 12 March 2027." in plain


@pytest.mark.parametrize("language,expected", [
    ("nl", "⚠️ Het plan kost €\u00a05.000 meer dan de werkdrukmiddelen (€\u00a030.000 gepland, €\u00a025.000 beschikbaar)"),
    ("en", "⚠️ The plan costs €5,000 more than the workload funds (€30,000 planned, €25,000 available)"),
])
def test_over_budget_warning_with_the_difference(language, expected):
    """A plan costing more than pupils x the rate gets a clear warning with the amount; the year's own rate, no note."""
    plain = _text(_plan(), language, pupils=100, rates={"2023/24": 250})
    assert expected in plain
    assert "2022/23" not in plain and "nog te besteden" not in plain and "left to spend" not in plain


def test_unknown_pupils_and_unknown_rate():
    """In the leader's own view: without pupils the leader is pointed to /leerlingen (/pupils), without any
    rate or with an older one to the configuration; the team's view names the rate used and nothing to do."""
    plain = _text(_plan(), "nl", pupils=None, leader_notes=True)
    assert "Budget 2023/24: nog niet te berekenen.\nGepland: €\u00a030.000" in plain
    assert "de schoolleider stelt het in met /leerlingen" in plain and "bedrag per leerling van 2022/23" in plain
    assert "Alleen voor jou: stel het bedrag per leerling voor 2023/24 in (config.toml, onder [funds])" in plain
    assert "the school leader sets it with /pupils" in _text(_plan(), "en", pupils=None, leader_notes=True)
    plain = _text(_plan(), "nl", year="2017/18", leader_notes=True)
    assert "geen bedrag per leerling bekend voor 2017/18" in plain and "/leerlingen" not in plain
    team = _text(_plan(), "nl", pupils=None) + _text(_plan(), "nl", year="2017/18") + _text(_plan(), "en", pupils=None)
    assert "Budget 2023/24: nog niet te berekenen." in team
    assert "config.toml" not in team and "/leerlingen" not in team and "/pupils" not in team


def test_budget_line_alone():
    """The budget as one valid message, for while the leader edits."""
    plan = _plan()
    line = render_budget_line(budget(plan, 212, "2022/23", {}), "nl")
    assert _valid(line) == "💶 Budget 2022/23: 212 leerlingen × €\u00a0260,76 per leerling = €\u00a055.281,12\nGepland: €\u00a030.000 · nog te besteden: €\u00a025.281,12"


def test_vote_counts_only_when_released():
    """Unreleased counts are not shown, only the outcome."""
    plain = _text(_plan(), "nl", vote_released=False)
    assert "voor 6" not in plain and "tegen 1" not in plain
    assert "🗳 Stemming van het team\n✅ Aangenomen: meer dan de helft van de 8 leden stemde voor." in plain


@pytest.mark.parametrize("state,vote,expected,absent", [
    ("verworpen", PlanVote(4, 3, 1, 8), "❌ Niet aangenomen: niet meer dan de helft van de 8 leden stemde voor.", "PMR"),
    ("aangenomen", PlanVote(5, 0, 0, 8), "🤝 PMR: nog niet besloten.", "ingestemd"),
    ("pmr_geen_instemming", PlanVote(5, 0, 0, 8), "🤝 PMR: geen instemming (12 maart 2027).", "ingestemd"),
    ("opstellen", None, "📝 Concept: nog niet aan het team voorgelegd.", "Stemming"),
    ("opstellen", PlanVote(4, 3, 1, 8), "🗳 Vorige stemming van het team: voor 4 · tegen 3 · onthouding 1 van 8 leden\n❌ Niet aangenomen", "PMR"),
    ("stemming", None, "🗳 Het team stemt nu over dit plan.", "Aangenomen"),
])
def test_states(state, vote, expected, absent):
    """Where the plan stands: draft, voting, rejected, adopted awaiting the PMR, refused by the PMR."""
    plain = _text(_plan(state, vote), "nl")
    assert expected in plain and absent not in plain


def test_empty_plan():
    """No measures yet: said so, and the budget still shows."""
    plain = _text(Plan(), "nl")
    assert "Nog geen maatregelen." in plain and "Gepland: €\u00a00 · nog te besteden: €\u00a055.281,12" in plain


def test_user_text_is_escaped_and_isolated():
    """HTML, entities, RTL text and bidi overrides in titles, fields, team name and custom labels stay inert."""
    item = PlanItem(NASTY, ["eigen1"], NASTY, NASTY, NASTY, NASTY, 10)
    plan = Plan([item], "opstellen")
    for language in ("nl", "en"):
        messages = render_plan(plan, budget(plan, 10, "2026/27", {}), NASTY, language, {"eigen1": NASTY})
        assert len(messages) == 1
        plain = _valid(messages[0])
        assert "<b>&amp; " in plain and "\u202e" not in plain
        assert plain.count("\u2068<b>&amp; evil\u200b\u05e9\u05dc\u05d5\u05dd\u2069") == 7  # team, title, source, 4 fields


def test_long_plan_is_split_between_measures():
    """Ten measures with 300-character fields: several valid messages, every measure whole and in order."""
    field = ("Werkdruk “verlagen” met één extra collega & overleg " * 8)[:299] + "."
    items = [PlanItem(f"Maatregel {n} " + field[:280], ["administratie", "zorg"], field, field, field, field, 1000 * n)
             for n in range(1, 11)]
    plan = Plan(items, "stemming")
    for language in ("nl", "en"):
        messages = render_plan(plan, budget(plan, 150, "2026/27", {}), "De Klimop", language, _labels(language))
        assert len(messages) > 2
        plains = [_valid(message) for message in messages]
        seen = [n for plain in plains for n in range(1, 11) if f"{n}. Maatregel {n} " in plain]
        assert seen == list(range(1, 11))
        for n in range(1, 11):
            holder = next(plain for plain in plains if f"{n}. Maatregel {n} " in plain)
            assert (f"€\u00a0{n}.000" if language == "nl" else f"€{n},000") in holder
        assert any("€\u00a055.000" in plain or "€55,000" in plain for plain in plains[-2:])  # the budget, near the end


def test_enormous_fields_are_cut_and_still_fit():
    """Data longer than the bot accepts (old or foreign) cannot break a message."""
    huge = "a" * 6000
    plan = Plan([PlanItem(huge, [f"s{n}" for n in range(40)], huge, huge, huge, huge, 5)])
    labels = {f"s{n}": "label " * 40 for n in range(40)}
    messages = render_plan(plan, budget(plan, 10, "2026/27", {}), huge, "nl", labels)
    assert all(_valid(message) for message in messages)
    assert "…" in messages[1]


def test_plan_texts_share_keys_prefix_and_placeholders():
    """plan.toml: the same keys and placeholders in Dutch and English, all starting with plan_."""
    def load(language):
        return tomllib.loads(resources.files("bot").joinpath("texts", language, "plan.toml").read_text(encoding="utf-8"))

    nl, en = load("nl"), load("en")
    assert set(nl) == set(en) and all(key.startswith("plan_") for key in nl)
    for key in nl:
        assert placeholders(nl[key]) == placeholders(en[key]), key


def _people_plan() -> Plan:
    return Plan([PlanItem("Onderwijsassistent groep 3-4", [], "g", "r", "a", "w", 30000, measure="onderwijsassistent"),
                 PlanItem("Conciërge", [], "g", "r", "a", "w", 22000, measure="concierge"),
                 PlanItem("Vaste mailmomenten", [], "g", "r", "a", "w", 1500)])


def _people(language: str, costs: dict, **kwargs) -> str:
    plan = _people_plan()
    messages = render_plan(plan, budget(plan, 212, "2022/23", {}, costs), "De Klimop", language, **kwargs)
    return "\n\n".join(_valid(message) for message in messages)


def test_the_budget_and_each_personnel_measure_in_people():
    """With employer costs per fte the budget reads as fte or days a week of the roles schools chose most,
    and a personnel measure's cost as what it buys of its own role; other measures get no such line."""
    costs = {"onderwijsassistent": 60000, "vakleerkracht": 110000, "concierge": 44000}
    plain = _people("nl", costs)
    assert "👥 In mensen: €\u00a055.281,12 is ongeveer 0,9 fte onderwijsassistent, of 2,5 dagen per week een vakleerkracht." in plain
    assert "Geschatte kosten: €\u00a030.000 · ongeveer 2,5 dagen per week een onderwijsassistent" in plain
    assert "Geschatte kosten: €\u00a022.000 · ongeveer 2,5 dagen per week een conciërge" in plain
    assert "Geschatte kosten: €\u00a01.500\n" in plain
    english = _people("en", costs)
    assert "👥 In people: €55,281.12 is about 0.9 fte teaching assistant, or subject teacher for 2.5 days a week." in english
    assert "Estimated cost: €30,000 · about teaching assistant for 2.5 days a week" in english


def test_a_role_without_a_cost_figure():
    """A role without a figure is not expressed in people; only the leader's own view names it and says where
    to set it; without any figure the budget gets no people line at all."""
    costs = {"onderwijsassistent": 60000}
    team = _people("nl", costs)
    assert "ongeveer 0,9 fte onderwijsassistent." in team and "2. Conciërge" in team
    assert "Geschatte kosten: €\u00a022.000\n" in team and "config.toml" not in team
    leader = _people("nl", costs, leader_notes=True)
    assert "Alleen voor jou: om dit in mensen te tonen zijn de werkgeverskosten per fte nodig van: conciërge." in leader
    assert "[staff_costs]" in leader
    nothing = _people("nl", {}, leader_notes=True)
    assert "In mensen" not in nothing and "ongeveer" not in nothing
    assert "nodig van: onderwijsassistent, conciërge." in nothing
    assert "Only for you: to show this in people the yearly employer cost per fte is needed for: teaching assistant, janitor." in _people("en", {}, leader_notes=True)


def test_the_split_beside_other_schools():
    """The plan's money per category of the AVS poll of 2019 beside the schools' shares, with the source."""
    plain = _people("nl", {})
    assert "📊 Jullie verdeling naast die van andere scholen\nextra leerkracht: jullie 0% · scholen 24%" in plain
    assert "onderwijsassistent: jullie 56% · scholen 28%" in plain  # 30000 of 53500
    assert "conciërge: jullie 41% · scholen 6%\nadministratief medewerker: jullie 0% · scholen 4%\nanders: jullie 3% · scholen 14%" in plain
    assert "Andere scholen: AVS-peiling onder ruim 700 schoolleiders, 2019 (Kader Primair)." in plain
    english = _people("en", {})
    assert "📊 Your split beside other schools'\n" in english and "teaching assistant: you 56% · schools 28%" in english
    assert "Other schools: AVS poll of more than 700 school leaders, 2019 (Kader Primair)." in english
    assert "Jullie verdeling" not in _text(Plan(), "nl")  # nothing planned, nothing to compare

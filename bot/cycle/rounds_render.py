"""What the group and the leaders read when a phase starts or a round closes (rendered for the outbox)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from types import SimpleNamespace

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.plumbing import callbacks
from bot.render.charts import sources_chart
from bot.deployment.services import Services
from bot.texts.i18n import Markup, escape, format_moment, t
from bot.render.summary_render import analysis_caption, render_analysis, render_guide
from bot.render.charts_trend import evaluation_chart
from bot.render.evaluation_render import evaluation_caption, render_evaluation, render_pulse
from flows.analysis import AnalysisSummary, Thresholds, summarise_analysis
from flows.evaluation import summarise_evaluation
from flows.plan import PLAN_CHOICES, Plan, PlanVote, adopted, counts_released
from flows.pulse import summarise_pulse
from flows.checkin import FREE_TEXT
from flows.cycle import CloseOutcome, Cycle, Round, RoundKind
from flows.discussion import proposal_text, short, tally
from flows.guide import conversation_guide
from flows.team import Team

Row = tuple[int, str, dict | None]  # chat id, HTML text, keyboard


def round_link(svc: Services, round_id: int) -> str:
    """The deep link that takes a member to a round in their private chat."""
    return f"https://t.me/{svc.bot_username}?start=round_{round_id}"


def link_button(text: str, url: str) -> dict:
    """A one-button URL keyboard, as stored in the outbox."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(text, url=url)]]).to_dict()


def callback_keyboard(rows: list[list[tuple[str, str]]]) -> dict:
    """An inline keyboard of (label, callback data) buttons, as stored in the outbox."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]).to_dict()


def deadline_text(svc: Services, closes_at: int | None, language: str) -> Markup:
    """"tot en met vrijdag 4 december, 17:00", or that the leader closes the round."""
    if closes_at is None:
        return t(language, "deadline_none")
    return t(language, "deadline_at", moment=format_moment(closes_at, language, svc.config.timezone))


def leaders_to_tell(svc: Services, team: Team) -> list[tuple[int, str]]:
    """(user id, language) of the team's leaders who can be messaged privately."""
    people = svc.storage.people
    return [
        (user_id, people.language(user_id) or svc.config.language)
        for user_id in svc.storage.teams.leaders(team.id)
        if people.is_reachable(user_id)
    ]


def released_analysis(svc: Services, cycle_id: int) -> AnalysisSummary | None:
    """The cycle's analysis, when it was released."""
    analysis = closed_analysis(svc, cycle_id)
    return analysis if analysis is not None and analysis.released else None


def closed_analysis(svc: Services, cycle_id: int) -> AnalysisSummary | None:
    """The cycle's closed analysis, released or withheld (too few answers: then it holds no figures);
    None when the team skipped the analysis."""
    round_ = svc.storage.cycles.last_round(cycle_id, RoundKind.ANALYSIS)
    stored = svc.storage.answers.summary(round_.id) if round_ else None
    return AnalysisSummary.from_dict(stored[1]) if stored else None


# --- a phase begins ---------------------------------------------------------------------------
def phase_messages(svc: Services, team: Team, cycle: Cycle, round_: Round | None) -> list[Row]:
    """The group's announcement of the phase (with a button to its round), and the leaders' guide."""
    language = svc.config.language
    deadline = deadline_text(svc, round_.closes_at if round_ else None, language)
    phase = cycle.state
    if phase == "analyseren":
        count = len(svc.storage.cycles.questions(round_.id))
        text = t(language, "phase_analyseren", questions=count, minimum=svc.config.privacy.min_group_size, deadline=deadline)
        rows = [(team.chat_id, text, link_button(t(language, "checkin_button"), round_link(svc, round_.id)))]
    elif phase == "bespreken":
        analysis = closed_analysis(svc, cycle.id)
        recap = _recap(analysis, language)
        text = t(language, "phase_bespreken", recap=recap, deadline=deadline)
        rows = [(team.chat_id, text, link_button(t(language, "proposal_button"), round_link(svc, round_.id)))]
        for user_id, lang in leaders_to_tell(svc, team):
            rows.append((user_id, render_guide(conversation_guide(analysis), lang), None))
    elif phase == "evalueren" and round_ is not None:
        count = len(svc.storage.cycles.questions(round_.id))
        text = t(language, "phase_evalueren", questions=count, minimum=svc.config.privacy.min_group_size, deadline=deadline)
        rows = [(team.chat_id, text, link_button(t(language, "evalui_button"), round_link(svc, round_.id)))]
        for user_id, lang in leaders_to_tell(svc, team):
            rows.append((user_id, t(lang, "evalui_leader_hint"), None))
    else:
        rows = [(team.chat_id, t(language, f"phase_{phase}", team=team.name), None)]
        if phase == "aanpakken":
            plan = svc.storage.plans.get(cycle.id)
            hint = "planui_leader_hint" if plan is not None and plan.items else "planui_leader_hint_empty"
            rows += [(user_id, t(lang, hint), None) for user_id, lang in leaders_to_tell(svc, team)]
    return rows


def _recap(analysis: AnalysisSummary | None, language: str) -> Markup:
    """The group's line about the analysis: its top sources, that it had too few answers, or none."""
    if analysis is None:
        return t(language, "recap_none")
    if not analysis.released:
        return t(language, "recap_withheld", needed=analysis.min_group_size)
    top = [source.en if language == "en" else source.nl for source in analysis.sources[:3]]
    return t(language, "recap_sources", sources=", ".join(top), respondents=analysis.respondents)


# --- a round closes ----------------------------------------------------------------------------
@dataclass
class CloseMessages:
    """The stored aggregates of a closed round, the outbox rows that announce them, and the plan
    after the team's vote on it (saved in the same transaction)."""

    summary: dict
    rows: list[tuple[int, str, dict | None, bytes | None]] = field(default_factory=list)
    plan: Plan | None = None


def close_messages(svc: Services, team: Team, round_: Round, outcome: CloseOutcome) -> CloseMessages:
    """Compute a closing round's aggregates (only aggregates) and what each leader receives."""
    released = outcome is CloseOutcome.RELEASED
    if round_.kind is RoundKind.ANALYSIS:
        summary = analysis_summary(svc, team, round_)
        messages = CloseMessages(summary.to_dict())
        for user_id, language in leaders_to_tell(svc, team):
            messages.rows += analysis_rows(user_id, language, team, round_, summary, with_share=released)
        return messages
    if round_.kind is RoundKind.PROPOSALS:
        count = svc.storage.proposals.count(round_.id)
        messages = CloseMessages({"proposals": count})
        for user_id, language in leaders_to_tell(svc, team):
            text, markup = proposals_screen(svc, team, round_, language)
            messages.rows.append((user_id, text, markup, None))
        return messages
    if round_.kind is RoundKind.PLAN_VOTE:
        return plan_vote_messages(svc, team, round_, released)
    if round_.kind in (RoundKind.EVALUATION, RoundKind.PULSE):
        return check_in_messages(svc, team, round_, released)
    summary = vote_summary(svc, round_, released)
    messages = CloseMessages(summary)
    for user_id, language in leaders_to_tell(svc, team):
        text = render_vote(svc, team, summary, language)
        markup = callback_keyboard([[(t(language, "share_button"), callbacks.encode("share", round_.id))]]) if released else None
        messages.rows.append((user_id, text, markup, None))
    return messages


def analysis_summary(svc: Services, team: Team, round_: Round) -> AnalysisSummary:
    """The aggregates of a closed check-in."""
    questions = svc.storage.cycles.questions(round_.id)
    scores = svc.storage.answers.responses(round_.id, "scores")
    texts = [tuple(pair) for pair in svc.storage.answers.responses(round_.id, FREE_TEXT)]
    privacy = svc.config.privacy
    labels = {s.key: (s.nl, s.en) for s in svc.storage.cycles.sources(team.id)}
    return summarise_analysis(
        questions, scores, texts, svc.storage.teams.count(team.id),
        Thresholds(privacy.min_group_size, privacy.min_group_size_free_text), rng=svc.rng, source_labels=labels,
    )


def analysis_rows(chat_id: int, language: str, team: Team, round_: Round, summary: AnalysisSummary, *, with_share: bool) -> list:
    """The summary messages, and the chart with its caption (with the share button for a leader)."""
    rows = [(chat_id, text, None, None) for text in render_analysis(summary, language, team.name)]
    if summary.released:
        markup = callback_keyboard([[(t(language, "share_button"), callbacks.encode("share", round_.id))]]) if with_share else None
        rows.append((chat_id, analysis_caption(summary, language), markup, sources_chart(summary, language)))
    return rows


def proposals_screen(svc: Services, team: Team, round_: Round, language: str) -> tuple[Markup, dict | None]:
    """The leader's view of the collected proposals: merge duplicates, then start the vote."""
    proposals = svc.storage.proposals.of_round(round_.id)
    if not proposals:
        return t(language, "proposals_none", team=team.name), None
    lines = Markup("\n".join(f"{i}. {escape(short(proposal_text(p, language)))}" for i, p in enumerate(proposals, 1)))
    text = t(language, "proposals_in", team=team.name, count=len(proposals), proposals=lines)
    rows = [[(t(language, "start_vote_button"), callbacks.encode("vote_open", round_.id))]]
    if len(proposals) > 1:
        rows.insert(0, [(t(language, "merge_button"), callbacks.encode("merge", round_.id))])
    return text, callback_keyboard(rows)


def vote_summary(svc: Services, round_: Round, released: bool) -> dict:
    """The ranked result of a vote (only when enough members voted)."""
    voters = svc.storage.answers.participants(round_.id)
    if not released:
        return {"voters": voters, "released": False, "results": []}
    proposals_round = svc.storage.cycles.settings(round_.id)["proposals_round"]
    proposals = svc.storage.proposals.of_round(proposals_round)
    by_id = {p.id: p for p in proposals}
    lines = tally(svc.storage.answers.responses(round_.id, "ballot"), [p.id for p in proposals])
    results = [
        {"text": by_id[line.proposal_id].text, "catalogue_key": by_id[line.proposal_id].catalogue_key,
         "sources": by_id[line.proposal_id].sources, "votes": line.votes}
        for line in lines
    ]
    return {"voters": voters, "released": True, "results": results}


def render_vote(svc: Services, team: Team, summary: dict, language: str) -> Markup:
    """The vote's result as text."""
    if not summary["released"]:
        return t(language, "vote_no_results", team=team.name, voters=summary["voters"], needed=svc.config.privacy.min_group_size)
    labels = {s.key: s.label(language) for s in svc.storage.cycles.sources(team.id)}
    lines = []
    for rank, result in enumerate(summary["results"], 1):
        sources = ", ".join(labels.get(key, key) for key in result["sources"])
        about = t(language, "vote_line_sources", sources=sources) if sources else ""
        text = proposal_text(SimpleNamespace(**result), language)
        lines.append(t(language, "vote_line", rank=rank, text=short(text, 120), votes=result["votes"], about=Markup(about)))
    return t(language, "vote_results", team=team.name, voters=summary["voters"], lines=Markup("\n".join(lines)))


def plan_vote_messages(svc: Services, team: Team, round_: Round, released: bool) -> CloseMessages:
    """Count the team's vote on the plan; adopted by a majority of ALL members; counts only from the threshold."""
    ballots = svc.storage.answers.responses(round_.id, "plan_ballot")
    counts = {choice: sum(1 for b in ballots if b == choice) for choice in PLAN_CHOICES}
    vote = PlanVote(counts["voor"], counts["tegen"], counts["onthouding"], svc.storage.teams.count(team.id))
    plan = svc.storage.plans.get(round_.cycle_id)
    plan.fire("count_votes", vote=vote)
    shown = counts_released(vote, svc.config.privacy.min_group_size)
    summary = {"adopted": adopted(plan), "voters": vote.voters, "members": vote.members, **(asdict(vote) if shown else {})}
    messages = CloseMessages(summary, plan=plan)
    key = "pv_adopted" if adopted(plan) else "pv_rejected"
    messages.rows.append((team.chat_id, render_plan_vote(team, summary, svc.config.language), None, None))
    for user_id, language in leaders_to_tell(svc, team):
        text = render_plan_vote(team, summary, language) + "\n\n" + t(language, f"{key}_leader")
        messages.rows.append((user_id, text, None, None))
    return messages


def render_plan_vote(team: Team, summary: dict, language: str) -> Markup:
    """The team's vote on the plan, from its stored summary: adopted or not, the counts from the threshold."""
    if "voor" in summary:
        counts = t(language, "pv_counts", voor=summary["voor"], tegen=summary["tegen"], onthouding=summary["onthouding"], members=summary["members"])
    else:
        counts = t(language, "pv_counts_hidden", voters=summary["voters"], members=summary["members"])
    return t(language, "pv_adopted" if summary["adopted"] else "pv_rejected", team=team.name, counts=counts)


def check_in_messages(svc: Services, team: Team, round_: Round, released: bool) -> CloseMessages:
    """The aggregates of an evaluation or a pulse, to the leaders (with the chart and a share button)."""
    summary = check_in_summary(svc, team, round_)
    messages = CloseMessages(summary.to_dict())
    for user_id, language in leaders_to_tell(svc, team):
        messages.rows += check_in_rows(user_id, language, team, round_, summary, with_share=released)
    return messages


def check_in_summary(svc: Services, team: Team, round_: Round):
    """Evaluation or pulse aggregates, from the round's anonymous answers."""
    questions = svc.storage.cycles.questions(round_.id)
    scores = svc.storage.answers.responses(round_.id, "scores")
    texts = [tuple(pair) for pair in svc.storage.answers.responses(round_.id, FREE_TEXT)]
    privacy = svc.config.privacy
    thresholds = Thresholds(privacy.min_group_size, privacy.min_group_size_free_text)
    members = svc.storage.teams.count(team.id)
    if round_.kind is RoundKind.PULSE:
        return summarise_pulse(questions, scores, texts, members, thresholds, rng=svc.rng)
    measures = svc.storage.cycles.settings(round_.id).get("measures", [])
    return summarise_evaluation(
        questions, scores, texts, members, thresholds, released_analysis(svc, round_.cycle_id), measures,
        svc.storage.plans.sick_leave(round_.cycle_id), rng=svc.rng,
    )


def check_in_rows(chat_id: int, language: str, team: Team, round_: Round, summary, *, with_share: bool) -> list:
    """An evaluation's or pulse's messages, and for an evaluation the chart (with the share button)."""
    share = callback_keyboard([[(t(language, "share_button"), callbacks.encode("share", round_.id))]]) if with_share and summary.released else None
    if round_.kind is RoundKind.PULSE:
        texts = render_pulse(summary, language, team.name)
        rows = [(chat_id, text, None, None) for text in texts]
        rows[-1] = (chat_id, texts[-1], share, None)
        return rows
    rows = [(chat_id, text, None, None) for text in render_evaluation(summary, language, team.name)]
    if summary.released:
        rows.append((chat_id, evaluation_caption(summary, language), share, evaluation_chart(summary, language)))
    return rows

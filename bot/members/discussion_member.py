"""The member's side of bespreken, in the private chat: propose measures anonymously, then vote.

Proposals carry no author; the ledger only records that someone took part. A ballot is a draft until
it is sent, and is checked against the round's proposals and the number of votes each member has.
"""

from __future__ import annotations

import asyncio

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.plumbing.callbacks import Callback, encode
from bot.members.common import Services, answer_and_edit, reply, retire, services, user_language
from bot.texts.i18n import Markup, escape, t
from bot.cycle.rounds_render import released_analysis
from flows.catalogue import Source
from storage.answers import scrub_wal
from flows.cycle import Round
from flows.discussion import MAX_PROPOSAL_TEXT, MAX_PROPOSALS_PER_MEMBER, MAX_PROPOSALS_PER_ROUND, add_vote, short, catalogue, clean_proposal, proposal_text, valid_ballot, votes_used
from flows.text import clean


def _keyboard(rows: list[list[tuple[str, str]]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows if row])


# --- proposals ----------------------------------------------------------------------------------
def _catalogue_screen(round_: Round, language: str) -> tuple[Markup, InlineKeyboardMarkup]:
    measures = catalogue()
    buttons = [(m.label(language), encode("prop_cat", round_.id, i)) for i, m in enumerate(measures)]
    rows = [buttons[k : k + 2] for k in range(0, len(buttons), 2)]
    rows.append([(t(language, "proposal_own_words"), encode("prop_cat", round_.id, -1))])
    return t(language, "proposal_choose"), _keyboard(rows)


def _sources_for(svc: Services, round_: Round) -> list[Source]:
    """The sources a proposal can address: the analysis' ranking when there is one, else the team's list."""
    team_sources = svc.storage.cycles.sources(round_.team_id)
    analysis = released_analysis(svc, round_.cycle_id)
    if analysis is None:
        return team_sources
    by_key = {s.key: s for s in team_sources}
    ranked = [by_key[s.key] for s in analysis.sources if s.key in by_key]
    return ranked + [s for s in team_sources if s.key not in {r.key for r in ranked}]


def _source_screen(svc: Services, round_: Round, language: str, proposal: str) -> tuple[Markup, InlineKeyboardMarkup]:
    sources = _sources_for(svc, round_)
    rows = [[(s.label(language)[:40], encode("prop_src", round_.id, i))] for i, s in enumerate(sources)]
    rows.append([(t(language, "proposal_no_source"), encode("prop_src", round_.id, -1))])
    rows.append([(t(language, "proposal_cancel"), encode("prop_more", round_.id))])
    return t(language, "proposal_which_source", proposal=proposal), _keyboard(rows)


def _made(svc: Services, round_: Round, user_id: int) -> int:
    """How many proposals this member made in the round (a count in their draft, never which ones)."""
    return (svc.storage.answers.draft(round_.id, user_id, svc.now()) or {}).get("made", 0)


def _room_for_more(svc: Services, round_: Round, user_id: int) -> str | None:
    """The text key that says why no more proposals can be made, if so."""
    if _made(svc, round_, user_id) >= MAX_PROPOSALS_PER_MEMBER:
        return "proposal_limit_member"
    if svc.storage.proposals.count(round_.id) >= MAX_PROPOSALS_PER_ROUND:
        return "proposal_limit_round"
    return None


async def begin_proposals(update: Update, context: ContextTypes.DEFAULT_TYPE, round_: Round) -> None:
    """A member opens the proposal round."""
    svc, language = services(context), user_language(update, context)
    full = _room_for_more(svc, round_, update.effective_user.id)
    if full:
        await reply(update, t(language, full, limit=MAX_PROPOSALS_PER_MEMBER))
        return
    user_id = update.effective_user.id
    stored = svc.storage.answers.draft(round_.id, user_id, svc.now()) or {}
    await reply(update, t(language, "proposal_intro", limit=MAX_PROPOSALS_PER_MEMBER))
    sent, _ = await asyncio.gather(  # the screen opened before (if any) loses its buttons
        reply(update, *_catalogue_screen(round_, language)), retire(update.get_bot(), user_id, stored.get("screen"))
    )
    with svc.storage.atomic():
        svc.storage.answers.save_draft(round_.id, user_id, {**stored, "screen": sent.message_id}, svc.now())


async def proposal_button(update: Update, context: ContextTypes.DEFAULT_TYPE, press: Callback, round_: Round) -> None:
    """Choosing a measure (or own words), then the source it addresses; then it is stored."""
    svc, language, user_id, query = services(context), user_language(update, context), update.effective_user.id, update.callback_query
    args = press.args[1:]
    full = _room_for_more(svc, round_, user_id)
    if full:
        await answer_and_edit(update, t(language, full, limit=MAX_PROPOSALS_PER_MEMBER))
        return
    if press.action == "prop_more":
        svc.storage.awaiting.clear(user_id)
        await answer_and_edit(update, *_catalogue_screen(round_, language))
        return
    if press.action == "prop_cat" and len(args) == 1:
        measures = catalogue()
        if args[0] == -1:
            svc.storage.awaiting.expect(user_id, "proposal", round_.id, svc.now())
            await answer_and_edit(update, t(language, "proposal_type_it", limit=MAX_PROPOSAL_TEXT))
            return
        if 0 <= args[0] < len(measures):
            measure = measures[args[0]]
            draft = {"catalogue": measure.key, "text": measure.nl, "made": _made(svc, round_, user_id), "screen": query.message.message_id}
            svc.storage.answers.save_draft(round_.id, user_id, draft, svc.now())
            await answer_and_edit(update, *_source_screen(svc, round_, language, measure.label(language)))
            return
    if press.action == "prop_src" and len(args) == 1:
        draft = svc.storage.answers.draft(round_.id, user_id, svc.now())
        sources = _sources_for(svc, round_)
        if draft and draft.get("text") and (args[0] == -1 or 0 <= args[0] < len(sources)):
            source = sources[args[0]].key if args[0] >= 0 else None
            _store_proposal(svc, round_, user_id, draft, source)
            rows = [[(t(language, "proposal_more_button"), encode("prop_more", round_.id))]]
            await answer_and_edit(update, t(language, "proposal_thanks"), _keyboard(rows))
            return
    await answer_and_edit(update, *_catalogue_screen(round_, language))


def _store_proposal(svc: Services, round_: Round, user_id: int, draft: dict, source: str | None) -> None:
    """Store the proposal without its author and note participation, in one transaction; the draft
    keeps only how many proposals this member made and their screen, and the round is re-written in a random order."""
    svc.storage.proposals.submit(round_.id, user_id, draft["text"], draft.get("catalogue"), source, draft.get("made", 0) + 1,
                                 draft.get("screen"))
    scrub_wal(svc.storage.db)


async def proposal_typed(update: Update, context: ContextTypes.DEFAULT_TYPE, round_: Round) -> None:
    """A proposal in the member's own words."""
    svc, language, user_id = services(context), user_language(update, context), update.effective_user.id
    text = clean_proposal(clean(update.effective_message.text))
    if text is None:
        await reply(update, t(language, "proposal_too_long", limit=MAX_PROPOSAL_TEXT))
        return
    draft = {"catalogue": None, "text": text, "made": _made(svc, round_, user_id)}
    svc.storage.awaiting.clear(user_id)
    svc.storage.answers.save_draft(round_.id, user_id, draft, svc.now())
    sent = await reply(update, *_source_screen(svc, round_, language, text))
    svc.storage.answers.save_draft(round_.id, user_id, {**draft, "screen": sent.message_id}, svc.now())


# --- the vote -----------------------------------------------------------------------------------
def _ballot_screen(svc: Services, round_: Round, ballot: dict, language: str) -> tuple[Markup, InlineKeyboardMarkup]:
    settings = svc.storage.cycles.settings(round_.id)
    proposals = svc.storage.proposals.of_round(settings["proposals_round"])
    budget = settings["votes"]
    lines = [f"{i}. {escape(short(proposal_text(p, language)))} {'●' * ballot.get(str(p.id), 0)}" for i, p in enumerate(proposals, 1)]
    left = budget - votes_used(ballot)
    text = t(language, "ballot", votes=budget, proposals=Markup("\n".join(lines)), left=left)
    buttons = [(f"{i} ➕", encode("vote", round_.id, p.id)) for i, p in enumerate(proposals, 1)] if left > 0 else []
    rows = [buttons[k : k + 4] for k in range(0, len(buttons), 4)]
    controls = [(t(language, "ballot_reset"), encode("vote_reset", round_.id))]
    if votes_used(ballot) > 0:
        controls.append((t(language, "ballot_send"), encode("vote_send", round_.id)))
    rows.append(controls)
    return text, _keyboard(rows)


async def begin_vote(update: Update, context: ContextTypes.DEFAULT_TYPE, round_: Round) -> None:
    """A member opens the ballot (or resumes it)."""
    svc, language, user_id = services(context), user_language(update, context), update.effective_user.id
    if svc.storage.answers.has_taken_part(round_.id, user_id):
        await reply(update, t(language, "ballot_already_done"))
        return
    stored = svc.storage.answers.draft(round_.id, user_id, svc.now()) or {}
    ballot = stored.get("votes", {})
    sent, _ = await asyncio.gather(  # the ballot shown anew; the screen it replaces loses its buttons
        reply(update, *_ballot_screen(svc, round_, ballot, language)), retire(update.get_bot(), user_id, stored.get("screen"))
    )
    with svc.storage.atomic():
        svc.storage.answers.save_draft(round_.id, user_id, {"votes": ballot, "screen": sent.message_id}, svc.now())


async def vote_button(update: Update, context: ContextTypes.DEFAULT_TYPE, press: Callback, round_: Round) -> None:
    """A vote, a reset or sending the ballot (checked against the round's proposals and budget)."""
    svc, language, user_id, query = services(context), user_language(update, context), update.effective_user.id, update.callback_query
    if svc.storage.answers.has_taken_part(round_.id, user_id):
        await query.answer(t(language, "ballot_already_done"))
        return
    settings = svc.storage.cycles.settings(round_.id)
    valid_ids = {p.id for p in svc.storage.proposals.of_round(settings["proposals_round"])}
    ballot = (svc.storage.answers.draft(round_.id, user_id, svc.now()) or {}).get("votes", {})
    if press.action == "vote_send":
        if not valid_ballot(ballot, valid_ids, settings["votes"]):
            await query.answer(t(language, "ballot_empty"))
            return
        stored = svc.storage.answers.submit(round_.id, user_id, [("ballot", ballot)])
        await answer_and_edit(update, t(language, "ballot_thanks" if stored else "ballot_already_done"))
        return
    if press.action == "vote_reset":
        ballot = {}
    elif not (len(press.args) == 2 and add_vote(ballot, press.args[1], valid_ids, settings["votes"])):
        await query.answer(t(language, "ballot_no_votes_left"))
        return
    screen = query.message.message_id if query.message else None
    with svc.storage.atomic():  # committed with the update's id: a redelivered tap adds no second vote
        svc.storage.answers.save_draft(round_.id, user_id, {"votes": ballot, "screen": screen}, svc.now())
    await answer_and_edit(update, *_ballot_screen(svc, round_, ballot, language))

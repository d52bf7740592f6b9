"""People acting through the sandbox: the steps a leader and members take in Telegram, each waiting
(event-driven) for the bot's answer. Used by the tests and by ``werkdruk-bot demo``."""

from __future__ import annotations

import re


def join_url(message) -> str:
    """The deep link of the join button on a bot message."""
    urls = [button["url"] for button in message.buttons if "url" in button]
    assert len(urls) == 1, message.buttons
    assert re.fullmatch(r"https://t\.me/\w+\?start=[A-Za-z0-9_-]{1,64}", urls[0]), urls[0]
    return urls[0]


async def register(sandbox, leader, group):
    """Add the bot to ``group`` and let ``leader`` (an administrator) register it; return the join message."""
    mark = sandbox.mark()
    await sandbox.add_bot_to_group(group, by=leader)
    await sandbox.wait_for_message(group.id, since=mark, contains="beheerder van deze groep")
    mark = sandbox.mark()
    await sandbox.send_text(leader, "/start", chat=group)
    return await sandbox.wait_for_message(group.id, since=mark, contains="is geregistreerd")


async def join(sandbox, user, url, contains):
    """Open the deep link as ``user`` and return the bot's private answer."""
    mark = sandbox.mark()
    await sandbox.open_deep_link(user, url)
    return await sandbox.wait_for_message(user.id, since=mark, contains=contains)


async def form_team(sandbox, names, leader_name="Sanne", language_code="nl", title="OBS De Regenboog"):
    """A registered team: the leader and the named members, all joined through the deep link."""
    leader = sandbox.add_user(leader_name, language_code=language_code)
    members = [sandbox.add_user(name, language_code=language_code) for name in names]
    group = sandbox.add_group(title, owner=leader, members=members)
    url = join_url(await register(sandbox, leader, group))
    await join(sandbox, leader, url, None)
    for member in members:
        await join(sandbox, member, url, None)
    return leader, members, group


async def say(sandbox, user, text, chat=None, contains=None):
    """Send ``text`` and return the bot's next message in that chat."""
    mark = sandbox.mark()
    await sandbox.send_text(user, text, chat=chat)
    return await sandbox.wait_for_message(chat.id if chat else user.id, since=mark, contains=contains)


async def press(sandbox, user, message, data_prefix):
    """Press the button whose callback data starts with ``data_prefix``; return the edited message."""
    buttons = [b["callback_data"] for row in message["reply_markup"]["inline_keyboard"] for b in row if "callback_data" in b]
    matches = [d for d in buttons if d.startswith(data_prefix)]
    assert matches, f"no button {data_prefix!r} in {buttons}"
    mark = sandbox.mark()
    query = await sandbox.press_button(user, message, matches[0])
    await sandbox.wait_for_callback_answer(query)
    edit = await sandbox.wait_for_edit(message["chat"]["id"], message["message_id"], since=mark)
    return edit.result


async def start_cycle(sandbox, leader, group, *, keep_sources=None, add_source=None, days_prefix="v1:cyc_go:", plan_until=None):
    """The leader starts a cycle at analyseren, trims the sources to ``keep_sources`` and opens the check-in;
    with ``plan_until`` (a typed date, e.g. "15-10-2026") the leader first plans the school year back from
    that PMR date ("📅 Plan vanaf een datum"), agrees, and starts from the schedule's screen."""
    choose = await say(sandbox, leader, "/cyclus")
    if plan_until is not None:
        await press(sandbox, leader, choose.message, "v1:sch_date:")
        proposal = await say(sandbox, leader, plan_until, contains="📅")
        planned = await press(sandbox, leader, proposal.message, "v1:sch_ok:")
        message = await press(sandbox, leader, planned, "v1:cyc_phase:")
    else:
        message = await press(sandbox, leader, choose.message, "v1:cyc_phase:")
    if keep_sources is not None:
        while True:
            labels = re.findall(r"^\d+\. (.+)$", message["text"], re.M)
            drop = [i for i, label in enumerate(labels) if label not in keep_sources]
            if not drop:
                break
            team_id = message["reply_markup"]["inline_keyboard"][0][0]["callback_data"].split(":")[2]
            message = await press(sandbox, leader, message, f"v1:src_del:{team_id}:{drop[0]}")
    if add_source:
        await press(sandbox, leader, message, "v1:src_add:")
        editor = await say(sandbox, leader, add_source, contains="Bronnen van werkdruk")
        message = editor.message
    message = await press(sandbox, leader, message, "v1:src_ok:")
    mark = sandbox.mark()
    await press(sandbox, leader, message, days_prefix)
    return await sandbox.wait_for_message(group.id, since=mark, contains="Fase 1: analyseren")


def round_url(announcement) -> str:
    """The deep link on a phase announcement's button."""
    url = announcement.buttons[0]["url"]
    assert re.fullmatch(r"https://t\.me/\w+\?start=round_\d+", url), url
    return url


async def open_round(sandbox, user, url, contains):
    """Open a round's deep link and return the bot's message containing ``contains``."""
    mark = sandbox.mark()
    await sandbox.open_deep_link(user, url)
    return await sandbox.wait_for_message(user.id, since=mark, contains=contains)


async def answer_questions(sandbox, user, question, answers):
    """Answer from the current ``question`` message on: ints tap options, str types text, None skips."""
    message = question.message if hasattr(question, "message") else question
    for value in answers:
        data = message["reply_markup"]["inline_keyboard"]
        round_id, index = _round_and_index(data)
        if isinstance(value, str):
            reply = await say(sandbox, user, value)
            message = reply.message
        elif value is None:
            message = await press(sandbox, user, message, f"v1:skip:{round_id}:{index}")
        else:
            message = await press(sandbox, user, message, f"v1:ans:{round_id}:{index}:{value}")
    return message


def _round_and_index(keyboard) -> tuple[str, str]:
    for row in keyboard:
        for button in row:
            parts = button.get("callback_data", "").split(":")
            if parts[1] in ("ans", "skip"):
                return parts[2], parts[3]
    raise AssertionError(f"not a question: {keyboard}")


async def check_in(sandbox, user, url, answers):
    """A whole check-in: open, answer everything, send; returns the thank-you text."""
    question = await open_round(sandbox, user, url, "Vraag 1 van")
    review = await answer_questions(sandbox, user, question, answers)
    assert "Klopt alles?" in review["text"]
    done = await press(sandbox, user, review, "v1:send:")
    return done["text"]


async def leader_moves_on(sandbox, leader, expect_confirm="Doorgaan?"):
    """/volgende, then confirm; returns the confirmation's edited text."""
    ask = await say(sandbox, leader, "/volgende", contains=expect_confirm)
    done = await press(sandbox, leader, ask.message, "v1:next_go:")
    return done["text"]


async def open_vote(sandbox, leader, group):
    """The leader closes the proposals (/volgende) and opens the dot-vote; returns the vote's deep link."""
    mark = sandbox.mark()
    await leader_moves_on(sandbox, leader)
    screen = await sandbox.wait_for_message(leader.id, since=mark, contains="De voorstellen van team")
    mark = sandbox.mark()
    await press(sandbox, leader, screen.message, "v1:vote_open:")
    return round_url(await sandbox.wait_for_message(group.id, since=mark, contains="Stemmen"))


async def propose(sandbox, user, url, catalogue=None, own_words=None, source=None):
    """Make one proposal: from the catalogue or in own words, for a source or none."""
    mark = sandbox.mark()
    await sandbox.open_deep_link(user, url)
    choose = await sandbox.wait_for_message(user.id, since=mark, contains="Kies een maatregel")
    if catalogue:
        button = next(b for b in choose.buttons if b["text"].startswith(catalogue))
        which = await press(sandbox, user, choose.message, button["callback_data"])
    else:
        await press(sandbox, user, choose.message, "v1:prop_cat:" + choose.callback_datas[0].split(":")[2] + ":-1")
        which = (await say(sandbox, user, own_words, contains="Bij welke bron")).message
    labels = {b["text"]: b["callback_data"] for row in which["reply_markup"]["inline_keyboard"] for b in row}
    data = labels[source] if source else labels["Geen bepaalde bron"]
    thanks = await press(sandbox, user, which, data)
    assert "anoniem opgeslagen" in thanks["text"]


async def press_numbered(sandbox, user, message, number, skip=None):
    """Press the button labelled ``number`` (buttons are numbered like the list)."""
    data = next(b["callback_data"] for row in message["reply_markup"]["inline_keyboard"] for b in row if b["text"] == number)
    return await press(sandbox, user, message, data)


async def vote(sandbox, user, url, choices):
    """Spread the votes as ``choices`` (one entry per vote) and send the ballot."""
    mark = sandbox.mark()
    await sandbox.open_deep_link(user, url)
    ballot = (await sandbox.wait_for_message(user.id, since=mark, contains="verdeel je 3 stemmen")).message
    numbers = {text.rstrip(" ●"): n for n, text in re.findall(r"^(\d+)\. (.+)$", ballot["text"], re.M)}
    for choice in choices:
        data = next(b["callback_data"] for row in ballot["reply_markup"]["inline_keyboard"] for b in row if b["text"] == f"{numbers[choice]} ➕")
        ballot = await press(sandbox, user, ballot, data)
    done = await press(sandbox, user, ballot, "v1:vote_send:")
    assert "anoniem opgeslagen" in done["text"]



async def fill_item(sandbox, leader, overview, number, fields):
    """Press ✏️ on a measure, then type its fields as the bot asks for them."""
    data = next(b["callback_data"] for row in overview["reply_markup"]["inline_keyboard"] for b in row if b["text"] == f"✏️ {number}")
    item = await press(sandbox, leader, overview, data)
    asked = await press(sandbox, leader, item, "v1:plan_field:")
    assert "doel" in asked["text"]
    reply = None
    for value in fields:
        reply = await say(sandbox, leader, value)
    return reply


async def confirm_measures(sandbox, leader, overview, costs=None):
    """Walk through a plan whose measures came filled in: per measure type only its cost when ``costs`` has
    one (measure number -> text, e.g. {1: "38000"}), then tap ✅; the bot shows the next measure with a
    proposal until all are confirmed. Returns the last screen (with the plan's buttons, 🗳 among them)."""
    costs = costs or {}
    keyboard = overview["reply_markup"]["inline_keyboard"] if isinstance(overview, dict) else overview.message["reply_markup"]["inline_keyboard"]
    message = overview if isinstance(overview, dict) else overview.message
    data = next(b["callback_data"] for row in keyboard for b in row if b["text"] == "✏️ 1")
    screen = await press(sandbox, leader, message, data)
    while "✅" in str(screen.get("reply_markup")):
        number = int(re.search(r"Maatregel (\d+):", screen["text"]).group(1))
        if number in costs:
            field = next(b["callback_data"] for row in screen["reply_markup"]["inline_keyboard"] for b in row if b["text"].endswith("Kosten"))
            await press(sandbox, leader, screen, field)
            screen = (await say(sandbox, leader, costs[number], contains="Opgeslagen")).message
        screen = await press(sandbox, leader, screen, "v1:plan_ok:")
    return screen

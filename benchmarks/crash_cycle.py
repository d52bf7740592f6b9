"""The whole cycle the every-point crash run (``benchmarks.crash``) scripts: the people act as in Telegram - each
action (a tap, a text) is sent once, and the script then waits until Telegram has handed it to the bot and the
bot confirmed it; what they do next depends on what their chat shows. A step whose effect is missing raises
``Lost``."""

from __future__ import annotations

import json
import re
from pathlib import Path

from bot.sandbox import Sandbox
from tests.reliability.conftest import query

CHECK_IN = [3, 3, 3, 2, 3, None, None]  # nea x3, administratie, influence, two open questions skipped
QUESTION = ("v1:ans:", "v1:skip:", "v1:send:", "v1:back:", "v1:chg:")  # a check-in's screens


class Lost(AssertionError):
    """Something a person did did not take effect."""


def _pending(sandbox: Sandbox, update_id: int) -> bool:
    return any(update["update_id"] == update_id for update, _ in sandbox.world.pending)


class People:
    """The leader and members acting through the sandbox; every action waits until the bot confirmed it."""

    def __init__(self, sandbox: Sandbox, db_path: Path) -> None:
        self.sb = sandbox
        self.db_path = db_path  # read as an operator would, to check what a person's tap changed

    async def _confirmed(self) -> None:
        update_id = self.sb.updates[-1]["update_id"]
        await self.sb.wait_until(lambda: not _pending(self.sb, update_id) and self.sb.held is None, timeout=90)

    async def text(self, user, text: str, chat=None) -> None:
        await self.sb.send_text(user, text, chat=chat)
        await self._confirmed()

    async def tap(self, user, message: dict, data: str) -> None:
        await self.sb.press_button(user, message, data)
        await self._confirmed()

    def screen(self, chat_id: int, prefix: str | tuple = "", contains: str = "", since: int = 0) -> dict | None:
        """The newest bot message in the chat with a button starting with ``prefix`` (one of them) and text with
        ``contains``."""
        for message in reversed(self.sb.chat_history(chat_id)[since:]):
            if not message.get("from", {}).get("is_bot"):
                continue
            datas = [b.get("callback_data", "") for row in (message.get("reply_markup") or {}).get("inline_keyboard", []) for b in row]
            if contains in (message.get("text") or message.get("caption") or "") and (not prefix or any(d.startswith(prefix) for d in datas)):
                return message
        return None

    @staticmethod
    def data(message: dict, prefix: str = "", label: str | None = None) -> str:
        for row in message["reply_markup"]["inline_keyboard"]:
            for button in row:
                data = button.get("callback_data", "")
                if data.startswith(prefix) and label in (None, button["text"]):
                    return data
        raise Lost(f"no button {prefix or label!r} on {message.get('text', '')[:60]!r}")

    async def show(self, user, command: str, prefix: str = "", contains: str = "", chat=None) -> dict:
        """Send a command that only shows something (a round's link, /plan, /volgende) and return the screen it
        shows; when a kill cut the screen off after the command was recorded, the person sends it again."""
        chat_id = chat.id if chat else user.id
        for _ in range(2):
            mark = len(self.sb.chat_history(chat_id))
            await self.text(user, command, chat=chat)
            screen = self.screen(chat_id, prefix, contains, since=mark)
            if screen is not None:
                return screen
        raise Lost(f"{command}: nothing shown ({self.sb.chat_history(chat_id)[-1].get('text', '')[:60]!r})")

    async def message_with(self, chat_id: int, contains: str, since: int = 0) -> dict:
        sent = await self.sb.wait_for_message(chat_id, since=since, contains=contains, timeout=90)
        return sent.message

    # --- the steps of a cycle -----------------------------------------------------------------------
    async def check_in(self, user, url: str, answers: list) -> None:
        """Open the round, answer every question (a tap each; None skips), send; a tap that does not move the
        screen on was lost."""
        command = "/start " + url.rsplit("start=", 1)[1]
        for _ in range(2):
            mark = len(self.sb.chat_history(user.id))
            await self.text(user, command)
            shown = self.sb.chat_history(user.id)[mark:]
            if any("al ingevuld" in (m.get("text") or "") for m in shown):
                return
            message = self.screen(user.id, QUESTION, since=mark)
            if message is not None:
                break
        else:
            raise Lost(f"{user.first_name}: {command} showed no question")
        while True:
            text = self._current(user.id, message) or ""
            message = next(m for m in self.sb.chat_history(user.id) if m["message_id"] == message["message_id"])
            if "Dank je wel" in text:
                return
            if "Klopt alles?" in text:
                await self.tap(user, message, self.data(message, "v1:send:"))
                if "Dank je wel" not in (self._current(user.id, message) or ""):
                    raise Lost(f"{user.first_name}: sent, but not thanked")
                return
            found = re.search(r"Vraag (\d+) van", text)
            if found is None:
                raise Lost(f"{user.first_name}: unexpected screen {text[:60]!r}")
            index = int(found.group(1)) - 1
            value = answers[index]
            if not any(b.get("callback_data", "").startswith("v1:ans:") for row in message["reply_markup"]["inline_keyboard"] for b in row):
                value = None  # an open question: skipped
            data = self.data(message, "v1:skip:") if value is None else self.data(message, "v1:ans:").rsplit(":", 1)[0] + f":{value}"
            await self.tap(user, message, data)
            if f"Vraag {index + 1} van" in (self._current(user.id, message) or ""):
                raise Lost(f"{user.first_name}: answer {index + 1} did not take")

    def _current(self, chat_id: int, message: dict) -> str | None:
        for current in self.sb.chat_history(chat_id):
            if current["message_id"] == message["message_id"]:
                return current.get("text")
        return None

    async def move_on(self, leader, contains: str = "Doorgaan?") -> None:
        """/volgende, then "Ja, ga door"."""
        ask = await self.show(leader, "/volgende", "v1:next_go:", contains)
        await self.tap(leader, ask, self.data(ask, "v1:next_go:"))


def _sources(db_path: Path) -> int:
    rows = query(db_path, "SELECT sources FROM team_sources")
    return len(json.loads(rows[0][0])) if rows else 0


async def cycle(sandbox: Sandbox, people: People) -> None:
    """The whole cycle: team forms, check-in, close, proposals, vote, plan, plan vote, PMR, evaluation."""
    sb = sandbox
    leader = sb.add_user("Sanne")
    anna, bram = sb.add_user("Anna"), sb.add_user("Bram")
    group = sb.add_group("OBS De Regenboog", owner=leader, members=[anna, bram])
    await sb.add_bot_to_group(group, by=leader)
    await people._confirmed()
    await people.text(leader, "/start", chat=group)
    register = people.screen(group.id, contains="is geregistreerd") or people.screen(group.id, contains="Meedoen")
    if register is None:  # the answer was cut off by the kill: ask again
        await people.text(leader, "/start", chat=group)
        register = people.screen(group.id, contains="Meedoen") or people.screen(group.id, contains="geregistreerd")
    url = next(b["url"] for m in reversed(sb.chat_history(group.id)) for row in (m.get("reply_markup") or {}).get("inline_keyboard", []) for b in row if "url" in b)
    for user in (leader, anna, bram):
        await people.text(user, "/start " + url.rsplit("start=", 1)[1])

    # analyseren: one source of workload, no deadline
    choose = await people.show(leader, "/cyclus", "v1:cyc_phase:")
    await people.tap(leader, choose, people.data(choose, "v1:cyc_phase:"))
    while True:
        editor = people.screen(leader.id, "v1:src_del:")
        labels = re.findall(r"^\d+\. (.+)$", editor["text"], re.M)
        if len(labels) <= 1:
            break
        stored = _sources(people.db_path)  # 0: no row yet, the default list as shown
        stale = bool(stored) and stored != len(labels)  # a kill cut off the last removal's screen: this tap only redraws it
        before = stored or len(labels)
        await people.tap(leader, editor, people.data(editor, "v1:src_del:"))
        if _sources(people.db_path) != (before if stale else before - 1):
            raise Lost("a removed source came back, or one too many went")
    editor = people.screen(leader.id, "v1:src_ok:")
    await people.tap(leader, editor, people.data(editor, "v1:src_ok:"))
    deadline = people.screen(leader.id, "v1:cyc_go:")
    mark = sb.mark()
    await people.tap(leader, deadline, people.data(deadline, "v1:cyc_go:")[:-1] + "0")
    analysis_url = next(b["url"] for b in (await people.message_with(group.id, "Fase 1: analyseren", mark))["reply_markup"]["inline_keyboard"][0])
    for user in (leader, anna, bram):
        await people.check_in(user, analysis_url, CHECK_IN)

    # bespreken: proposals, the leader closes them and opens the vote
    mark = sb.mark()
    await people.move_on(leader)
    proposals_url = next(b["url"] for b in (await people.message_with(group.id, "Fase 2: bespreken", mark))["reply_markup"]["inline_keyboard"][0])
    for user, key in ((anna, "onderwijsassistent"), (bram, "Vaste mailmomenten"), (leader, "onderwijsassistent")):
        for _ in range(2):  # the choice is kept only once its source is chosen: a cut-off screen means choosing again
            choose = await people.show(user, "/start " + proposals_url.rsplit("start=", 1)[1], "v1:prop_cat:", "Kies een maatregel")
            if key == "onderwijsassistent":
                await people.tap(user, choose, next(b["callback_data"] for row in choose["reply_markup"]["inline_keyboard"] for b in row if b["text"].startswith(key)))
            else:
                await people.tap(user, choose, people.data(choose, "v1:prop_cat:").rsplit(":", 1)[0] + ":-1")
                await people.text(user, key + " voor ouders")
            which = people.screen(user.id, "v1:prop_src:", contains="Bij welke bron")
            if which is not None:
                break
        await people.tap(user, which, people.data(which, label="Geen bepaalde bron"))
    mark = sb.mark()
    await people.move_on(leader)
    screen = await people.message_with(leader.id, "De voorstellen van team", mark)
    await people.tap(leader, screen, people.data(screen, "v1:vote_open:"))
    vote_url = next(b["url"] for b in (await people.message_with(group.id, "Stemmen", mark))["reply_markup"]["inline_keyboard"][0])
    for user in (leader, anna, bram):
        await people.show(user, "/start " + vote_url.rsplit("start=", 1)[1], "v1:vote", "verdeel je 3 stemmen")
        for dots in range(1, 4):
            ballot = people.screen(user.id, "v1:vote:", contains="verdeel je 3 stemmen")
            numbers = {label.rstrip(" ●"): n for n, label in re.findall(r"^(\d+)\. (.+)$", ballot["text"], re.M)}
            await people.tap(user, ballot, people.data(ballot, label=f"{numbers['onderwijsassistent']} ➕"))  # the list's order is random
            if (people._current(user.id, ballot) or "").count("●") != dots:  # the screen may have been cut off
                again = await people.show(user, "/start " + vote_url.rsplit("start=", 1)[1], "v1:vote", "verdeel je 3 stemmen")
                if again["text"].count("●") != dots:
                    raise Lost(f"{user.first_name}: vote {dots} did not take")
        ballot = people.screen(user.id, "v1:vote_send:")
        await people.tap(user, ballot, people.data(ballot, "v1:vote_send:"))

    # aanpakken: the plan starts filled in for the catalogue measure; the leader types its cost and confirms
    # the rest, puts it to the team, it is adopted, the PMR consents
    mark = sb.mark()
    await people.move_on(leader)
    await people.message_with(group.id, "Fase 3: aanpakken", mark)
    overview = await people.show(leader, "/plan", "v1:plan_item:")
    await people.tap(leader, overview, people.data(overview, label="✏️ 1"))
    item = people.screen(leader.id, "v1:plan_ok:")
    cost = [button for row in item["reply_markup"]["inline_keyboard"] for button in row if button.get("callback_data", "").startswith("v1:plan_field:")][4]
    await people.tap(leader, item, cost["callback_data"])
    await people.text(leader, "50000")
    item = people.screen(leader.id, "v1:plan_ok:", contains="Opgeslagen")
    if item is None:  # the screen after the cost was cut off by a kill: open the measure again
        overview = await people.show(leader, "/plan", "v1:plan_item:")
        await people.tap(leader, overview, people.data(overview, label="✏️ 1"))
        item = people.screen(leader.id, "v1:plan_ok:")
    await people.tap(leader, item, people.data(item, "v1:plan_ok:"))
    overview = people.screen(leader.id, "v1:plan_submit:") or await people.show(leader, "/plan", "v1:plan_submit:")
    mark = sb.mark()
    await people.tap(leader, overview, people.data(overview, "v1:plan_submit:"))
    plan_vote_url = next(b["url"] for b in (await people.message_with(group.id, "Stem over het plan", mark))["reply_markup"]["inline_keyboard"][0])
    for user in (leader, anna, bram):
        ballot = await people.show(user, "/start " + plan_vote_url.rsplit("start=", 1)[1], "v1:pv:")
        await people.tap(user, ballot, people.data(ballot, "v1:pv:"))
        confirm = people.screen(user.id, "v1:pv_send:")
        await people.tap(user, confirm, people.data(confirm, "v1:pv_send:"))
    mark = sb.mark()
    await people.move_on(leader)
    await people.message_with(group.id, "aangenomen", mark)
    overview = await people.show(leader, "/plan", "v1:pmr:")
    await people.tap(leader, overview, people.data(overview, "v1:pmr:"))
    ask = people.screen(leader.id, "v1:pmr_today:")
    if ask is None:  # the question was cut off: the leader asks for it again
        overview = await people.show(leader, "/plan", "v1:pmr:")
        await people.tap(leader, overview, people.data(overview, "v1:pmr:"))
        ask = people.screen(leader.id, "v1:pmr_today:")
    await people.tap(leader, ask, people.data(ask, "v1:pmr_today:"))

    # evalueren: the evaluation check-in, closed
    mark = sb.mark()
    await people.move_on(leader)
    evaluation_url = next(b["url"] for b in (await people.message_with(group.id, "Fase 4: evalueren", mark))["reply_markup"]["inline_keyboard"][0])
    for user in (leader, anna, bram):
        await people.check_in(user, evaluation_url, [3] * 20)
    mark = sb.mark()
    await people.move_on(leader)
    await people.message_with(group.id, "is afgerond", mark)

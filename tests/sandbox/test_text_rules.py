"""Telegram text rules: HTML parse mode, length limits in UTF-16, callback data bytes, deep links."""

from __future__ import annotations

import html
import random

import pytest

from bot.sandbox import Sandbox
from bot.sandbox.html_check import HtmlError, parse_html


@pytest.mark.parametrize(("html", "plain"), [
    ("<b>vet</b> &amp; <i>schuin</i>", "vet & schuin"),
    ("<strong>a</strong><em>b</em><u>c</u><ins>d</ins><s>e</s><strike>f</strike><del>g</del>", "abcdefg"),
    ('<span class="tg-spoiler">geheim</span> <tg-spoiler>ook</tg-spoiler>', "geheim ook"),
    ("<a href='https://example.org/?a=1&amp;b=2'>link</a>", "link"),
    ('<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>', "👍"),
    ('<pre><code class="language-python">x = 1 &lt; 2</code></pre>', "x = 1 < 2"),
    ("<blockquote expandable>lang citaat</blockquote>", "lang citaat"),
    ("&lt;&gt;&quot;&#65;&#x1F600;", '<>"A😀'),
    ("<B>hoofdletters</B>", "hoofdletters"),
])
def test_valid_html_gives_plain_text(html: str, plain: str) -> None:
    """Accepted Telegram HTML parses to the expected plain text."""
    assert parse_html(html)[0] == plain


def test_html_entities_have_utf16_offsets() -> None:
    """Entities carry UTF-16 offsets and lengths, as Telegram returns them."""
    _, entities = parse_html('😀 <b>x</b> <a href="https://e.org">y</a> <pre><code class="language-py">z</code></pre>')
    assert entities == [
        {"type": "bold", "offset": 3, "length": 1},
        {"type": "text_link", "url": "https://e.org", "offset": 5, "length": 1},
        {"type": "pre", "language": "py", "offset": 7, "length": 1},
    ]


@pytest.mark.parametrize("html", [
    "<b>open", "dicht</b>", "<b><i>x</b></i>", "<br>", "<p>alinea</p>", "<span>x</span>",
    "<a>geen href</a>", "<tg-emoji>x</tg-emoji>", "1 < 2", "2 > 1", "Tom & Jerry", "&nbsp;",
    "<b", '<a href="x>y</a>', "&#0;",
])
def test_invalid_html_is_rejected(html: str) -> None:
    """HTML that Telegram refuses raises HtmlError."""
    with pytest.raises(HtmlError):
        parse_html(html)


async def started(sb: Sandbox):
    """A user who pressed Start."""
    user = sb.add_user("Anna")
    await sb.send_text(user, "/start")
    return user


async def test_bad_html_is_400_and_violation(sb: Sandbox, raw) -> None:
    """sendMessage with broken HTML answers 400 "can't parse entities" and records an html violation."""
    anna = await started(sb)
    code, body = await raw.form("sendMessage", chat_id=anna.id, text="<b>open", parse_mode="HTML")
    assert code == 400
    assert body["description"].startswith("Bad Request: can't parse entities: ")
    code, _ = await raw.form("sendMessage", chat_id=anna.id, text="Tom & Jerry", parse_mode="HTML")
    assert code == 400
    assert [v.rule for v in sb.violations] == ["html", "html"]
    code, _ = await raw.form("sendMessage", chat_id=anna.id, text="Tom & Jerry")
    assert code == 200  # without parse_mode the text is literal
    assert sb.sent_messages()[-1].text == "Tom & Jerry"


async def test_text_length_counts_utf16_after_parsing(sb: Sandbox, raw) -> None:
    """4096 UTF-16 units after HTML parsing is fine, 4097 is "message is too long"; emoji count double."""
    anna = await started(sb)
    ok_texts = ["a" * 4096, "😀" * 2048, "<b>" + "a" * 4096 + "</b>", "&amp;" * 4096]
    for text in ok_texts:  # each to its own chat: four at once into one private chat would exceed its pace
        code, body = await raw.form("sendMessage", chat_id=(await started(sb)).id, text=text, parse_mode="HTML")
        assert code == 200, body
    sb.assert_no_violations()
    for text in ["a" * 4097, "😀" * 2048 + "a", "&amp;" * 4097]:
        code, body = await raw.form("sendMessage", chat_id=anna.id, text=text, parse_mode="HTML")
        assert code == 400 and body["description"] == "Bad Request: message is too long"
    assert [v.rule for v in sb.violations] == ["text_too_long"] * 3


async def test_empty_text_is_refused(sb: Sandbox, raw) -> None:
    """Text that is empty after parsing (e.g. only tags or whitespace) is "message text is empty"."""
    anna = await started(sb)
    for text in ["<b></b>", "   "]:
        code, body = await raw.form("sendMessage", chat_id=anna.id, text=text, parse_mode="HTML")
        assert code == 400 and body["description"] == "Bad Request: message text is empty"
    assert [v.rule for v in sb.violations] == ["text_empty", "text_empty"]


async def test_caption_limit_1024(sb: Sandbox, raw) -> None:
    """A document caption of 1024 characters is fine, 1025 is refused."""
    anna = await started(sb)
    url = f"{sb.base_url}{sb.token}/sendDocument"
    ok = await raw.http.post(url, data={"chat_id": str(anna.id), "caption": "c" * 1024},
                             files={"document": ("plan.txt", b"inhoud", "text/plain")})
    assert ok.status_code == 200
    bad = await raw.http.post(url, data={"chat_id": str(anna.id), "caption": "c" * 1025},
                              files={"document": ("plan.txt", b"inhoud", "text/plain")})
    assert bad.status_code == 400
    assert [v.rule for v in sb.violations] == ["caption_too_long"]
    sent = sb.sent_messages(anna.id)[-1]
    assert sent.document.content == b"inhoud" and sent.document.filename == "plan.txt"


@pytest.mark.parametrize(("data", "ok"), [
    ("x" * 64, True), ("x" * 65, False), ("é" * 32, True), ("é" * 32 + "x", False),
    ("😀" * 16, True), ("😀" * 16 + "x", False), ("", False),
])
async def test_callback_data_is_1_to_64_bytes(sb: Sandbox, raw, data: str, ok: bool) -> None:
    """callback_data is limited to 1-64 UTF-8 bytes (multibyte characters count per byte)."""
    anna = await started(sb)
    code, body = await raw.form("sendMessage", chat_id=anna.id, text="kies",
                                reply_markup={"inline_keyboard": [[{"text": "k", "callback_data": data}]]})
    if ok:
        assert code == 200
        sb.assert_no_violations()
    else:
        assert code == 400 and body["description"] == "Bad Request: BUTTON_DATA_INVALID"
        assert [v.rule for v in sb.violations] == ["callback_data_invalid"]


async def test_deep_link_buttons_are_checked(sb: Sandbox, raw) -> None:
    """A URL button to t.me/<this bot>?start= with an invalid payload is a deep_link_payload violation."""
    anna = await started(sb)
    good = f"https://t.me/{sb.bot_username}?start=team-42_ok"
    for url in [good, "https://t.me/other_bot?start=a b", f"https://t.me/{sb.bot_username}?start=a+b"]:
        code, _ = await raw.form("sendMessage", chat_id=anna.id, text="open",
                                 reply_markup={"inline_keyboard": [[{"text": "open", "url": url}]]})
        assert code == 200
    assert [v.rule for v in sb.violations] == ["deep_link_payload"]


@pytest.mark.parametrize(("link", "sent_text", "violation"), [
    ("https://t.me/werkdruk_test_bot?start=abc-DEF_123", "/start abc-DEF_123", None),
    ("abc", "/start abc", None),
    ("x" * 64, "/start " + "x" * 64, None),
    ("x" * 65, "/start", "deep_link_payload"),
    ("https://t.me/werkdruk_test_bot?start=a%20b", "/start", "deep_link_payload"),
    ("https://t.me/werkdruk_test_bot?start=", "/start", "deep_link_payload"),
])
async def test_open_deep_link(sb: Sandbox, link: str, sent_text: str, violation: str | None) -> None:
    """open_deep_link sends /start <payload> in the private chat and checks the payload rules."""
    anna = sb.add_user("Anna")
    msg = await sb.open_deep_link(anna, link)
    assert msg["text"] == sent_text and msg["chat"]["id"] == anna.id
    assert anna.started_bot
    assert [v.rule for v in sb.violations] == ([violation] if violation else [])


async def test_deep_link_to_other_bot(sb: Sandbox) -> None:
    """A deep link for another bot is a violation and sends nothing."""
    anna = sb.add_user("Anna")
    assert await sb.open_deep_link(anna, "https://t.me/other_bot?start=abc") is None
    assert [v.rule for v in sb.violations] == ["deep_link_bot"]
    assert sb.updates == []


async def test_callback_answer_text_limit(sb: Sandbox, raw) -> None:
    """answerCallbackQuery text over 200 characters is refused and recorded; 200 is fine."""
    anna = await started(sb)
    _, body = await raw.form("sendMessage", chat_id=anna.id, text="kies",
                             reply_markup={"inline_keyboard": [[{"text": "k", "callback_data": "k"}]]})
    first = await sb.press_button(anna, body["result"], "k")
    second = await sb.press_button(anna, body["result"], "k")
    code, _ = await raw.form("answerCallbackQuery", callback_query_id=first, text="x" * 201)
    assert code == 400
    code, _ = await raw.form("answerCallbackQuery", callback_query_id=second, text="x" * 200)
    assert code == 200
    assert [v.rule for v in sb.violations] == ["callback_answer_too_long"]


def test_escaped_text_round_trips() -> None:
    """Any text escaped with html.escape parses back to itself with no entities (seeded fuzz)."""
    rng = random.Random(20240601)
    alphabet = "ab <>&\"'\n😀é#;x"
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        assert parse_html(html.escape(text)) == (text, [])


def test_parser_only_raises_html_error() -> None:
    """Arbitrary tag soup either parses or raises HtmlError, never another exception (seeded fuzz)."""
    rng = random.Random(4096)
    tokens = ["<", ">", "/", "&", ";", "#", "x", "b", "i", "a", " ", "=", '"', "'", "href", "span",
              "class", "tg-spoiler", "pre", "code", "&lt;", "&#65;", "<b>", "</b>", "😀"]
    for _ in range(2000):
        text = "".join(rng.choice(tokens) for _ in range(rng.randint(0, 25)))
        try:
            parse_html(text)
        except HtmlError:
            pass

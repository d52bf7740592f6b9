"""Checker for Telegram's ``parse_mode=HTML`` rules.

``parse_html(text)`` returns the plain text (tags removed, entities decoded)
plus the resulting MessageEntity dicts (UTF-16 offsets), or raises
``HtmlError`` with a Telegram-like message when Telegram would refuse the text
with "Bad Request: can't parse entities: ...".

Rules: allowed tags are b, strong, i, em, u, ins, s, strike, del,
span (only with class="tg-spoiler"), tg-spoiler, a (href required),
tg-emoji (emoji-id required), code, pre (may contain one code with
class="language-xxx"), blockquote (optional attribute expandable).  Tags must
nest and close properly.  Only the named entities &lt; &gt; &amp; &quot; and
numeric entities are allowed; any other ``<``, ``>`` or ``&`` is an error.
"""

from __future__ import annotations

import re

_SIMPLE = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic",
    "u": "underline", "ins": "underline", "s": "strikethrough",
    "strike": "strikethrough", "del": "strikethrough", "tg-spoiler": "spoiler",
    "code": "code", "pre": "pre", "blockquote": "blockquote",
    "span": "spoiler", "a": "text_link", "tg-emoji": "custom_emoji",
}
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY = re.compile(r"&(?:(lt|gt|amp|quot)|#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6}));")
_NAME = re.compile(r"[a-zA-Z][a-zA-Z0-9-]*")
_ATTR_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_-]*")
_UNQUOTED = re.compile(r"[^\s\"'<>=`]+")


class HtmlError(ValueError):
    """Telegram would refuse this HTML: "Bad Request: can't parse entities: <msg>"."""


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units, as Telegram counts."""
    return len(text.encode("utf-16-le")) // 2


def _offset(text: str, i: int) -> int:
    return len(text[:i].encode("utf-8"))


def _decode_entity(text: str, i: int) -> tuple[str, int]:
    match = _ENTITY.match(text, i)
    if not match:
        raise HtmlError(f"Unsupported HTML entity or unescaped \"&\" at byte offset {_offset(text, i)}")
    named, dec, hexa = match.groups()
    if named:
        return _NAMED[named], match.end()
    code = int(dec) if dec else int(hexa, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        raise HtmlError(f"Invalid numeric HTML entity at byte offset {_offset(text, i)}")
    return chr(code), match.end()


def _decode_value(text: str, raw_start: int, raw: str) -> str:
    out, j = [], 0
    while j < len(raw):
        if raw[j] == "&":
            ch, end = _decode_entity(raw, j)
            out.append(ch)
            j = end
        else:
            out.append(raw[j])
            j += 1
    return "".join(out)


def _parse_tag(text: str, i: int) -> tuple[str, bool, dict[str, str], int]:
    """Parse the tag starting at ``text[i] == '<'``: (name, closing, attrs, end)."""
    pos = _offset(text, i)
    j = i + 1
    closing = j < len(text) and text[j] == "/"
    if closing:
        j += 1
    match = _NAME.match(text, j)
    if not match:
        raise HtmlError(f"Unexpected \"<\" at byte offset {pos}; use &lt; for a literal \"<\"")
    name = match.group(0).lower()
    j = match.end()
    attrs: dict[str, str] = {}
    while True:
        while j < len(text) and text[j].isspace():
            j += 1
        if j >= len(text):
            raise HtmlError(f"Unclosed start tag at byte offset {pos}")
        if text[j] == ">":
            return name, closing, attrs, j + 1
        if closing:
            raise HtmlError(f"Expected \">\" at byte offset {_offset(text, j)} in end tag \"{name}\"")
        amatch = _ATTR_NAME.match(text, j)
        if not amatch:
            raise HtmlError(f"Invalid attribute name at byte offset {_offset(text, j)}")
        attr = amatch.group(0).lower()
        j = amatch.end()
        while j < len(text) and text[j].isspace():
            j += 1
        if j < len(text) and text[j] == "=":
            j += 1
            while j < len(text) and text[j].isspace():
                j += 1
            if j < len(text) and text[j] in "'\"":
                quote = text[j]
                end = text.find(quote, j + 1)
                if end < 0:
                    raise HtmlError(f"Unclosed end of attribute value at byte offset {_offset(text, j)}")
                raw = text[j + 1:end]
                if "<" in raw:
                    raise HtmlError(f"Unexpected \"<\" in attribute value at byte offset {_offset(text, j)}")
                attrs[attr] = _decode_value(text, j + 1, raw)
                j = end + 1
            else:
                umatch = _UNQUOTED.match(text, j)
                if not umatch:
                    raise HtmlError(f"Expected attribute value at byte offset {_offset(text, j)}")
                attrs[attr] = _decode_value(text, j, umatch.group(0))
                j = umatch.end()
        else:
            attrs[attr] = ""


def _entity_for(name: str, attrs: dict[str, str], pos: int, stack: list) -> dict:
    """Validate an opening tag; return the entity template (without offsets)."""
    if name not in _SIMPLE:
        raise HtmlError(f"Unsupported start tag \"{name}\" at byte offset {pos}")
    kind = _SIMPLE[name]
    entity: dict = {"type": kind}
    if name == "span" and attrs.get("class") != "tg-spoiler":
        raise HtmlError(f"Tag \"span\" must have class \"tg-spoiler\" at byte offset {pos}")
    if name == "a":
        href = attrs.get("href")
        if not href:
            raise HtmlError(f"Tag \"a\" must have a non-empty href attribute at byte offset {pos}")
        if href.startswith("tg://user?id=") and href[13:].isdigit():
            entity = {"type": "text_mention", "user": {"id": int(href[13:]), "is_bot": False,
                                                        "first_name": "user"}}
        else:
            entity["url"] = href
    if name == "tg-emoji":
        emoji_id = attrs.get("emoji-id")
        if not emoji_id or not emoji_id.isdigit():
            raise HtmlError(f"Tag \"tg-emoji\" must have a numeric emoji-id at byte offset {pos}")
        entity["custom_emoji_id"] = emoji_id
    if name == "blockquote" and "expandable" in attrs:
        entity["type"] = "expandable_blockquote"
    if name == "code" and stack and stack[-1][0] == "pre":
        lang = attrs.get("class", "")
        if lang.startswith("language-") and len(lang) > 9:
            stack[-1][2]["language"] = lang[9:]
    return entity


def parse_html(text: str) -> tuple[str, list[dict]]:
    """Parse Telegram HTML; return (plain_text, entities) or raise ``HtmlError``."""
    out: list[str] = []
    out_len = 0  # UTF-16 length of the output so far
    stack: list[tuple[str, int, dict, int]] = []  # (tag, utf16 start, entity, byte pos)
    entities: list[dict] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "<":
            pos = _offset(text, i)
            name, closing, attrs, end = _parse_tag(text, i)
            if closing:
                if not stack:
                    raise HtmlError(f"Unexpected end tag at byte offset {pos}")
                top = stack.pop()
                if top[0] != name:
                    raise HtmlError(
                        f"Unmatched end tag at byte offset {pos}, expected \"</{top[0]}>\", found \"</{name}>\"")
                length = out_len - top[1]
                if length > 0:
                    entity = dict(top[2], offset=top[1], length=length)
                    entities.append(entity)
            else:
                entity = _entity_for(name, attrs, pos, stack)
                stack.append((name, out_len, entity, pos))
            i = end
        elif ch == ">":
            raise HtmlError(f"Unexpected \">\" at byte offset {_offset(text, i)}; use &gt;")
        elif ch == "&":
            decoded, i = _decode_entity(text, i)
            out.append(decoded)
            out_len += utf16_len(decoded)
        else:
            out.append(ch)
            out_len += 2 if ord(ch) > 0xFFFF else 1
            i += 1
    if stack:
        raise HtmlError(f"Can't find end tag corresponding to start tag \"{stack[-1][0]}\"")
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    # Merge pre+code: drop the inner code entity of a pre block.
    pres = [(e["offset"], e["length"]) for e in entities if e["type"] == "pre"]
    entities = [e for e in entities if not (e["type"] == "code" and (e["offset"], e["length"]) in pres)]
    return "".join(out), entities


def check_text(text: str, parse_mode: str | None) -> tuple[str, list[dict]]:
    """Plain text and entities of ``text`` under ``parse_mode``.

    Only HTML is parsed; MarkdownV2/Markdown text is measured as-is
    (a documented simplification).
    """
    if parse_mode and parse_mode.lower() == "html":
        return parse_html(text)
    return text, []

"""What people type, made safe to store and show again: no broken characters, no invisible tricks."""

from __future__ import annotations

import re
import unicodedata

# Explicit bidi embeddings, overrides and isolates can make shown text read differently from what was
# stored; right-to-left letters themselves are kept.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def clean(text: str | None, limit: int | None = None) -> str:
    """``text`` with lone surrogates replaced (U+FFFD), control characters and bidi controls removed
    (newlines and tabs kept), surrounding whitespace trimmed, and cut to ``limit`` characters."""
    if not text:
        return ""
    text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    text = _BIDI_CONTROLS.sub("", text)
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    text = text.strip()
    return text[:limit] if limit is not None else text


def name(value: str | None, fallback: str = "?") -> str:
    """A person's or group's name as shown: cleaned, on one line, at most 64 characters."""
    return " ".join(clean(value).split())[:64] or fallback

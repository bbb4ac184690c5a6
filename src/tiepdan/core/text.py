"""Vietnamese text helpers shared by every stage."""
from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str | None) -> str:
    """Lower-case, diacritic-free, single-spaced form used for search.

    "Nguyễn Văn Bình" and "nguyen van binh" fold to the same string; đ/Đ, which
    Unicode does not decompose, become d.
    """
    if not text:
        return ""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", stripped.lower()).strip()


def normalise(text: str | None) -> str:
    """NFC form, trimmed and single-spaced: what we store for names typed by people."""
    if not text:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()

"""Name normalisation: the one rule by which a typed name meets a stored one."""

from __future__ import annotations

import re
import unicodedata

from gslookup.text import drop_format_chars

_IGNORED = re.compile(r"[\s\-_‐‑‒–—]+")


def _fold(name: str) -> str:
    # Bidi and zero-width characters (a BOM too) are invisible: they never change a name.
    name = drop_format_chars(name)
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())
    return _IGNORED.sub("", folded)


def normalize(name: str) -> str:
    """NFKC, casefold, and drop spaces, hyphens and underscores: 'MK 677' == 'mk-677' == 'MK677'."""
    # Folding can expose new foldable text (NFKC turns U+00A8 into a space and a combining mark;
    # dropping a hyphen can join a letter and an accent), so fold until nothing changes.
    folded = _fold(name)
    for _ in range(4):
        again = _fold(folded)
        if again == folded:
            break
        folded = again
    return folded

"""Name normalisation: the one rule by which a typed name meets a stored one."""

from __future__ import annotations

import re
import unicodedata

_IGNORED = re.compile(r"[\s\-_‐‑‒–—]+")


def normalize(name: str) -> str:
    """NFKC, casefold, and drop spaces, hyphens and underscores: 'MK 677' == 'mk-677' == 'MK677'."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    return _IGNORED.sub("", folded)

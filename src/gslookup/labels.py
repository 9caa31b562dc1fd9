"""Finding compound names in label text: ingredient lists, blends, product-page sentences.

A line is split into tokens: runs of letters, runs of digits, and single CJK characters
(Chinese, Japanese and Korean names are written without spaces). A name matches when the
folded text of consecutive tokens equals the folded text of a name's tokens, so a match
starts and ends on token boundaries (`GHRP-2` is not found in `GHRP-26`, `HGH` not in
`HGHX`) while spaces and hyphens inside a name do not matter (`MK-677`, `MK 677`, `mk677`).
Doses, salt words, brackets, bullets and footnote marks need no special rules: they are
simply tokens that are not part of a name.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from gslookup.normalize import normalize
from gslookup.text import drop_format_chars

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
TOKEN = re.compile(rf"[{_CJK}]|[^\W\d_{_CJK}]+|\d+")
MIN_FUZZY = 6
"""Shorter words are too often one letter away from something they are not."""

# Names that are ordinary words for a hormone rather than for a product ("HGH", "human growth
# hormone") are, next to marketing words, how legal "HGH support" supplements describe what
# they are for, not what they contain: reported as possible, never as a clean pass.
GENERIC_WORDS = frozenset(
    "human growth hormone hormones gh hgh rhgh r recombinant releasing factor factors "
    "insulin like igf i 1 ghrh".split()
)
MARKETING = re.compile(
    r"\b(support|boost|promot|product|level|natural|health|optimi[sz]|enhanc|increas|"
    r"maintain|stimulat|releaser|precursor|secretion|youth)\w*",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Match:
    compound_id: str
    matched: str
    possible: bool = False
    """True for a near miss ('ipamorlin') or a generic name in marketing wording."""


def clean(line: str) -> str:
    """The line without invisible characters (zero-width, bidi controls, BOM)."""
    return drop_format_chars(line)


def tokens(text: str) -> list[tuple[int, int, str]]:
    """(start, end, folded text) of every token."""
    return [(m.start(), m.end(), _fold(m.group())) for m in TOKEN.finditer(text)]


@lru_cache(maxsize=65_536)
def _fold(token: str) -> str:
    # Label words repeat a great deal, and most are ASCII, for which folding is lower-casing.
    return token.lower() if token.isascii() else normalize(token)


def name_key(name: str) -> str:
    return "".join(t for _, _, t in tokens(clean(name)))


class LabelMatcher:
    """Every name of every compound, ready to be found in free text."""

    def __init__(self, names: Iterable[tuple[str, str]]) -> None:
        """`names`: (name as written, compound id), lowest precedence first."""
        self.keys: dict[str, str] = {}
        self.generic: set[str] = set()
        longest = 1
        for label, compound_id in names:
            parts = [t for _, _, t in tokens(clean(label))]
            key = "".join(parts)
            if not key:
                continue
            self.keys[key] = compound_id  # a higher layer's name wins
            longest = max(longest, len(parts))
            if set(parts) <= GENERIC_WORDS:
                self.generic.add(key)
        self.sorted_keys = sorted(self.keys)
        self.longest = longest
        self._near: dict[str, set[str]] | None = None
        self._near_cache: dict[str, str | None] = {}

    def find(self, line: str) -> list[Match]:
        """Each compound named in the line once, in the order first named; then near misses."""
        text = clean(line)
        toks = tokens(text)
        found: dict[str, Match] = {}
        used = [False] * len(toks)
        i = 0
        while i < len(toks):
            end = self._longest_name_at(toks, i)
            if end is None:
                i += 1
                continue
            key = "".join(t for _, _, t in toks[i : end + 1])
            matched = text[toks[i][0] : toks[end][1]]
            self._add(found, self.keys[key], matched, key in self.generic and _marketing(text))
            used[i : end + 1] = [True] * (end + 1 - i)
            i = end + 1
        for (start, stop, folded), taken in zip(toks, used, strict=True):
            if not taken:
                near = self.near_miss(folded)
                if near and near not in found:
                    found[near] = Match(near, text[start:stop], possible=True)
        return list(found.values())

    def _add(self, found: dict[str, Match], compound_id: str, matched: str, possible: bool) -> None:
        before = found.get(compound_id)
        if before is None:
            found[compound_id] = Match(compound_id, matched, possible)
        elif matched.casefold() not in before.matched.casefold():
            # A name and its code in one line ("Ibutamoren (MK-677)") count once; a plain
            # mention outweighs a generic one.
            joined = f"{before.matched}, {matched}"
            found[compound_id] = Match(compound_id, joined, before.possible and possible)

    def _longest_name_at(self, toks: list[tuple[int, int, str]], i: int) -> int | None:
        """Index of the last token of the longest name starting at token i, or None."""
        best, text = None, ""
        for j in range(i, min(len(toks), i + self.longest)):
            text += toks[j][2]
            if text in self.keys:
                best = j
            if not self._is_prefix(text):
                break
        return best

    def _is_prefix(self, text: str) -> bool:
        at = bisect_left(self.sorted_keys, text)
        return at < len(self.sorted_keys) and self.sorted_keys[at].startswith(text)

    def near_miss(self, word: str) -> str | None:
        """The compound a word is one edit away from naming, if it is long enough to tell."""
        if len(word) < MIN_FUZZY or not word.isalpha() or word in self.keys:
            return None
        if word not in self._near_cache:
            candidates = set().union(*(self.near.get(v, set()) for v in _variants(word)))
            ids = sorted({self.keys[c] for c in candidates})
            self._near_cache[word] = ids[0] if len(ids) == 1 else None
        return self._near_cache[word]

    @property
    def near(self) -> dict[str, set[str]]:
        """One-deletion variants of every alphabetic name (built on first need)."""
        if self._near is None:
            self._near = {}
            for key in self.keys:
                if len(key) >= MIN_FUZZY and key.isalpha():
                    for variant in _variants(key):
                        self._near.setdefault(variant, set()).add(key)
        return self._near


def _variants(word: str) -> Iterator[str]:
    """The word and each way of deleting one letter: two words one edit apart share one."""
    yield word
    for i in range(len(word)):
        yield word[:i] + word[i + 1 :]


def _marketing(text: str) -> bool:
    return MARKETING.search(text) is not None

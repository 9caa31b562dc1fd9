"""Lookup by id, name, alias, brand, code or salt form, with deterministic suggestions."""

from __future__ import annotations

from collections.abc import Iterable
from difflib import SequenceMatcher
from typing import Protocol

from gslookup.errors import UnknownCompound
from gslookup.model import Compound, KnowledgeBase
from gslookup.normalize import normalize

SUGGESTION_CUTOFF = 0.6
SUGGESTION_SPREAD = 0.1
MAX_SUGGESTIONS = 3
# Matching cost grows with length; nothing this long is a misspelt name.
MAX_QUERY_FOR_SUGGESTIONS = 100

NameEntry = tuple[str, str, str, bool]
"""(normalised name, compound id, the name as written, whether it is the id or the name)"""


class Finder(Protocol):
    def get(self, query: str) -> Compound | None: ...


def name_entries(compound: Compound) -> list[NameEntry]:
    entries = [
        (normalize(label), compound.id, label, True) for label in (compound.id, compound.name)
    ]
    entries += [(normalize(alias), compound.id, alias, False) for alias in compound.aliases]
    return entries


def suggest(key: str, entries: Iterable[NameEntry]) -> list[str]:
    """Close names, best first; ties broken by label so the order never varies."""
    if not key or len(key) > MAX_QUERY_FOR_SUGGESTIONS:
        return []
    scored = []
    matcher = SequenceMatcher(b=key)
    for name, compound_id, label, own in entries:
        matcher.set_seq1(name)
        # The cheap upper bounds first, as difflib.get_close_matches does.
        if (
            matcher.real_quick_ratio() < SUGGESTION_CUTOFF
            or matcher.quick_ratio() < SUGGESTION_CUTOFF
        ):
            continue
        ratio = matcher.ratio()
        if ratio >= SUGGESTION_CUTOFF:
            shown = compound_id if own else f"{label} ({compound_id})"
            scored.append((-ratio, shown.casefold(), shown, compound_id))
    scored.sort()
    # Far weaker matches than the best one are noise next to it.
    best = scored[0][0] if scored else 0.0
    suggestions: list[str] = []
    seen: set[str] = set()
    for score, _, shown, compound_id in scored:
        if score <= best + SUGGESTION_SPREAD and compound_id not in seen:
            seen.add(compound_id)
            suggestions.append(shown)
    return suggestions[:MAX_SUGGESTIONS]


class Index:
    """Every name a compound answers to, normalised, over one in-memory knowledge base."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.entries = [e for c in kb.compounds.values() for e in name_entries(c)]
        self.names: dict[str, str] = {}
        for key, compound_id, _, _ in self.entries:
            self.names.setdefault(key, compound_id)

    def get(self, query: str) -> Compound | None:
        """The compound a name means, or None; no suggestions (fast, for batches)."""
        found = self.names.get(normalize(query))
        return self.kb.compounds[found] if found else None

    def find(self, query: str) -> Compound:
        compound = self.get(query)
        if compound is None:
            raise UnknownCompound(query, suggest(normalize(query), self.entries))
        return compound

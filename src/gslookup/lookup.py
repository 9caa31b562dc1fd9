"""Lookup by id, name, alias, brand, code or salt form, with deterministic suggestions."""

from __future__ import annotations

from difflib import SequenceMatcher

from gslookup.errors import UnknownCompound
from gslookup.model import Compound, KnowledgeBase
from gslookup.normalize import normalize

SUGGESTION_CUTOFF = 0.6
MAX_SUGGESTIONS = 3
SUGGESTION_SPREAD = 0.1
# Matching cost grows with length; nothing this long is a misspelt name.
MAX_QUERY_FOR_SUGGESTIONS = 100


class Index:
    """Every name a compound answers to, normalised, mapped to its id."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.names: dict[str, tuple[str, str]] = {}
        for compound in kb.compounds.values():
            for label in (compound.id, compound.name, *compound.aliases):
                self.names.setdefault(normalize(label), (compound.id, label))

    def get(self, query: str) -> Compound | None:
        """The compound a name means, or None; no suggestions (fast, for batches)."""
        found = self.names.get(normalize(query))
        return self.kb.compounds[found[0]] if found else None

    def find(self, query: str) -> Compound:
        compound = self.get(query)
        if compound is None:
            raise UnknownCompound(query, self.suggest(normalize(query)))
        return compound

    def suggest(self, key: str) -> list[str]:
        """Close names, best first; ties broken by label so the order never varies."""
        if not key or len(key) > MAX_QUERY_FOR_SUGGESTIONS:
            return []
        scored = []
        for name, (compound_id, label) in self.names.items():
            ratio = SequenceMatcher(None, key, name).ratio()
            if ratio >= SUGGESTION_CUTOFF:
                shown = compound_id if normalize(label) in self._own_names(compound_id) else label
                scored.append((-ratio, shown.casefold(), shown, compound_id))
        scored.sort()
        # Far weaker matches than the best one are noise next to it.
        good_enough = (
            [s for s in scored if s[0] <= scored[0][0] + SUGGESTION_SPREAD] if scored else []
        )
        seen: set[str] = set()
        suggestions: list[str] = []
        for _, _, shown, compound_id in good_enough:
            if compound_id not in seen:
                seen.add(compound_id)
                suggestions.append(shown if shown == compound_id else f"{shown} ({compound_id})")
        return suggestions[:MAX_SUGGESTIONS]

    def _own_names(self, compound_id: str) -> set[str]:
        compound = self.kb.compounds[compound_id]
        return {normalize(compound.id), normalize(compound.name)}

"""Full-text search over the knowledge base, ranked, saying where each result matched."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from gslookup.model import Compound

# Names weigh most: a query that names a compound should put it first.
WEIGHTS = {
    "name": 10,
    "aliases": 8,
    "drug_class": 5,
    "mechanism": 3,
    "summary": 3,
    "indications": 3,
    "findings": 2,
    "risks": 2,
}
SNIPPET = 70
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Match:
    field: str
    text: str


@dataclass(frozen=True)
class Hit:
    compound: Compound
    score: int
    matches: tuple[Match, ...]


MAX_TERMS = 20


def terms(query: str) -> list[str]:
    """The query's words, each once, at most MAX_TERMS (search time grows with each)."""
    return list(dict.fromkeys(w.casefold() for w in _WORD.findall(query)))[:MAX_TERMS]


def _fields(compound: Compound) -> Iterator[tuple[str, str, str]]:
    """(weight key, field label, text) for every searchable text of a compound."""
    yield "name", "name", compound.name
    yield "name", "id", compound.id
    for alias in compound.aliases:
        yield "aliases", "aliases", alias
    yield "drug_class", "drug_class", compound.drug_class
    if compound.mechanism:
        yield "mechanism", "mechanism", compound.mechanism
    yield "summary", "summary", compound.summary
    for i, approval in enumerate(compound.approvals):
        if approval.indication:
            yield "indications", f"approvals[{i}].indication", approval.indication
    for i, finding in enumerate(compound.findings):
        yield "findings", f"findings[{i}]", finding.text
    for i, risk in enumerate(compound.risks):
        yield "risks", f"risks[{i}]", risk.text


def _matches_term(words: set[str], term: str) -> bool:
    return any(word.startswith(term) for word in words)


def score(compound: Compound, query_terms: list[str]) -> Hit | None:
    """Every term must match somewhere; each matching field adds its weight."""
    total, matches, found_terms = 0, [], set()
    for weight_key, label, text in _fields(compound):
        words = {w.casefold() for w in _WORD.findall(text)}
        hit_terms = [t for t in query_terms if _matches_term(words, t)]
        if hit_terms:
            found_terms.update(hit_terms)
            total += WEIGHTS[weight_key] * len(hit_terms)
            matches.append(Match(label, snippet(text, hit_terms[0])))
    if not query_terms or found_terms != set(query_terms):
        return None
    return Hit(compound, total, tuple(matches))


def snippet(text: str, term: str) -> str:
    """A short window of `text` around the first word starting with `term`."""
    found = re.search(rf"\b{re.escape(term)}", text, re.IGNORECASE)
    start = max(0, (found.start() if found else 0) - SNIPPET // 3)
    window = text[start : start + SNIPPET]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + SNIPPET < len(text) else ""
    return prefix + window.strip() + suffix


def search(compounds: Iterable[Compound], query: str) -> list[Hit]:
    query_terms = terms(query)
    hits = [h for c in compounds if (h := score(c, query_terms)) is not None]
    return sorted(hits, key=lambda h: (-h.score, h.compound.id))


def hit_json(hit: Hit) -> dict[str, Any]:
    """A hit as `search --json` prints it."""
    return {
        "id": hit.compound.id,
        "name": hit.compound.name,
        "score": hit.score,
        "matches": [{"field": m.field, "text": m.text} for m in hit.matches],
    }

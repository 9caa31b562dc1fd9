"""What changed, and when: the events of every compound, filtered and newest first."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from gslookup.citations import doi_url, pubmed_url
from gslookup.errors import UsageError
from gslookup.model import Compound, Event, Reference

PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
CHANGE_FIELDS = ["date", "id", "name", "kind", "jurisdiction", "text", "refs", "references"]


@dataclass(frozen=True)
class ChangeQuery:
    since: str | None = None
    until: str | None = None
    kinds: tuple[str, ...] = ()
    jurisdiction: str | None = None
    compound_id: str | None = None

    def __post_init__(self) -> None:
        for label, value in (("--since", self.since), ("--until", self.until)):
            if value is not None and not PARTIAL_DATE.match(value):
                raise UsageError(f"{label} takes a date: YYYY-MM-DD, YYYY-MM or YYYY")

    def keep(self, compound: Compound, event: Event) -> bool:
        # A partial date is a span: "2024" is kept by --since 2024-06-01 and --until 2024-01-31.
        if self.since and _latest(event.date) < _earliest(self.since):
            return False
        if self.until and _earliest(event.date) > _latest(self.until):
            return False
        if self.kinds and event.kind not in self.kinds:
            return False
        if self.jurisdiction and event.jurisdiction != self.jurisdiction.upper():
            return False
        return self.compound_id in (None, compound.id)


def _earliest(partial: str) -> str:
    return partial + "-01-01"[len(partial) - 4 :]


def _latest(partial: str) -> str:
    return partial + "-12-31"[len(partial) - 4 :]


def changes(
    compounds: Iterable[Compound],
    query: ChangeQuery,
    reference: Callable[[str], Reference | None],
) -> list[dict[str, Any]]:
    """One row per event that the query keeps, newest first (ties by compound id)."""
    found = [
        (compound, event)
        for compound in compounds
        for event in compound.events
        if query.keep(compound, event)
    ]
    found.sort(key=lambda pair: pair[0].id)
    found.sort(key=lambda pair: pair[1].date, reverse=True)
    return [_row(compound, event, reference) for compound, event in found]


def _row(
    compound: Compound, event: Event, reference: Callable[[str], Reference | None]
) -> dict[str, Any]:
    refs = [r for r in (reference(ref_id) for ref_id in event.refs) if r is not None]
    return {
        "date": event.date,
        "id": compound.id,
        "name": compound.name,
        "kind": event.kind,
        "jurisdiction": event.jurisdiction,
        "text": event.text,
        "refs": list(event.refs),
        "references": [{"id": r.id, "title": r.title, "url": link(r)} for r in refs],
    }


def link(ref: Reference) -> str | None:
    """The one address that best identifies a reference."""
    if ref.pmid:
        return pubmed_url(ref.pmid)
    if ref.doi:
        return doi_url(ref.doi)
    if ref.nct:
        return f"https://clinicaltrials.gov/study/{ref.nct}"
    return ref.url

"""Rows of the knowledge base as a whole: `list`, filters, and status summaries."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from gslookup.errors import UsageError
from gslookup.model import Compound
from gslookup.normalize import normalize

# When one jurisdiction has several rows (products, indications), the summary is the
# most favourable status: one approved product makes the compound approved there.
STATUS_RANK = ("approved", "discontinued", "withdrawn", "refused", "not-approved")
MAIN_JURISDICTIONS = ("US", "EU")


# Agencies people name instead of a country code.
AGENCIES = {"FDA": "US", "EMA": "EU", "EC": "EU", "MHRA": "UK", "GB": "UK", "PMDA": "JP",
            "MHLW": "JP", "NMPA": "CN", "MFDS": "KR", "HC": "CA", "TGA": "AU",
            "SWISSMEDIC": "CH", "ANVISA": "BR", "COFEPRIS": "MX"}  # fmt: skip
CODE = re.compile(r"^[A-Z]{2}$")


def jurisdiction_code(text: str) -> str:
    """A two-letter code from a code or an agency name (FDA, EMA ...), upper-cased."""
    wanted = text.strip().upper()
    code = AGENCIES.get(wanted, wanted)
    if not CODE.match(code):
        raise UsageError(
            f"{text!r} is not a jurisdiction: use a two-letter code such as US, EU, JP, "
            f"or an agency ({', '.join(sorted(AGENCIES))})"
        )
    return code


def jurisdiction_status(compound: Compound, jurisdiction: str) -> str | None:
    """Summary status of human use in one jurisdiction, or None when the entry says nothing."""
    statuses = {
        a.status
        for a in compound.approvals
        if a.jurisdiction == jurisdiction and a.species == "human"
    }
    return next((s for s in STATUS_RANK if s in statuses), None)


def statuses(compound: Compound) -> dict[str, str]:
    jurisdictions = sorted({a.jurisdiction for a in compound.approvals}, key=_jurisdiction_order)
    found = {j: jurisdiction_status(compound, j) for j in jurisdictions}
    return {j: s for j, s in found.items() if s is not None}


def _jurisdiction_order(code: str) -> tuple[int, str]:
    return (MAIN_JURISDICTIONS.index(code) if code in MAIN_JURISDICTIONS else 9, code)


def compoundable(compound: Compound) -> str:
    """May a US 503A pharmacy compound it: yes, no, or unclear (also when the entry is silent)."""
    return compound.compounding.us_503a_eligible if compound.compounding else "unclear"


def veterinary(compound: Compound) -> dict[str, list[str]]:
    """Species with an approved veterinary product, per jurisdiction: kept apart from human use."""
    found: dict[str, list[str]] = {}
    for a in compound.approvals:
        if a.species != "human" and a.status == "approved":
            species = found.setdefault(a.jurisdiction, [])
            if a.species not in species:
                species.append(a.species)
    return dict(sorted(found.items(), key=lambda item: _jurisdiction_order(item[0])))


def approved_anywhere(compound: Compound) -> bool:
    return any(a.status == "approved" and a.species == "human" for a in compound.approvals)


@dataclass(frozen=True)
class Filters:
    drug_class: str | None = None
    status: str | None = None
    jurisdiction: str | None = None
    prohibited: bool | None = None
    phase: str | None = None
    compoundable: str | None = None

    def keep(self, compound: Compound) -> bool:
        if self.compoundable and compoundable(compound) != self.compoundable:
            return False
        if self.drug_class and normalize(self.drug_class) not in normalize(compound.drug_class):
            return False
        if self.phase and compound.highest_phase != self.phase:
            return False
        if self.prohibited is not None and compound.sport.prohibited != self.prohibited:
            return False
        return self._status_matches(compound)

    def _status_matches(self, compound: Compound) -> bool:
        if self.status is None and self.jurisdiction is None:
            return True
        found = statuses(compound)
        if self.jurisdiction:
            found = {k: v for k, v in found.items() if k == self.jurisdiction.upper()}
        return any(self.status in (None, s) for s in found.values())


def row(compound: Compound) -> dict[str, Any]:
    return {
        "id": compound.id,
        "name": compound.name,
        "drug_class": compound.drug_class,
        "short_class": short_class(compound.drug_class),
        "highest_phase": compound.highest_phase,
        "status": statuses(compound),
        "veterinary": veterinary(compound),
        "prohibited": compound.sport.prohibited,
        "sport_status": compound.sport.status,
        "sport_section": compound.sport.section,
        "compoundable": compoundable(compound),
    }


SORT_KEYS = ("id", "name", "class", "phase")
_PHASE_ORDER = ("approved", "phase-3", "phase-2", "phase-1", "preclinical")


def _sort_key(key: str) -> Callable[[Compound], tuple[Any, ...]]:
    by: dict[str, Callable[[Compound], tuple[Any, ...]]] = {
        "id": lambda c: (c.id,),
        "name": lambda c: (c.name.casefold(), c.id),
        "class": lambda c: (short_class(c.drug_class), c.id),
        "phase": lambda c: (_PHASE_ORDER.index(c.highest_phase)
                            if c.highest_phase in _PHASE_ORDER else 9, c.id),
    }  # fmt: skip
    return by[key]


def rows(
    compounds: Iterable[Compound], filters: Filters, sort: str = "id", limit: int | None = None
) -> Iterator[dict[str, Any]]:
    kept = [c for c in sorted(compounds, key=_sort_key(sort)) if filters.keep(c)]
    for compound in kept[:limit]:
        yield row(compound)


# Informative short classes: the first rule that matches names the class.
_SHORT_CLASSES = (
    ("antagonist", "GH-receptor antagonist"),
    ("somatostatin", "somatostatin analogue"),
    ("sst2", "somatostatin analogue"),
    ("ghrh", "GHRH analogue"),
    ("long-acting", "long-acting GH"),
    ("fragment", "GH fragment"),
    ("mgf", "MGF (IGF-1 variant)"),
    ("igf-1", "IGF-1"),
    ("insulin-like", "IGF-1"),
    ("ghrelin", "ghrelin agonist"),
    ("secretagogue", "ghrelin agonist"),
    ("growth hormone", "GH"),
)


def short_class(drug_class: str) -> str:
    """A class to scan a list by: `ghrelin agonist, oral`, `long-acting GH`, `GHRH analogue`."""
    text = drug_class.casefold()
    name = next((short for word, short in _SHORT_CLASSES if word in text), None)
    if name is None:
        return drug_class.split(";")[0].split(" (")[0]
    return f"{name}, oral" if "oral" in text and "ghrelin" in name else name


def flat(item: dict[str, Any], jurisdictions: Iterable[str]) -> dict[str, Any]:
    """A row for CSV and TSV: one status column per jurisdiction, plain scalars."""
    flattened: dict[str, Any] = {}
    for key, value in item.items():
        if key == "status":
            for code in jurisdictions:
                flattened[f"status_{code}"] = value.get(code, "")
        elif key == "veterinary":
            flattened[key] = "; ".join(f"{j}: {', '.join(s)}" for j, s in value.items())
        else:
            flattened[key] = value
    return flattened


def known_jurisdiction(text: str, known: Iterable[str]) -> str:
    """A code the knowledge base uses, from a code or an agency name; a usage error if not."""
    code = jurisdiction_code(text)
    codes = sorted(set(known))
    if code not in codes:
        raise UsageError(
            f"no jurisdiction {text!r} in the knowledge base; known codes: {', '.join(codes)} "
            f"(agencies such as FDA, EMA, PMDA work too)"
        )
    return code


def completion_candidates(compounds: Iterable[Compound], incomplete: str) -> list[str]:
    """One candidate per compound: its id when that matches, else its first matching name.

    Ids come first; names with spaces are left out (a shell would split them).
    """
    wanted = incomplete.casefold()
    ids: list[str] = []
    others: dict[str, None] = {}
    for compound in sorted(compounds, key=lambda c: c.id):
        if compound.id.casefold().startswith(wanted):
            ids.append(compound.id)
            continue
        names = (n for n in (compound.name, *compound.aliases) if " " not in n)
        match = next((n for n in names if n.casefold().startswith(wanted)), None)
        if match is not None and match.casefold() not in {o.casefold() for o in [*ids, *others]}:
            others.setdefault(match)
    return ids + sorted(others, key=str.casefold)

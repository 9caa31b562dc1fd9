"""Rows of the knowledge base as a whole: `list`, filters, and status summaries."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
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
        "highest_phase": compound.highest_phase,
        "status": statuses(compound),
        "prohibited": compound.sport.prohibited,
        "compoundable": compoundable(compound),
    }


def rows(compounds: Iterable[Compound], filters: Filters) -> Iterator[dict[str, Any]]:
    for compound in sorted(compounds, key=lambda c: c.id):
        if filters.keep(compound):
            yield row(compound)


def flat(item: dict[str, Any], jurisdictions: Iterable[str]) -> dict[str, Any]:
    """A row for CSV: one status column per jurisdiction."""
    flattened = {k: v for k, v in item.items() if k != "status"}
    if "status" in item:  # --fields may leave it out
        for code in jurisdictions:
            flattened[f"status_{code}"] = item["status"].get(code, "")
    return flattened

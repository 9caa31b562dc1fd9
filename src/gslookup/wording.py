"""The words of the answer that every output shares: headings, phase names, the status strip.

No Rich here: the terminal view styles these parts by their tone, Markdown writes them plain.
"""

from __future__ import annotations

from dataclasses import dataclass

from gslookup.listing import MAIN_JURISDICTIONS, compoundable, statuses, veterinary
from gslookup.model import Compound
from gslookup.text import strip_controls

HEADINGS = {
    "clinician": {
        "bottom-line": "Bottom line",
        "identity": "Identity",
        "approvals": "Regulatory status",
        "sport": "Sport and compounding",
        "development": "Development",
        "findings": "Research findings",
        "risks": "Risks",
        "alternatives": "Approved alternatives",
        "history": "History",
        "references": "References",
    },
    "patient": {
        "bottom-line": "In short",
        "identity": "What it is",
        "approvals": "Where it is approved",
        "sport": "Sport and pharmacy-made versions",
        "development": "How far testing got",
        "findings": "What research found",
        "risks": "Possible risks",
        "alternatives": "Approved options to ask about",
        "history": "What changed, and when",
        "references": "Sources",
    },
}
PHASE_LABELS = {
    "preclinical": "Preclinical only (no human trials)",
    "phase-1": "Phase 1",
    "phase-2": "Phase 2",
    "phase-3": "Phase 3",
    "approved": "Approved somewhere",
}
STRIP_PHASES = {
    "preclinical": "preclinical only",
    "phase-1": "highest phase 1",
    "phase-2": "highest phase 2",
    "phase-3": "highest phase 3",
    "approved": "reached approval",
}
ELIGIBLE = {"yes": "eligible", "no": "not eligible", "unclear": "unclear"}
PLAIN_ELIGIBLE = {"yes": "US pharmacies may make it", "no": "US pharmacies may not make it",
                  "unclear": "unclear whether US pharmacies may make it"}  # fmt: skip
WHEN = {"at-all-times": "at all times", "in-competition": "in competition"}


@dataclass(frozen=True)
class StripPart:
    text: str
    tone: str = ""
    """What the part says, for styling: a status such as `approved`, or empty."""


def _words(status: str) -> str:
    return status.replace("-", " ")


def main_status(code: str, status: str | None) -> StripPart:
    """`US ✓ approved`, `EU ✗ refused`: a mark to scan, a word to be sure."""
    if status is None:
        return StripPart(f"{code} ? no information")
    mark = "✓" if status == "approved" else "✗"
    return StripPart(f"{code} {mark} {_words(status)}", status)


def regulatory_strip(compound: Compound) -> list[StripPart]:
    """Human status in the main jurisdictions, where else it stands out, veterinary, phase."""
    found = statuses(compound)
    parts = [main_status(j, found.get(j)) for j in MAIN_JURISDICTIONS]
    others: dict[str, list[str]] = {}
    for code, status in found.items():
        if code not in MAIN_JURISDICTIONS and status != "not-approved":
            others.setdefault(status, []).append(code)
    for status, codes in others.items():
        parts.append(StripPart(f"{_words(status)} in {', '.join(codes)}", status))
    for code, species in veterinary(compound).items():
        parts.append(StripPart(f"{code} vet: {', '.join(strip_controls(s) for s in species)}"))
    if "approved" not in found.values():
        parts.append(StripPart(STRIP_PHASES.get(compound.highest_phase, compound.highest_phase)))
    return parts


def sport_strip(compound: Compound, patient: bool = False) -> list[StripPart]:
    """The sport status with its section and List year, and US 503A eligibility."""
    s = compound.sport
    authority = strip_controls(s.authority or "WADA")
    if s.status == "prohibited":
        details = [d for d in (strip_controls(s.section or ""), WHEN.get(s.when or "")) if d]
        status = " ".join(["prohibited", *details])
    else:
        status = "status unclear" if s.status == "unclear" else "not prohibited"
    year = f" ({s.list_year} List)" if s.list_year else ""
    eligible = compoundable(compound)
    pharmacy = (PLAIN_ELIGIBLE.get(eligible, eligible) if patient
                else f"US 503A {ELIGIBLE.get(eligible, eligible)}")  # fmt: skip
    return [StripPart(f"{authority} {status}{year}", s.status), StripPart(pharmacy)]


def search_line(compound: Compound) -> str | None:
    """Regulators searched without a record: said, so a missing row is not read as a gap."""
    search = compound.approval_search
    if search is None or not search.without_record:
        return None
    codes = ", ".join(search.without_record)
    return f"No record found in {codes} (searched {search.date.isoformat()})."

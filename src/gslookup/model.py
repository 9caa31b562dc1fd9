"""The data model of the knowledge base: plain frozen dataclasses, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

PHASES = ("preclinical", "phase-1", "phase-2", "phase-3", "approved")
STATUSES = ("approved", "not-approved", "refused", "withdrawn", "discontinued")
EVIDENCE_LEVELS = ("human", "animal", "in-vitro", "review")
REFERENCE_KINDS = (
    "research",
    "review",
    "guideline",
    "label",
    "regulatory",
    "trial-registry",
    "list",
    "news",
)
SPORT_WHEN = ("at-all-times", "in-competition")
SPORT_STATUSES = ("prohibited", "not-prohibited", "unclear")
ELIGIBILITY = ("yes", "no", "unclear")
COMPOUNDING_BASES = (
    "component-of-approved-drug",
    "usp-monograph",
    "bulks-list",
    "category-1",
    "category-2",
    "not-on-list",
    "biological-product",
    "under-review",
    "unknown",
)
EVENT_KINDS = (
    "approval",
    "indication",
    "refusal",
    "withdrawal",
    "discontinuation",
    "label",
    "designation",
    "trial",
    "sport",
    "compounding",
    "supply",
    "other",
)
BUNDLED = "bundled"
# The regulators every approved compound is searched with (issue 14): each has an approval
# row or is named in `approval_search.without_record`.
CORE_JURISDICTIONS = ("US", "EU", "UK", "JP", "CN", "KR", "CA", "AU", "CH")
APPROVED_STATUSES = ("approved", "discontinued", "withdrawn")


@dataclass(frozen=True)
class Reference:
    id: str
    kind: str
    title: str
    authors: tuple[str, ...] = ()
    journal: str | None = None
    year: int | None = None
    pmid: str | None = None
    doi: str | None = None
    url: str | None = None
    nct: str | None = None


@dataclass(frozen=True)
class Approval:
    jurisdiction: str
    status: str
    agency: str | None = None
    product: str | None = None
    indication: str | None = None
    date: str | None = None
    species: str = "human"
    note: str | None = None
    refs: tuple[str, ...] = ()


@dataclass(frozen=True)
class ApprovalSearch:
    """Regulators searched for a record of the compound that turned up none."""

    date: date
    without_record: tuple[str, ...] = ()
    note: str | None = None


@dataclass(frozen=True)
class Trial:
    id: str | None = None
    phase: str | None = None
    condition: str | None = None
    status: str | None = None
    sponsor: str | None = None
    outcome: str | None = None
    refs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sport:
    prohibited: bool
    status: str = ""
    """prohibited, not-prohibited or unclear; derived from `prohibited` when a file omits it."""
    authority: str | None = "WADA"
    section: str | None = None
    named: bool | None = None
    specified: bool | None = None
    when: str | None = None
    list_year: int | None = None
    as_of: str | None = None
    note: str | None = None
    refs: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.status:
            derived = "prohibited" if self.prohibited else "not-prohibited"
            object.__setattr__(self, "status", derived)


@dataclass(frozen=True)
class Compounding:
    us_503a: str
    us_503a_eligible: str = "unclear"
    us_503a_basis: str = "unknown"
    as_of: str | None = None
    note: str | None = None
    refs: tuple[str, ...] = ()


NO_COMPOUNDING = Compounding(us_503a="No US compounding information in this entry.")


@dataclass(frozen=True)
class Event:
    """One dated change: an approval, a List change, a compounding decision ..."""

    date: str
    kind: str
    text: str
    jurisdiction: str | None = None
    refs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Citation:
    """A finding or a risk: one statement and the references behind it."""

    text: str
    refs: tuple[str, ...] = ()
    evidence: str | None = None


@dataclass(frozen=True)
class Compound:
    id: str
    name: str
    drug_class: str
    summary: str
    bottom_line: str
    highest_phase: str
    last_reviewed: date
    approvals: tuple[Approval, ...]
    sport: Sport
    aliases: tuple[str, ...] = ()
    mechanism: str | None = None
    plain_summary: str | None = None
    plain_bottom_line: str | None = None
    routes: tuple[str, ...] = ()
    trials: tuple[Trial, ...] = ()
    compounding: Compounding | None = None
    findings: tuple[Citation, ...] = ()
    risks: tuple[Citation, ...] = ()
    alternatives: tuple[str, ...] = ()
    events: tuple[Event, ...] = ()
    approval_search: ApprovalSearch | None = None
    note: str | None = None
    source: str = BUNDLED

    def approved_somewhere(self) -> bool:
        return any(a.status in APPROVED_STATUSES for a in self.approvals)

    def cited_ref_ids(self) -> list[str]:
        """Reference ids in order of first citation: the order the views number them."""
        groups: list[tuple[str, ...]] = [a.refs for a in self.approvals]
        groups += [t.refs for t in self.trials]
        groups.append(self.sport.refs)
        if self.compounding:
            groups.append(self.compounding.refs)
        groups += [f.refs for f in self.findings]
        groups += [r.refs for r in self.risks]
        groups += [e.refs for e in self.events]
        return list(dict.fromkeys(ref for group in groups for ref in group))


@dataclass
class KnowledgeBase:
    """Compounds and references merged from one or more files."""

    compounds: dict[str, Compound] = field(default_factory=dict)
    references: dict[str, Reference] = field(default_factory=dict)
    files: dict[str, tuple[Path, str]] = field(default_factory=dict)
    """source label -> (path, text) of each file merged in, for error lines."""
    reference_sources: dict[str, str] = field(default_factory=dict)
    hashes: dict[str, str] = field(default_factory=dict)
    """source label -> sha256 of the file's text, for the reproducibility stamp."""
    overridden: set[str] = field(default_factory=set)
    """Ids of compounds that replace one from a lower-precedence file."""

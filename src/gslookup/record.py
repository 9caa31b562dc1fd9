"""The JSON record, contract v1: built here and nowhere else."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date, timedelta
from typing import Any

from gslookup.errors import GslookupError
from gslookup.model import (
    BUNDLED,
    NO_COMPOUNDING,
    ApprovalSearch,
    Compound,
    KnowledgeBase,
    Reference,
    Sport,
)
from gslookup.text import escape_unsafe

RECORD_VERSION = 1
STALE_AFTER = timedelta(days=365)
DISCLAIMER = (
    "gslookup is an educational reference, not medical advice. Regulatory and sport status "
    "change; check the cited sources and current labelling, and ask a qualified health "
    "professional before any decision about treatment."
)


def is_stale(compound: Compound, today: date) -> bool:
    return today - compound.last_reviewed > STALE_AFTER


def list_outdated(sport: Sport, today: date) -> bool | None:
    """True from 1 January of any year after the List the entry was checked against."""
    return None if sport.list_year is None else today.year > sport.list_year


def cited_references(compound: Compound, kb: KnowledgeBase) -> list[Reference]:
    return [kb.references[ref] for ref in compound.cited_ref_ids() if ref in kb.references]


def build_record(
    compound: Compound, kb: KnowledgeBase, today: date, stamp: dict[str, str]
) -> dict[str, Any]:
    """The complete record: every key present, null or [] when empty, dates as strings."""
    return {
        "schema_version": RECORD_VERSION,
        "id": compound.id,
        "name": compound.name,
        "aliases": list(compound.aliases),
        "drug_class": compound.drug_class,
        "mechanism": compound.mechanism,
        "summary": compound.summary,
        "bottom_line": compound.bottom_line,
        "plain_summary": compound.plain_summary,
        "plain_bottom_line": compound.plain_bottom_line,
        "highest_phase": compound.highest_phase,
        "routes": list(compound.routes),
        "approvals": [_listed(asdict(a)) for a in compound.approvals],
        "approval_search": _search_record(compound.approval_search),
        "trials": [_listed(asdict(t)) for t in compound.trials],
        "sport": {
            **_listed(asdict(compound.sport)),
            "list_outdated": list_outdated(compound.sport, today),
        },
        "compounding": _listed(asdict(compound.compounding or NO_COMPOUNDING)),
        "findings": [_listed(asdict(f)) for f in compound.findings],
        "risks": [{"text": r.text, "refs": list(r.refs)} for r in compound.risks],
        "alternatives": list(compound.alternatives),
        "events": [_listed(asdict(e)) for e in compound.events],
        "note": compound.note,
        "references": [
            {**_listed(asdict(r)), "source": kb.reference_sources.get(r.id, BUNDLED)}
            for r in cited_references(compound, kb)
        ],
        "last_reviewed": compound.last_reviewed.isoformat(),
        "stale": is_stale(compound, today),
        "source": compound.source,
        "kb": stamp,
        "disclaimer": DISCLAIMER,
    }


def _search_record(search: ApprovalSearch | None) -> dict[str, Any] | None:
    if search is None:
        return None
    return {**_listed(asdict(search)), "date": search.date.isoformat()}


def _listed(table: dict[str, Any]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in table.items()}


class UnknownField(GslookupError):
    exit_code = 2

    def __init__(self, unknown: list[str], known: list[str]) -> None:
        super().__init__(
            f"unknown field{'s' * (len(unknown) > 1)} {', '.join(unknown)}; "
            f"available: {', '.join(known)}"
        )


def parse_fields(spec: str | None, known: list[str]) -> list[str] | None:
    """`--fields a,b,c` as a list, checked against the keys the output has."""
    if spec is None:
        return None
    wanted = [f.strip() for f in spec.split(",") if f.strip()]
    unknown = [f for f in wanted if f not in known]
    if unknown or not wanted:
        raise UnknownField(unknown or ["(none given)"], known)
    return wanted


def select(item: dict[str, Any], fields: list[str] | None) -> dict[str, Any]:
    return item if fields is None else {f: item[f] for f in fields}


RECORD_FIELDS = [
    "schema_version", "id", "name", "aliases", "drug_class", "mechanism", "summary",
    "bottom_line", "plain_summary", "plain_bottom_line", "highest_phase", "routes",
    "approvals", "approval_search", "trials", "sport", "compounding", "findings", "risks",
    "alternatives", "events", "note", "references", "last_reviewed", "stale", "source", "kb",
    "disclaimer",
]  # fmt: skip


def dumps(records: dict[str, Any] | list[dict[str, Any]]) -> str:
    """JSON as people read it: UTF-8, but no raw control, C1 or bidi character (M9)."""
    return escape_unsafe(json.dumps(records, ensure_ascii=False, indent=2))


def dumps_line(record: dict[str, Any]) -> str:
    return escape_unsafe(json.dumps(record, ensure_ascii=False, separators=(",", ":")))


def dumps_item(record: dict[str, Any]) -> str:
    """One record of a streamed JSON array."""
    return escape_unsafe(json.dumps(record, ensure_ascii=False))

"""Field rules of the knowledge-base format: what each key may hold.

Each rule checks one raw TOML value and returns the cleaned value, or reports
a problem and returns None. The loader walks these tables; the JSON Schema
describes the same contract for the output.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from difflib import SequenceMatcher, get_close_matches
from typing import Any

from gslookup.model import (
    COMPOUNDING_BASES,
    ELIGIBILITY,
    EVENT_KINDS,
    EVIDENCE_LEVELS,
    PHASES,
    REFERENCE_KINDS,
    SPORT_STATUSES,
    SPORT_WHEN,
    STATUSES,
)

Report = Callable[[str, str], None]
# Far beyond any real field (the longest bundled one has 1,705 characters), and small
# enough that a terminal view stays fast (a 10 MB field took 50 s to lay out).
MAX_TEXT = 20_000
"""report(key_path, reason)"""

# Patterns are matched in full (fullmatch): no trailing newline, no control character.
# DOI and URL allow only printable ASCII that cannot end an OSC 8 hyperlink or a Markdown
# link target (the DOI set is Crossref's, plus the angle brackets of some older DOIs).
PARTIAL_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
JURISDICTION = re.compile(r"[A-Z]{2}")
PMID = re.compile(r"[1-9]\d{0,8}")
NCT = re.compile(r"NCT\d{8}")
DOI = re.compile(r"10\.\d{4,9}/[-._;()/:A-Za-z0-9<>]+")
URL = re.compile(r"https?://[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """`; did you mean 'summary'?` for one clear near miss; nothing when two are as close."""
    close = get_close_matches(value, sorted(choices), n=2, cutoff=0.6)
    if not close:
        return ""
    ratios = [SequenceMatcher(None, value, c).ratio() for c in close]
    if len(close) == 2 and ratios[0] == ratios[1]:
        return ""  # 'phase-9' is as near to phase-1 as to phase-3: a guess would mislead
    return f"; did you mean {close[0]!r}?"


def _type_name(value: object) -> str:
    names = {str: "a string", bool: "a boolean", int: "an integer", float: "a number"}
    names.update({list: "an array", dict: "a table", date: "a date", datetime: "a date-time"})
    return names.get(type(value), type(value).__name__)


@dataclass(frozen=True)
class Field:
    kind: str
    required: bool = False
    choices: tuple[str, ...] = ()
    pattern: re.Pattern[str] | None = None
    pattern_hint: str = ""
    table: Mapping[str, Field] | None = None
    min_items: int = 0

    def check(self, value: Any, key: str, report: Report, today: date) -> Any:
        checker = _CHECKERS[self.kind]
        return checker(self, value, key, report, today)


def _check_str(f: Field, value: Any, key: str, report: Report, today: date) -> str | None:
    if not isinstance(value, str):
        report(key, f"expected a string, got {_type_name(value)}")
        return None
    if f.required and not value.strip():
        report(key, "must not be empty")
        return None
    if len(value) > MAX_TEXT:
        report(key, f"is {len(value)} characters long; the most is {MAX_TEXT}")
        return None
    if f.choices and value not in f.choices:
        report(
            key, f"{value!r} is not one of {', '.join(f.choices)}{did_you_mean(value, f.choices)}"
        )
        return None
    if f.pattern and not f.pattern.fullmatch(value):
        report(key, f"{value!r} is not {f.pattern_hint}")
        return None
    return value


def _check_str_list(f: Field, value: Any, key: str, report: Report, today: date) -> Any:
    if not isinstance(value, list):
        report(key, f"expected an array of strings, got {_type_name(value)}")
        return None
    item = Field("str", required=True, pattern=f.pattern, pattern_hint=f.pattern_hint)
    cleaned = [item.check(v, f"{key}[{i}]", report, today) for i, v in enumerate(value)]
    if len(value) < f.min_items:
        report(key, f"needs at least {f.min_items} item(s)")
    return tuple(c for c in cleaned if c is not None)


def _check_bool(f: Field, value: Any, key: str, report: Report, today: date) -> bool | None:
    if not isinstance(value, bool):
        report(key, f"expected true or false, got {_type_name(value)}")
        return None
    return value


def _check_int(f: Field, value: Any, key: str, report: Report, today: date) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        report(key, f"expected an integer, got {_type_name(value)}")
        return None
    if value > today.year:
        report(key, f"{value} is in the future")
        return None
    if value < 1:
        report(key, f"{value} is not a year")
        return None
    return value


def _check_date(f: Field, value: Any, key: str, report: Report, today: date) -> date | None:
    if isinstance(value, datetime) or not isinstance(value, date):
        report(key, f"expected a date such as 2026-11-01, got {_type_name(value)}")
        return None
    if value > today:
        report(key, f"{value.isoformat()} is in the future")
        return None
    return value


def _check_partial_date(f: Field, value: Any, key: str, report: Report, today: date) -> Any:
    if isinstance(value, date) and not isinstance(value, datetime):
        return _iso_or_none(_check_date(f, value, key, report, today))
    match = PARTIAL_DATE.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        report(key, f"expected a date, or a string 'YYYY-MM' or 'YYYY', got {value!r}")
        return None
    year, month, day = (int(p) if p else None for p in match.groups())
    try:
        if year == 0 or month == 0 or day == 0:
            raise ValueError("no year, month or day 0")
        earliest = date(year or 1, month or 1, day or 1)
    except ValueError:
        report(key, f"{value!r} is not a real date")
        return None
    if earliest > today:
        report(key, f"{value} is in the future")
        return None
    return value


def _iso_or_none(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _check_table(f: Field, value: Any, key: str, report: Report, today: date) -> Any:
    if not isinstance(value, dict):
        report(key, f"expected a table, got {_type_name(value)}")
        return None
    assert f.table is not None
    return check_table(value, f.table, key, report, today)


def _check_table_list(f: Field, value: Any, key: str, report: Report, today: date) -> Any:
    if not isinstance(value, list):
        report(key, f"expected an array of tables, got {_type_name(value)}")
        return None
    table = Field("table", table=f.table)
    cleaned = [table.check(v, f"{key}[{i}]", report, today) for i, v in enumerate(value)]
    return tuple(c for c in cleaned if c is not None)


_CHECKERS: dict[str, Callable[[Field, Any, str, Report, date], Any]] = {
    "str": _check_str,
    "strs": _check_str_list,
    "bool": _check_bool,
    "int": _check_int,
    "date": _check_date,
    "partial-date": _check_partial_date,
    "table": _check_table,
    "tables": _check_table_list,
}


def check_table(
    raw: dict[str, Any], spec: Mapping[str, Field], key: str, report: Report, today: date
) -> dict[str, Any] | None:
    """Check every key of one table; None when something required is missing or wrong."""
    cleaned: dict[str, Any] = {}
    complete = True
    for name in raw:
        if name not in spec:
            report(
                f"{key}.{name}",
                f"unknown key{did_you_mean(name, spec)} (known keys: {', '.join(spec)})",
            )
    for name, rule in spec.items():
        if name not in raw:
            if rule.required:
                report(f"{key}.{name}" if key else name, "required key is missing")
                complete = False
            continue
        value = rule.check(raw[name], f"{key}.{name}" if key else name, report, today)
        if value is None:
            complete = complete and not rule.required
            continue
        cleaned[name] = value
    return cleaned if complete else None


def _refs(required: bool = False) -> Field:
    return Field("strs", required=required, min_items=1 if required else 0)


def _text(required: bool = False) -> Field:
    return Field("str", required=required)


APPROVAL = {
    "jurisdiction": Field(
        "str", required=True, pattern=JURISDICTION, pattern_hint="a two-letter code such as US"
    ),
    "agency": _text(),
    "status": Field("str", required=True, choices=STATUSES),
    "product": _text(),
    "indication": _text(),
    "date": Field("partial-date"),
    "species": _text(),
    "note": _text(),
    "refs": _refs(),
}
TRIAL = {
    "id": _text(),
    "phase": _text(),
    "condition": _text(),
    "status": _text(),
    "sponsor": _text(),
    "outcome": _text(),
    "refs": _refs(),
}
SPORT = {
    "prohibited": Field("bool", required=True),
    "status": Field("str", choices=SPORT_STATUSES),
    "authority": _text(),
    "section": _text(),
    "named": Field("bool"),
    "specified": Field("bool"),
    "when": Field("str", choices=SPORT_WHEN),
    "list_year": Field("int"),
    "as_of": Field("partial-date"),
    "note": _text(),
    "refs": _refs(),
}
COMPOUNDING = {
    "us_503a": _text(required=True),
    "us_503a_eligible": Field("str", choices=ELIGIBILITY),
    "us_503a_basis": Field("str", choices=COMPOUNDING_BASES),
    "as_of": Field("partial-date"),
    "note": _text(),
    "refs": _refs(),
}
FINDING = {
    "text": _text(required=True),
    "evidence": Field("str", choices=EVIDENCE_LEVELS),
    "refs": _refs(required=True),
}
RISK = {"text": _text(required=True), "refs": _refs()}
EVENT = {
    "date": Field("partial-date", required=True),
    "kind": Field("str", required=True, choices=EVENT_KINDS),
    "jurisdiction": Field("str", pattern=JURISDICTION, pattern_hint="a two-letter code such as US"),
    "text": _text(required=True),
    "refs": _refs(required=True),
}
APPROVAL_SEARCH = {
    "date": Field("date", required=True),
    "without_record": Field(
        "strs", pattern=JURISDICTION, pattern_hint="a two-letter code such as JP"
    ),
    "note": _text(),
}

COMPOUND = {
    "name": _text(required=True),
    "aliases": Field("strs"),
    "drug_class": _text(required=True),
    "mechanism": _text(),
    "summary": _text(required=True),
    "bottom_line": _text(required=True),
    "plain_summary": _text(),
    "plain_bottom_line": _text(),
    "highest_phase": Field("str", required=True, choices=PHASES),
    "routes": Field("strs"),
    "last_reviewed": Field("date", required=True),
    "approvals": Field("tables", required=True, table=APPROVAL),
    "trials": Field("tables", table=TRIAL),
    "sport": Field("table", required=True, table=SPORT),
    "compounding": Field("table", table=COMPOUNDING),
    "findings": Field("tables", table=FINDING),
    "risks": Field("tables", table=RISK),
    "alternatives": Field("strs"),
    "events": Field("tables", table=EVENT),
    "approval_search": Field("table", table=APPROVAL_SEARCH),
    "note": _text(),
}
REFERENCE = {
    "kind": Field("str", required=True, choices=REFERENCE_KINDS),
    "title": _text(required=True),
    "authors": Field("strs"),
    "journal": _text(),
    "year": Field("int"),
    "pmid": Field("str", pattern=PMID, pattern_hint="a PMID (digits only)"),
    "doi": Field("str", pattern=DOI, pattern_hint="a DOI such as 10.1000/xyz"),
    "url": Field("str", pattern=URL, pattern_hint="an http(s) URL"),
    "nct": Field("str", pattern=NCT, pattern_hint="an NCT number such as NCT01280344"),
}

"""Batch screening (`check`): every compound named in each input line, with a verdict, streamed."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from gslookup.catalog import Catalog
from gslookup.labels import LabelMatcher, Match, clean, name_key
from gslookup.listing import statuses, veterinary
from gslookup.model import Compound
from gslookup.record import is_stale

VERDICTS = ("prohibited", "not-prohibited", "unclear", "possible", "no-match")
CONDITIONS = ("prohibited", "unclear", "possible", "not-approved", "no-match", "unknown")
"""What --fail-on can test; `unknown` is the 0.1.0 name of `no-match`."""
CONDITION_HELP = {
    "prohibited": "a compound found whose sport status is prohibited",
    "unclear": "a compound found whose sport status is unclear",
    "possible": "a near miss ('ipamorlin') or a generic name such as HGH in marketing wording",
    "not-approved": "a compound found that is not approved for humans (in --jurisdiction CC, "
    "or anywhere without it)",
    "no-match": "a line in which nothing GH-axis was found",
    "unknown": "the same as no-match (its 0.1.0 name)",
}
CSV_JURISDICTIONS = ("US", "EU", "UK", "JP", "CN", "KR", "CA", "AU", "CH")
"""Status columns of the CSV, fixed so a streamed file has one header."""
MAX_LINE = 10_000
"""Longer lines are screened up to here: no label line is longer, and matching stays bounded."""
MAX_ECHO = 2_000
"""How much of a line a record repeats as `input`; the rest is marked with an ellipsis."""
RECORD_KEYS = ["line", "input", "matched", "id", "name", "verdict", "suggestion", "prohibited",
               "sport", "status", "veterinary", "last_reviewed", "stale", "kb"]  # fmt: skip


class Source(Protocol):
    def compound(self, compound_id: str) -> Compound | None: ...
    def names(self) -> Iterable[tuple[str, str]]: ...


class CatalogSource:
    """What screening needs of a catalog: compounds by id, and every name in precedence order."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def compound(self, compound_id: str) -> Compound | None:
        return self.catalog.compound(compound_id)

    def names(self) -> Iterator[tuple[str, str]]:
        for layer in self.catalog.layers:
            for _, compound_id, label, _ in layer.name_entries():
                yield label, compound_id


@dataclass(frozen=True)
class ScreenOptions:
    exact: bool = False
    jurisdiction: str | None = None


def input_lines(lines: Iterable[str], exact: bool = False) -> Iterator[tuple[int, str]]:
    """(line number, text) of the lines to screen: blank lines and # comment lines are skipped.

    With `exact`, a trailing `# comment` is dropped too (0.1.0's one-name-per-line mode); label
    text keeps it, since `#` there is as likely to be part of the label (`Ipamorelin #2`).
    """
    for number, line in enumerate(lines, start=1):
        text = line.split("#", 1)[0] if exact else line
        text = clean(text).strip()
        if text and not text.startswith("#"):
            yield number, text[:MAX_LINE]


def echoed(line: str) -> str:
    return line if len(line) <= MAX_ECHO else line[:MAX_ECHO] + "…"


class Screener:
    def __init__(
        self, source: Source, today: date, stamp: dict[str, str], options: ScreenOptions
    ) -> None:
        self.source, self.today, self.stamp, self.options = source, today, stamp, options
        self.matcher = LabelMatcher(source.names())
        self._parts: dict[str, dict[str, Any]] = {}

    def screen(self, number: int, line: str) -> list[tuple[dict[str, Any], list[str]]]:
        """One (record, conditions met) per compound found in the line, or one for the line."""
        matches = self._exact(line) if self.options.exact else self.matcher.find(line)
        if not matches:
            return [(self._empty(number, line), ["no-match", "unknown"])]
        return [self._found(number, line, m) for m in matches]

    def _exact(self, line: str) -> list[Match]:
        compound_id = self.matcher.keys.get(name_key(line))
        return [Match(compound_id, line)] if compound_id else []

    def _empty(self, number: int, line: str) -> dict[str, Any]:
        return {"line": number, "input": echoed(line), "matched": None, "id": None, "name": None,
                "verdict": "no-match", "suggestion": None, "prohibited": None, "sport": None,
                "status": {}, "veterinary": {}, "last_reviewed": None, "stale": None,
                "kb": self.stamp}  # fmt: skip

    def _found(self, number: int, line: str, match: Match) -> tuple[dict[str, Any], list[str]]:
        if match.possible:
            record = self._empty(number, line)
            record.update(matched=match.matched, verdict="possible", suggestion=match.compound_id)
            return record, ["possible"]
        part = self._part(match.compound_id)
        record = {"line": number, "input": echoed(line), "matched": match.matched, **part}
        conditions = [part["verdict"]] if part["verdict"] != "not-prohibited" else []
        if not self._approved(record):
            conditions.append("not-approved")
        return record, conditions

    def _approved(self, record: dict[str, Any]) -> bool:
        found = record["status"]
        wanted = self.options.jurisdiction
        return any(s == "approved" for j, s in found.items() if wanted in (None, j))

    def _part(self, compound_id: str) -> dict[str, Any]:
        """What a record says about a compound, worked out once per compound."""
        if compound_id not in self._parts:
            compound = self.source.compound(compound_id)
            assert compound is not None, compound_id
            sport = compound.sport
            self._parts[compound_id] = {
                "id": compound.id,
                "name": compound.name,
                "verdict": sport.status,
                "suggestion": None,
                "prohibited": sport.prohibited,
                "sport": {
                    "status": sport.status,
                    "section": sport.section,
                    "list_year": sport.list_year,
                },  # fmt: skip
                "status": statuses(compound),
                "veterinary": veterinary(compound),
                "last_reviewed": compound.last_reviewed.isoformat(),
                "stale": is_stale(compound, self.today),
                "kb": self.stamp,
            }
        return self._parts[compound_id]


@dataclass
class Summary:
    """Counts for the closing line on stderr, and the lines that met each --fail-on condition."""

    conditions: frozenset[str] = frozenset()
    lines: int = 0
    compounds: int = 0
    lines_with_compounds: int = 0
    prohibited: int = 0
    possible: int = 0
    no_match: int = 0
    triggered: dict[str, list[int]] = field(default_factory=dict)

    def add(self, number: int, results: list[tuple[dict[str, Any], list[str]]]) -> None:
        self.lines += 1
        verdicts = [record["verdict"] for record, _ in results]
        found = [v for v in verdicts if v not in ("possible", "no-match")]
        self.compounds += len(found)
        self.lines_with_compounds += bool(found)
        self.prohibited += verdicts.count("prohibited")
        self.possible += verdicts.count("possible")
        self.no_match += verdicts == ["no-match"]
        for _, met in results:
            for condition in self.conditions.intersection(met):
                hits = self.triggered.setdefault(condition, [])
                if not hits or hits[-1] != number:
                    hits.append(number)

    def line(self) -> str:
        return (
            f"{_count(self.lines, 'line')}: {_count(self.compounds, 'compound')} found in "
            f"{_count(self.lines_with_compounds, 'line')} ({self.prohibited} prohibited), "
            f"{self.possible} possible, {self.no_match} with no match"
        )

    def triggers(self) -> list[str]:
        return [
            f"--fail-on {condition}: {_line_list(numbers)}"
            for condition, numbers in sorted(self.triggered.items())
        ]


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


def _line_list(numbers: list[int], shown: int = 20) -> str:
    head = ", ".join(str(n) for n in numbers[:shown])
    more = f" and {len(numbers) - shown} more" if len(numbers) > shown else ""
    return f"line{'s' * (len(numbers) != 1)} {head}{more}"


def flat(record: dict[str, Any], jurisdictions: Iterable[str]) -> dict[str, Any]:
    """A record as one CSV row: nested values in columns of their own, in the record's order."""
    row: dict[str, Any] = {}
    for key, value in record.items():
        if key == "sport":
            row.update(
                {f"sport_{k}": (value or {}).get(k) for k in ("status", "section", "list_year")}
            )
        elif key == "status":
            row.update({f"status_{j}": value.get(j) for j in jurisdictions})
        elif key == "veterinary":
            row[key] = "; ".join(f"{j}: {', '.join(s)}" for j, s in value.items())
        elif key == "kb":
            row.update(kb_version=value["version"], kb_hash=value["hash"])
        else:
            row[key] = value
    return {k: _cell(v) for k, v in row.items()}


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value

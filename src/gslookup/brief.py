"""Short plain-text renderings of JSON answers, for readers that see only text (an AI model).

No Rich and no markup: each rendering says the answer in a few lines and always ends with
where it came from (knowledge-base stamp, review date, staleness) and the disclaimer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from gslookup.text import strip_controls

MAX_ROWS = 40
"""Rows shown in a text rendering; the structured content always has them all."""


def _clean(value: object) -> str:
    return " ".join(strip_controls(str(value)).split())


def _statuses(status: Mapping[str, str]) -> str:
    return ", ".join(f"{j} {s}" for j, s in status.items()) or "no approval rows"


def _sport(sport: Mapping[str, Any]) -> str:
    parts = [sport["status"]]
    if sport.get("section"):
        parts.append(sport["section"])
    if sport.get("named") is not None:
        parts.append("named on the List" if sport["named"] else "covered by class")
    if sport.get("list_year"):
        parts.append(f"checked against the {sport['list_year']} List")
    if sport.get("list_outdated"):
        parts.append("a newer List is now in force")
    return ", ".join(parts)


def footer(kb: Mapping[str, str], reviewed: Sequence[Mapping[str, Any]], disclaimer: str) -> str:
    dates = sorted({r["last_reviewed"] for r in reviewed})
    when = dates[0] if len(dates) == 1 else f"{dates[0]} to {dates[-1]}" if dates else None
    lines = [f"Source: gslookup knowledge base {kb['version']} ({kb['hash']})"]
    if when:
        lines[0] += f", last reviewed {when}"
    stale = [r["id"] for r in reviewed if r["stale"]]
    if stale:
        lines.append(f"Reviewed more than 12 months ago: {', '.join(stale)}; check the sources.")
    outdated = [r["id"] for r in reviewed if r.get("sport_list_outdated")]
    if outdated:
        lines.append(
            f"Sport status checked against an older Prohibited List: {', '.join(outdated)}."
        )
    return "\n".join([*lines, disclaimer])


def record(rec: Mapping[str, Any], status: Mapping[str, str]) -> str:
    comp = rec["compounding"]
    lines = [
        f"{_clean(rec['name'])} ({rec['id']}): {_clean(rec['bottom_line'])}",
        _clean(rec["summary"]),
        f"Class: {_clean(rec['drug_class'])}. Highest phase: {rec['highest_phase']}.",
        f"Human approval: {_statuses(status)}.",
        f"Sport ({rec['sport'].get('authority') or 'WADA'}): {_sport(rec['sport'])}.",
        f"US 503A compounding: {comp['us_503a_eligible']} ({comp['us_503a_basis']}).",
        f"{len(rec['findings'])} findings, {len(rec['risks'])} risks and "
        f"{len(rec['references'])} references in the structured record.",
    ]
    return "\n".join(lines)


def _more(shown: int, total: int) -> list[str]:
    return [f"... and {total - shown} more in the structured content."] if total > shown else []


def search_hits(query: str, hits: Sequence[Mapping[str, Any]], total: int) -> str:
    if not hits:
        return f"No compound matches {_clean(query)!r}."
    lines = [f"{total} compound{'s' * (total != 1)} match {_clean(query)!r}:"]
    for hit in hits[:MAX_ROWS]:
        where = ", ".join(m["field"] for m in hit["matches"])
        lines.append(f"- {_clean(hit['name'])} ({hit['id']}), score {hit['score']}: {where}")
    return "\n".join([*lines, *_more(min(len(hits), MAX_ROWS), total)])


def list_rows(rows: Sequence[Mapping[str, Any]]) -> str:
    if not rows:
        return "No compound matches these filters."
    lines = [f"{len(rows)} compound{'s' * (len(rows) != 1)}:"]
    for row in rows[:MAX_ROWS]:
        sport = "prohibited in sport" if row["prohibited"] else "not prohibited in sport"
        lines.append(
            f"- {_clean(row['name'])} ({row['id']}): {row['highest_phase']}; "
            f"{_statuses(row['status'])}; {sport}; 503A compoundable: {row['compoundable']}"
        )
    return "\n".join([*lines, *_more(MAX_ROWS, len(rows))])


def screening(results: Sequence[Mapping[str, Any]], summary: str) -> str:
    lines = [summary[:1].upper() + summary[1:] + "."]
    for item in results[:MAX_ROWS]:
        head = f"- line {item['line']}: {item['verdict']}"
        if item["id"]:
            head += f": {_clean(item['name'])} ({item['id']}), matched {_clean(item['matched'])!r}"
        elif item["suggestion"]:
            head += f": {_clean(item['matched'])!r} may mean {item['suggestion']}"
        lines.append(head)
    return "\n".join([*lines, *_more(MAX_ROWS, len(results))])


def change_rows(rows: Sequence[Mapping[str, Any]]) -> str:
    if not rows:
        return "No event matches."
    lines = [f"{len(rows)} event{'s' * (len(rows) != 1)}, newest first:"]
    for row in rows[:MAX_ROWS]:
        where = f" {row['jurisdiction']}" if row["jurisdiction"] else ""
        lines.append(
            f"- {row['date']} {_clean(row['name'])} ({row['id']}), {row['kind']}{where}: "
            f"{_clean(row['text'])}"
        )
    return "\n".join([*lines, *_more(MAX_ROWS, len(rows))])

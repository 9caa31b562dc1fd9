"""Batch screening (`check`): one verdict per input line, streamed."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from gslookup.listing import approved_anywhere, statuses
from gslookup.lookup import Finder

CONDITIONS = ("unknown", "not-approved", "prohibited")
MAX_NAME = 1000


MAX_LINE = 4096


def bounded_lines(stream: TextIO, limit: int = MAX_LINE) -> Iterator[str]:
    """Lines of at most `limit` characters; the rest of a longer line is read and dropped,
    so memory stays flat however long a line is (a 1 GB line with no newline)."""
    while line := stream.readline(limit):
        if len(line) == limit and not line.endswith("\n"):
            while (rest := stream.readline(limit)) and not rest.endswith("\n"):
                pass
            line += "…"
        yield line


def names(lines: Iterable[str]) -> Iterator[str]:
    """Names from a file: one per line; blank lines and # comments are skipped."""
    for line in lines:
        name = line.split("#", 1)[0].strip()
        if name:
            yield name


def screen(index: Finder, name: str) -> tuple[dict[str, Any], list[str]]:
    """The result for one input name, and the --fail-on conditions it meets."""
    compound = index.get(name[:MAX_NAME])
    if compound is None:
        return {
            "input": name,
            "id": None,
            "name": None,
            "status": {},
            "prohibited": None,
            "verdict": "unknown",
        }, ["unknown"]
    hits = []
    if not approved_anywhere(compound):
        hits.append("not-approved")
    if compound.sport.prohibited:
        hits.append("prohibited")
    verdict = "prohibited" if compound.sport.prohibited else hits[0] if hits else "approved"
    return {
        "input": name,
        "id": compound.id,
        "name": compound.name,
        "status": statuses(compound),
        "prohibited": compound.sport.prohibited,
        "verdict": verdict,
    }, hits

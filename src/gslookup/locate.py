"""Find the line of a key path in TOML text, so problems can name a line.

tomllib keeps no positions, so this reads the text itself. It is a best
effort: it finds the table header, then the key within that table, then the
n-th occurrence of the leaf key for arrays of inline tables.
"""

from __future__ import annotations

import bisect
import functools
import re

_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")


def split_key(key: str) -> list[str | int]:
    return [m.group(1) if m.group(1) is not None else int(m.group(2)) for m in _PART.finditer(key)]


def _header_parts(line: str) -> list[str] | None:
    match = _HEADER.match(line)
    if not match:
        return None
    return [p.strip().strip('"').strip("'") for p in match.group(1).split(".")]


def _key_line(lines: list[str], start: int, end: int, key: str, skip: int = 0) -> int | None:
    pattern = re.compile(rf"""(^|[\s{{,])["']?{re.escape(key)}["']?\s*=""")
    for number in range(start, end):
        if pattern.search(lines[number]):
            if skip == 0:
                return number
            skip -= 1
    return None


class Locator:
    """Line numbers of key paths in one text; the text is split and indexed once.

    Each lookup costs the depth of the key plus the size of one table, so reporting
    thousands of problems in a large file stays linear (C4).
    """

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.header_lines: list[int] = []
        self.headers: dict[tuple[str, ...], int] = {}
        for number, line in enumerate(self.lines):
            if "[" in line:
                header = _header_parts(line)
                if header:
                    self.header_lines.append(number)
                    self.headers.setdefault(tuple(header), number)

    def line(self, key: str) -> int | None:
        """1-based line number of `key` (e.g. 'compounds.x.approvals[0].status'), or None."""
        lines, parts = self.lines, split_key(key)
        names = tuple(p for p in parts if isinstance(p, str))
        best: int | None = None
        start, end, depth = 0, len(lines), 0
        for size in range(len(names), 0, -1):
            if names[:size] in self.headers:
                best, depth = self.headers[names[:size]], size
                start = best + 1
                break
        if best is not None:
            after = bisect.bisect_right(self.header_lines, best)
            end = self.header_lines[after] if after < len(self.header_lines) else len(lines)
        rest = parts[_index_after(parts, depth) :]
        for i, part in enumerate(rest):
            if not isinstance(part, str):
                continue
            previous = rest[i - 1] if i > 0 else None
            skip = previous if isinstance(previous, int) else 0
            found = _key_line(lines, start, end, part, skip)
            if found is None:
                break
            best, start = found, found
        return None if best is None else best + 1


def locate(text: str, key: str) -> int | None:
    """1-based line number of `key` in `text`, or None; the text is indexed once."""
    return _locator(text).line(key)


@functools.lru_cache(maxsize=8)
def _locator(text: str) -> Locator:
    return Locator(text)


def _index_after(parts: list[str | int], depth: int) -> int:
    """Position in `parts` just after the first `depth` string parts."""
    seen = 0
    for position, part in enumerate(parts):
        if seen == depth:
            return position
        if isinstance(part, str):
            seen += 1
    return len(parts)

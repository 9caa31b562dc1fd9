"""Rewrite only the entries that changed in a TOML file, keeping everything else as written.

The personal file is the user's: comments, blank lines, key order and formatting outside the
entries a command changes must survive it. A file is read as blocks that each start at a
table header; an entry (`compounds.<id>` or `references.<id>`) is the blocks whose header
lies under it. A changed entry's blocks are replaced by freshly written TOML, a removed
one's are cut out, a new one is appended. The caller checks that the result parses to
exactly the intended document, and writes the whole file anew when it does not (a layout
this reader does not follow, such as an entry written as dotted keys).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

Document = dict[str, Any]
EntryKey = tuple[str, str]
SECTIONS = ("compounds", "references")
_HEADER = re.compile(r"[ \t]*\[\[?(?P<key>[^\[\]#]+?)\]\]?[ \t]*(?:#.*)?")
_BARE = re.compile(r"[ \t]*[A-Za-z0-9_-]+(?:[ \t]*\.[ \t]*[A-Za-z0-9_-]+)*[ \t]*")


@dataclass(frozen=True)
class Block:
    path: tuple[str, ...]
    start: int  # first line (the header)
    end: int  # one past the last line that belongs to it (trailing comments excluded)


def header_path(line: str) -> tuple[str, ...] | None:
    match = _HEADER.fullmatch(line.rstrip("\r\n"))
    if match is None:
        return None
    key = match.group("key")
    if _BARE.fullmatch(key):
        return tuple(part.strip() for part in key.split("."))
    try:  # quoted keys: let the TOML parser read the key path
        parsed: Any = tomllib.loads(f"{key} = 0")
    except tomllib.TOMLDecodeError:
        return None
    path: list[str] = []
    while isinstance(parsed, dict) and len(parsed) == 1:
        ((name, parsed),) = parsed.items()
        path.append(name)
    return tuple(path)


def blocks(lines: list[str]) -> Iterator[Block]:
    headers = [(i, p) for i, line in enumerate(lines) if (p := header_path(line)) is not None]
    for n, (start, path) in enumerate(headers):
        end = headers[n + 1][0] if n + 1 < len(headers) else len(lines)
        while end > start + 1 and _is_trivia(lines[end - 1]):
            end -= 1
        yield Block(path, start, end)


def _is_trivia(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def same_document(a: Document, b: Document) -> bool:
    """Equal as knowledge bases: an empty `compounds` or `references` table is no table,
    and `schema_version` (1, the only version) may be written or not."""
    return _essence(a) == _essence(b)


def _essence(document: Document) -> Document:
    return {
        k: v
        for k, v in document.items()
        if not (k in SECTIONS and v == {}) and not (k == "schema_version" and v == 1)
    }


def entry_text(key: EntryKey, table: dict[str, Any]) -> str:
    import tomli_w

    return tomli_w.dumps({key[0]: {key[1]: table}})


def changed_entries(old: Document, new: Document) -> list[EntryKey]:
    keys: list[EntryKey] = []
    for section in SECTIONS:
        before, after = old.get(section, {}), new.get(section, {})
        for entry_id in [*before, *(k for k in after if k not in before)]:
            if before.get(entry_id) != after.get(entry_id):
                keys.append((section, entry_id))
    return keys


def splice(text: str, old: Document, new: Document) -> str | None:
    """`text` (which parses to `old`) changed to hold `new`, or None if its layout is unknown."""
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    found = list(blocks(lines))
    replacement: dict[int, str] = {}  # first line of a removed span -> text put there
    removed: set[int] = set()
    appended: list[str] = []
    for key in changed_entries(old, new):
        spans = [b for b in found if b.path[:2] == key]
        table = new.get(key[0], {}).get(key[1])
        if key[1] in old.get(key[0], {}) and (not spans or any(len(b.path) < 2 for b in spans)):
            return None
        for block in spans:
            removed.update(range(block.start, block.end))
        if table is None:
            continue
        if spans:
            replacement[spans[0].start] = entry_text(key, table)
        else:
            appended.append(entry_text(key, table))
    out: list[str] = []
    for i, line in enumerate(lines):
        if i in replacement:
            out.append(replacement[i])
        if i not in removed:
            out.append(line)
    body = "".join(out)
    for text_of_entry in appended:
        body += ("\n" if body.strip() else "") + text_of_entry
    return body

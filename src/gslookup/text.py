"""Making knowledge-base and user text safe to show in a terminal."""

from __future__ import annotations

import re

# CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), other two-byte escapes, then any C0/C1
# control except tab and newline: text from a file must never drive the terminal.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x9b[0-?]*[ -/]*[@-~]"
    r"|\x9d[^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[@-_]?"
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]"
)
MAX_SHOWN = 80


def strip_controls(text: str) -> str:
    """Remove escape sequences and control characters, keeping tabs and newlines."""
    return _ESCAPES.sub("", text)


def visible(value: str, limit: int | None = None) -> str:
    """Text for a message line: control characters shown as escapes, long text cut."""
    clipped = value if limit is None or len(value) <= limit else value[:limit] + "…"
    return "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape").decode() for ch in clipped
    )


def shown(value: str, limit: int = MAX_SHOWN) -> str:
    """A user-typed value for a message: quoted, escapes made visible, long ones cut."""
    return "'" + visible(value, limit).replace("'", "\\'") + "'"

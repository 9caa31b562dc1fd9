"""A real pseudo-terminal for tests: stdout and stderr are a tty, as for a person.

`run_on_pty` starts gslookup (through its real entry point) with a pty as stdin, stdout and
stderr, and returns every byte the terminal received. `dangerous` lists what in those bytes
a terminal would act on: anything but colour (SGR) and OSC 8 links to plain https URLs.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from collections.abc import Sequence
from dataclasses import dataclass

from gslookup.text import safe_link

GSLOOKUP = [sys.executable, "-m", "gslookup"]
_SGR = re.compile(rb"\x1b\[[0-9;]*m")
_OSC8 = re.compile(rb"\x1b\]8;([^;\x07\x1b]*);([^\x07\x1b]*)\x1b\\")
FAMILIES = {
    "ESC (not SGR or a safe OSC 8)": re.compile("\x1b"),
    "C0 control": re.compile("[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f]"),
    "C1 control": re.compile("[\x80-\x9f]"),
    "bidi override or isolate": re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]"),
    "zero-width": re.compile("[\u200b-\u200d\u2060\ufeff]"),
    "not UTF-8": re.compile("[\udc80-\udcff]"),
}


@dataclass
class PtyResult:
    raw: bytes
    code: int

    @property
    def text(self) -> str:
        return self.raw.decode("utf-8", "surrogateescape")


def run_on_pty(
    args: Sequence[str],
    env: dict[str, str] | None = None,
    columns: int = 100,
    timeout: float = 60,
    typed: bytes = b"",
) -> PtyResult:
    """Run gslookup on a pty; `typed` is what the person types (buffered by the terminal)."""
    main, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    process = subprocess.Popen(
        [*GSLOOKUP, *args],
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        env=_without_a_pager(env if env is not None else dict(os.environ)),
        close_fds=True,
    )
    os.close(secondary)
    if typed:
        os.write(main, typed)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # EIO: every writer has closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main)
    return PtyResult(b"".join(chunks), process.wait(timeout))


def _without_a_pager(env: dict[str, str]) -> dict[str, str]:
    """A tall view on a terminal is paged; these tests read the terminal, not a pager."""
    return {"GSLOOKUP_PAGER": "cat", **env}


def dangerous(raw: bytes) -> list[str]:
    """Escape families in terminal output that a terminal would interpret."""
    found = [f"OSC 8 to {m.group(2)!r}" for m in _OSC8.finditer(raw) if not _link_ok(m.group(2))]
    rest = _OSC8.sub(b"", _SGR.sub(b"", raw)).decode("utf-8", "surrogateescape")
    found += [name for name, pattern in FAMILIES.items() if pattern.search(rest)]
    return found


def _link_ok(target: bytes) -> bool:
    return target == b"" or safe_link(target.decode("ascii", "replace"))

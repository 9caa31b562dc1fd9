"""Writing a finished view to the terminal: through a pager when it is taller than the screen.

Like git and gh: `$GSLOOKUP_PAGER`, else `$PAGER`, else `less -FRX`; never into a pipe; `cat`
(or an empty value) turns paging off; a pager that cannot start means the text is printed.
No Rich here: the view arrives as finished text, escape sequences and all.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Mapping
from typing import TextIO

DEFAULT_PAGER = "less -FRX"
ENV_PAGER = "GSLOOKUP_PAGER"
# Padding Rich adds to fill a line, possibly followed by the codes that end a style.
_TRAILING = re.compile(r"[ \t]+((?:\x1b\[[0-9;]*m)*)$", re.MULTILINE)


def strip_trailing_spaces(text: str) -> str:
    """No padding at line ends: it is noise in diffs, e-mails and notes."""
    return _TRAILING.sub(r"\1", text)


def pager_command(env: Mapping[str, str], configured: str | bool | None = None) -> list[str] | None:
    """The pager to run, or None when paging is off (`cat`, an empty value, `pager = false`).

    The environment beats the config file's `pager`, which beats `less -FRX`.
    """
    for name in (ENV_PAGER, "PAGER"):
        if name in env:
            return _words(env[name])
    if configured is False:
        return None
    return _words(configured if isinstance(configured, str) else DEFAULT_PAGER)


def _words(command: str) -> list[str] | None:
    words = shlex.split(command)
    return None if not words or words == ["cat"] else words


def pager_env(command: list[str], env: Mapping[str, str]) -> dict[str, str]:
    """A bare `less` keeps colours and quits on one screen, as git arranges with LESS=FRX."""
    found = dict(env)
    if os.path.basename(command[0]) == "less" and "LESS" not in found:
        found["LESS"] = "FRX"
    return found


def should_page(text: str, stream: TextIO, enabled: bool) -> bool:
    """Page only a terminal, and only when the text would not fit on it."""
    if not enabled or not _isatty(stream):
        return False
    return text.count("\n") >= shutil.get_terminal_size().lines


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def run_pager(text: str, command: list[str], env: Mapping[str, str]) -> bool:
    """Send text through the pager; False when it could not be started."""
    try:
        process = subprocess.Popen(
            command, stdin=subprocess.PIPE, env=pager_env(command, env), text=True,
            encoding="utf-8", errors="replace",
        )  # fmt: skip
    except OSError:
        return False
    assert process.stdin is not None
    try:
        process.stdin.write(text)
        process.stdin.close()
    except BrokenPipeError:
        pass  # the reader quit the pager early: that is not an error.
    while True:
        try:
            process.wait()
            return True
        except KeyboardInterrupt:
            continue  # Ctrl-C belongs to the pager, as in git.


def emit(
    text: str, page: bool = True, stream: TextIO | None = None, configured: str | bool | None = None
) -> None:
    """Write a finished view: paged when it is taller than the terminal, else printed."""
    # Rich output, already cleaned segment by segment by the render hook; its colour codes
    # must reach the terminal or the pager, so it is not passed through `output.out`.
    out = stream or sys.stdout  # noqa: TID251
    text = strip_trailing_spaces(text)
    if should_page(text, out, page):
        command = pager_command(os.environ, configured)
        if command is not None:
            out.flush()
            if run_pager(text, command, os.environ):
                return
    out.write(text)
    out.flush()

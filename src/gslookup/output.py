"""The one way text leaves gslookup: every string is sanitised on its way to stdout or stderr.

Commands and messages call `out` and `err`; nothing else writes to the standard streams
(a ruff rule bans `typer.echo`, `print` and `sys.stdout`/`sys.stderr` elsewhere). Rich
output is covered by the render hook in `render.py`, which applies the same sanitiser to
every segment it draws. Formats that must keep data exact (JSON, TOML) escape unsafe
characters before they get here, so for them this pass changes nothing.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import IO, Any

from gslookup.text import strip_controls

# OWASP "CSV injection": a cell starting with one of these runs as a formula in a spreadsheet.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def stdout_closed() -> bool:
    """Started with stdout closed (>&-): nothing can be delivered."""
    return sys.stdout is None


def stdout_is_terminal() -> bool:
    return sys.stdout is not None and sys.stdout.isatty()


def out(text: str, nl: bool = True) -> None:
    if stdout_closed():
        raise BrokenPipeError
    write(sys.stdout, text + ("\n" if nl else ""))


def err(text: str) -> None:
    """A message to stderr. A full or closed stderr must not change the exit code (M5)."""
    _write_quietly(sys.stderr, text + "\n")


def _write_quietly(stream: IO[str] | None, text: str) -> None:
    with contextlib.suppress(OSError, ValueError, AttributeError):
        write(stream, text)  # type: ignore[arg-type]


def write(stream: IO[str], text: str) -> None:
    stream.write(strip_controls(text))
    stream.flush()


def err_writer() -> CleanWriter:
    """stderr as a file-like object that sanitises (for Click's usage errors)."""
    return CleanWriter(sys.stderr, quiet=True)


def interactive() -> bool:
    """Whether a person is at stdin and stderr, who can answer a question."""
    return sys.stdin.isatty() and sys.stderr.isatty()


def silence_stdout() -> None:
    """After a closed pipe, point stdout at devnull so the final flush stays quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


class CleanWriter:
    """A file-like stream that sanitises what is written to it (for Click's own messages)."""

    def __init__(self, stream: IO[str], quiet: bool = False) -> None:
        self.stream, self.quiet = stream, quiet

    def write(self, text: str) -> int:
        if self.quiet:  # stderr: failing to report must not change the exit code
            _write_quietly(self.stream, text)
        else:
            write(self.stream, text)
        return len(text)

    def flush(self) -> None:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            self.stream.flush()

    def isatty(self) -> bool:
        return bool(self.stream and self.stream.isatty())


def csv_cell(value: Any) -> Any:
    """A cell a spreadsheet shows as text: no formula, no control character."""
    if not isinstance(value, str):
        return value
    cleaned = strip_controls(value)
    formula = value.startswith(FORMULA_START) or cleaned.startswith(FORMULA_START)
    return "'" + cleaned if formula else cleaned


class CsvWriter:
    """CSV rows with a header, written as they come; every command's CSV goes through here."""

    def __init__(
        self,
        fieldnames: Sequence[str],
        stream: IO[str] | None = None,
        dialect: str = "excel",
        header: bool = True,
    ) -> None:
        import csv  # only CSV output needs it; kept off the lookup path

        self.stream = stream or sys.stdout
        self.writer = csv.DictWriter(
            CleanWriter(self.stream),
            fieldnames=list(fieldnames),
            lineterminator="\n",
            dialect=dialect,
        )
        if header:
            self.writer.writeheader()

    def row(self, item: Mapping[str, Any]) -> None:
        self.writer.writerow({k: csv_cell(v) for k, v in item.items()})


def write_csv(items: Iterable[Mapping[str, Any]], fieldnames: Sequence[str]) -> None:
    writer = CsvWriter(fieldnames)
    for item in items:
        writer.row(item)

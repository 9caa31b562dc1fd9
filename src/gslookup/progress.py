"""A short progress line on stderr for slow first-time work (indexing a big team file)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from gslookup.output import err_writer

DELAY = 0.5
"""Seconds of work before the line appears: quick work stays silent."""


@contextmanager
def indexing(path: Path, delay: float = DELAY) -> Iterator[None]:
    """Say `indexing FILE for the first time…` if this takes longer than `delay`, on a terminal."""
    stream = err_writer()  # the file name passes the sanitiser like any output
    if not _isatty(stream):
        yield
        return
    shown = threading.Event()

    def show() -> None:
        stream.write(f"gslookup: indexing {path.name} for the first time…")
        stream.flush()
        shown.set()

    timer = threading.Timer(delay, show)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        timer.join()
        if shown.is_set():
            stream.write(" done\n")
            stream.flush()


def _isatty(stream: object) -> bool:
    try:
        return bool(stream.isatty())  # type: ignore[attr-defined]
    except (AttributeError, ValueError):
        return False

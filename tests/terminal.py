"""Running gslookup on a real pseudo-terminal, for what depends on one (pager, width, colour)."""

from __future__ import annotations

import fcntl
import os
import select
import struct
import subprocess
import sys
import termios
from collections.abc import Mapping, Sequence

ROWS, COLUMNS = 24, 80


def run_in_pty(
    args: Sequence[str], env: Mapping[str, str], rows: int = ROWS, columns: int = COLUMNS
) -> tuple[str, int]:
    """Run `python -m gslookup ARGS` with stdout a terminal of rows x columns; (output, code)."""
    main, side = os.openpty()
    fcntl.ioctl(side, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    child_env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    process = subprocess.Popen(
        [sys.executable, "-m", "gslookup", *args],
        stdin=side, stdout=side, stderr=side, env={**child_env, **env}, start_new_session=True,
    )  # fmt: skip
    os.close(side)
    chunks: list[bytes] = []
    while select.select([main], [], [], 60)[0]:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    try:
        code = process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        # A view that waits (a pager that was not expected): fail this test, not the next one.
        process.kill()
        process.wait()
        raise
    finally:
        os.close(main)
    return b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n"), code

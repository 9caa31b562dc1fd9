"""Shared helpers for the benchmarks: run a command, time it, read its peak memory."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "compounds.toml"


def gslookup_command() -> list[str]:
    """The installed console script when there is one (what users run), else python -m."""
    script = shutil.which("gslookup")
    return [script] if script else [sys.executable, "-m", "gslookup"]


def run(
    command: Sequence[str], env: dict[str, str], stdin: bytes | None = None
) -> tuple[float, int]:
    """Wall time in seconds and peak RSS in MiB of one run (output discarded)."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command,
        env=env,
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    if stdin is not None:
        assert process.stdin is not None
        process.stdin.write(stdin)
        process.stdin.close()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        assert process.stderr is not None
        sys.exit(f"failed: {' '.join(command)}\n{process.stderr.read().decode()}")
    # ru_maxrss is KiB on Linux, bytes on macOS.
    rss = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    return elapsed, round(rss)


def isolated_env(folder: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "XDG_CACHE_HOME": str(folder / "cache"),
        "XDG_DATA_HOME": str(folder / "data"),
    }
    env.pop("GSLOOKUP_KB", None)
    return env


def median(values: Sequence[float]) -> float:
    return statistics.median(values)

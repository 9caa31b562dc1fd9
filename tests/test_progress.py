"""A progress line on a terminal while a large team file is indexed for the first time."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .conftest import DATA
from .terminal import run_in_pty


def big_file(tmp_path: Path, count: int = 4000) -> Path:
    head, refs = (DATA / "testorelin.toml").read_text(encoding="utf-8").split("[references.")
    entries = [
        head.replace("testorelin", f"testorelin-{i}")
        .replace("Testorelin", f"Testorelin {i}")
        .replace("TST-001", f"TST-{i:05d}")
        for i in range(count)
    ]
    path = tmp_path / "team.toml"
    path.write_text("".join(entries) + "[references." + refs, encoding="utf-8")
    return path


def test_first_indexing_of_a_large_file_shows_progress_then_not_again(tmp_path: Path) -> None:
    team = big_file(tmp_path)
    args = ["--kb", str(team), "testorelin-7", "--json"]
    screen, code = run_in_pty(args, {})
    assert code == 0
    assert "gslookup: indexing team.toml for the first time… done\n" in screen
    screen, code = run_in_pty(args, {})  # the cached index: no waiting, no line
    assert code == 0 and "gslookup: indexing" not in screen


def test_no_progress_line_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    team = big_file(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "gslookup", "--kb", str(team), "testorelin-7", "--json"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0 and result.stderr == ""


def test_quick_indexing_stays_silent() -> None:
    screen, code = run_in_pty(["--kb", str(DATA / "testorelin.toml"), "TST-001", "--json"], {})
    assert code == 0 and "gslookup: indexing" not in screen

"""The pager: on a real terminal when the view is taller than it; never into a pipe."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from gslookup.pager import DEFAULT_PAGER, pager_command, pager_env, strip_trailing_spaces

from .terminal import ROWS, run_in_pty

RECORDER = """
import sys
with open(sys.argv[1], "w", encoding="utf-8") as out:
    out.write(sys.stdin.read())
"""


def recording_pager(tmp_path: Path) -> tuple[str, Path]:
    """A pager that writes what it is given to a file: GSLOOKUP_PAGER's value and that file."""
    script = tmp_path / "recorder.py"
    script.write_text(RECORDER, encoding="utf-8")
    record = tmp_path / "paged.txt"
    return shlex.join([sys.executable, str(script), str(record)]), record


def test_a_tall_view_on_a_terminal_goes_through_the_pager(tmp_path: Path) -> None:
    pager, record = recording_pager(tmp_path)
    screen, code = run_in_pty(["ipamorelin"], {"GSLOOKUP_PAGER": pager})
    assert code == 0
    paged = record.read_text(encoding="utf-8")
    assert paged.count("\n") > ROWS
    assert paged.startswith("\x1b[")  # a terminal's view: colour kept for the pager
    assert "Bottom line" in paged and "References" in paged
    assert "Bottom line" not in screen  # the pager, not the terminal, got the text


def test_pager_falls_back_to_pager_then_its_default(tmp_path: Path) -> None:
    pager, record = recording_pager(tmp_path)
    _, code = run_in_pty(["ipamorelin"], {"PAGER": pager})
    assert code == 0 and "Bottom line" in record.read_text(encoding="utf-8")
    assert pager_command({}) == shlex.split(DEFAULT_PAGER)
    assert pager_command({"PAGER": "more", "GSLOOKUP_PAGER": "most -s"}) == ["most", "-s"]
    assert pager_command({"GSLOOKUP_PAGER": ""}) is None
    assert pager_env(["less"], {})["LESS"] == "FRX"
    assert pager_env(["less"], {"LESS": "R"})["LESS"] == "R"


@pytest.mark.parametrize(
    "args, env",
    [
        (["ipamorelin", "--no-pager"], {}),
        (["ipamorelin"], {"GSLOOKUP_PAGER": "cat"}),
        (["ipamorelin", "--brief"], {}),  # fits the screen: nothing to page
    ],
    ids=["--no-pager", "GSLOOKUP_PAGER=cat", "brief"],
)
def test_no_pager_when_turned_off_or_not_needed(
    tmp_path: Path, args: list[str], env: dict[str, str]
) -> None:
    pager, record = recording_pager(tmp_path)
    screen, code = run_in_pty(args, {"PAGER": pager, **env})
    assert code == 0
    assert not record.exists()
    assert "Bottom line" in screen and "not medical advice" in screen


def test_a_pager_that_cannot_start_means_printing_directly(tmp_path: Path) -> None:
    screen, code = run_in_pty(["ipamorelin"], {"GSLOOKUP_PAGER": str(tmp_path / "no-such-pager")})
    assert code == 0
    assert "Bottom line" in screen and "not medical advice" in screen


def test_never_paged_into_a_pipe(tmp_path: Path) -> None:
    pager, record = recording_pager(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "gslookup", "ipamorelin"],
        capture_output=True, text=True, timeout=60, check=False,
        env={"GSLOOKUP_PAGER": pager, "PATH": "/usr/bin:/bin", "COLUMNS": "80"},
    )  # fmt: skip
    assert result.returncode == 0
    assert not record.exists()
    assert "Bottom line" in result.stdout


def test_padding_is_stripped_and_colour_codes_kept() -> None:
    assert strip_trailing_spaces("a   \nb \x1b[0m\n  c\n") == "a\nb\x1b[0m\n  c\n"


def test_the_brief_view_fits_a_real_80_by_24_terminal() -> None:
    screen, code = run_in_pty(["capromorelin", "--brief"], {})
    assert code == 0
    lines = screen.rstrip("\n").split("\n")
    assert len(lines) <= ROWS - 1  # and the prompt still fits under it
    assert "US vet: dog, cat" in screen

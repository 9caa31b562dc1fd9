"""The config file: options beat the environment, which beats the file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import tomli_w
from typer.testing import CliRunner

from gslookup.cli import app
from gslookup.config import EXAMPLE, config_path, load_config

from .terminal import run_in_pty
from .test_pager import recording_pager


def run(*args: str, env: dict[str, str] | None = None) -> Any:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "80", **(env or {})})


def write_config(text: str) -> Path:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_config_path_is_in_the_user_config_dir(tmp_path: Path) -> None:
    result = run("config", "path")
    assert result.exit_code == 0
    assert result.stdout == f"{tmp_path / 'xdg_config_home' / 'gslookup' / 'config.toml'}\n"


def test_the_example_is_a_valid_config(tmp_path: Path) -> None:
    assert run("config", "example").stdout == EXAMPLE
    path = tmp_path / "example.toml"
    path.write_text(EXAMPLE, encoding="utf-8")
    config = load_config(path)
    assert (config.audience, config.brief, config.pager, config.color) == (
        "clinician", False, "less -FRX", "auto")  # fmt: skip


def test_file_sets_audience_and_brief_options_beat_it() -> None:
    write_config('audience = "patient"\nbrief = true\n')
    brief = run("ipamorelin").stdout
    assert brief.splitlines()[0] == "Ipamorelin" and "More: gslookup ipamorelin" in brief
    full = run("ipamorelin", "--full", "--audience", "clinician").stdout
    assert "References" in full and "Ghrelin-receptor" in full.splitlines()[0]
    assert "Where it is approved" in run("ipamorelin", "--full").stdout  # patient, from the file


def test_environment_beats_the_file() -> None:
    write_config('audience = "patient"\ncolor = "always"\n')
    result = run("ipamorelin", "-s", "bottom-line", env={"GSLOOKUP_AUDIENCE": "clinician"})
    assert "Bottom line" in result.stdout
    assert "\x1b[" in run("ipamorelin", "-s", "bottom-line").stdout
    assert "\x1b[" not in run("ipamorelin", "-s", "bottom-line", env={"NO_COLOR": "1"}).stdout
    assert "\x1b[" not in run("ipamorelin", "-s", "bottom-line", "--color", "never").stdout


def test_file_pager_and_environment_pager(tmp_path: Path) -> None:
    pager, record = recording_pager(tmp_path)
    write_config(tomli_w.dumps({"pager": pager}))
    _, code = run_in_pty(["ipamorelin"], {})
    assert code == 0 and "Bottom line" in record.read_text(encoding="utf-8")
    record.unlink()
    _, code = run_in_pty(["ipamorelin"], {"GSLOOKUP_PAGER": "cat"})
    assert code == 0 and not record.exists()
    write_config("pager = false\n")
    screen, code = run_in_pty(["ipamorelin"], {})
    assert code == 0 and "Bottom line" in screen


@pytest.mark.parametrize(
    "text, message",
    [
        ('audiance = "patient"\n', "unknown key 'audiance'; did you mean 'audience'?"),
        ('audience = "patiant"\n', "audience must be one of clinician, patient; did you mean"),
        ("brief = 1\n", "brief must be true or false"),
        ("pager = true\n", "pager must be a command or false"),
        ("brief = \n", "not valid TOML"),
    ],
)
def test_a_bad_config_file_is_a_usage_error(text: str, message: str) -> None:
    path = write_config(text)
    result = run("ipamorelin")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"gslookup: {path}: ")
    assert message in result.stderr

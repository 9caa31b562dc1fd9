from __future__ import annotations

from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from gslookup.cli import app

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def command_paths() -> list[list[str]]:
    root = get_command(app)
    paths = []
    for name, command in root.commands.items():  # type: ignore[attr-defined]
        sub = getattr(command, "commands", None)
        paths += [[name, s] for s in sub] if sub else [[name]]
    return paths


def test_there_are_commands() -> None:
    assert ["show"] in command_paths() and ["kb", "validate"] in command_paths()


@pytest.mark.parametrize("path", command_paths(), ids=" ".join)
def test_every_command_has_help_with_an_example(path: list[str]) -> None:
    result = CliRunner().invoke(app, [*path, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.stdout


@pytest.mark.parametrize("path", command_paths(), ids=" ".join)
def test_every_command_is_in_the_readme(path: list[str]) -> None:
    assert f"gslookup {' '.join(path)}" in README


def test_readme_opens_with_the_two_setup_commands() -> None:
    blocks = README.split("```sh\n")
    assert blocks[1].startswith("pip install . && gslookup ipamorelin\n")
    assert blocks[2].startswith("pip install -e '.[test]' && pytest\n")


def test_ci_runs_the_readme_test_command() -> None:
    assert "pip install -e '.[test]' && pytest" in (ROOT / ".ci" / "run").read_text()


def test_readme_lists_every_bundled_compound_and_the_count() -> None:
    from datetime import date

    from gslookup import loader

    kb = loader.load([(loader.bundled_path(), "bundled")], date.today())
    assert f"holds **{len(kb.compounds)} compounds**" in README
    for compound_id in kb.compounds:
        assert f"| `{compound_id}` |" in README, compound_id
    dates = sorted({c.last_reviewed.isoformat() for c in kb.compounds.values()})
    if len(dates) == 1:
        assert f"all last reviewed on **{dates[0]}**" in README
    else:
        assert f"last reviewed between {dates[0]} and **{dates[-1]}**" in README

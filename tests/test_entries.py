"""Helpers for writing personal entries offline: template, format, export, add -, remove."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from gslookup import sources
from gslookup.cli import app
from gslookup.kbformat import TEMPLATE, format_path

from .conftest import DATA

README_FORMAT = Path(__file__).parents[1] / "docs" / "knowledge-base.md"


def run(*args: str, **kwargs: Any) -> Any:
    return CliRunner().invoke(app, list(args), **kwargs)


def test_the_template_is_a_valid_entry(tmp_path: Path) -> None:
    result = run("kb", "template")
    assert result.exit_code == 0 and result.stdout == TEMPLATE
    path = tmp_path / "mine.toml"
    path.write_text(result.stdout, encoding="utf-8")
    checked = run("kb", "validate", str(path))
    assert checked.exit_code == 0, checked.output
    assert "gslookup help format" in TEMPLATE


def test_help_format_prints_the_format_offline() -> None:
    result = run("help", "format")
    assert result.exit_code == 0
    assert result.stdout == README_FORMAT.read_text(encoding="utf-8")
    assert format_path().is_file()


def test_export_one_entry_with_its_references() -> None:
    result = run("kb", "export", "MK-677")
    assert result.exit_code == 0
    assert "[compounds.ibutamoren]" in result.stdout
    assert "[compounds.ipamorelin]" not in result.stdout
    assert "[references." in result.stdout
    assert run("kb", "export", "nope").exit_code == 1


def test_add_from_standard_input_then_remove_says_what_applies() -> None:
    text = (DATA / "testorelin.toml").read_text(encoding="utf-8")
    added = run("add", "-", input=text)
    assert added.exit_code == 0, added.output
    assert "added testorelin" in added.stderr
    assert run("testorelin", "--json").exit_code == 0
    removed = run("remove", "testorelin")
    assert removed.exit_code == 0
    assert "no entry with the id testorelin remains" in removed.stderr
    assert f"kept as {sources.personal_path()}.bak" in removed.stderr


def test_removing_an_override_says_the_bundled_entry_applies_again(tmp_path: Path) -> None:
    exported = run("kb", "export", "ipamorelin").stdout.replace(
        'name = "Ipamorelin"', 'name = "Ipamorelin (mine)"'
    )
    assert run("add", "-", input=exported).exit_code == 0
    assert "Ipamorelin (mine)" in run("ipamorelin", "-s", "bottom-line").stdout
    removed = run("remove", "ipamorelin")
    assert "the bundled entry for ipamorelin applies again" in removed.stderr
    assert "Ipamorelin (mine)" not in run("ipamorelin", "-s", "bottom-line").stdout


def test_validation_suggests_the_intended_key_and_value(tmp_path: Path) -> None:
    text = TEMPLATE.replace("summary = ", "sumary = ").replace('"phase-2"', '"phase2"')
    path = tmp_path / "typo.toml"
    path.write_text(text, encoding="utf-8")
    result = run("kb", "validate", str(path))
    assert result.exit_code == 2
    assert "compounds.my-compound.sumary: unknown key; did you mean 'summary'?" in result.stderr
    assert "'phase2' is not one of preclinical, phase-1, phase-2, phase-3, approved; " \
        "did you mean 'phase-2'?" in result.stderr  # fmt: skip


def test_remove_completes_personal_ids_only() -> None:
    from gslookup.commands.common import _complete_personal

    assert _complete_personal("te") == []
    text = (DATA / "testorelin.toml").read_text(encoding="utf-8")
    assert run("add", "-", input=text).exit_code == 0
    assert _complete_personal("te") == ["testorelin"]
    assert _complete_personal("ipa") == []

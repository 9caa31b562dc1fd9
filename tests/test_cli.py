from __future__ import annotations

import json
import re
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

from gslookup import __version__
from gslookup.cli import app
from gslookup.render import HEADINGS, SECTIONS

from .conftest import DATA

SCHEMA = json.loads(files("gslookup").joinpath("schema.json").read_text(encoding="utf-8"))


def run(runner: CliRunner, *args: str, **kwargs: Any) -> Any:
    return runner.invoke(app, list(args), **kwargs)


def test_version(runner: CliRunner) -> None:
    result = run(runner, "--version")
    assert result.exit_code == 0
    assert result.stdout == f"gslookup {__version__}\n"


def test_lookup_found_exits_0_and_answers_the_question(runner: CliRunner) -> None:
    result = run(runner, "ipamorelin", "--color", "never")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.index("Bottom line") < out.index("Regulatory status") < out.index("References")
    assert "not approved" in out.lower()
    assert "Last reviewed" in out
    assert "not medical advice" in out


@pytest.mark.parametrize("query", ["MK-677", "mk 677", "MK677", " ibutamoren ", "IBUTAMOREN"])
def test_lookup_ignores_case_spaces_and_hyphens(runner: CliRunner, query: str) -> None:
    result = run(runner, query, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["id"] == "ibutamoren"


def test_unknown_name_exits_1_with_suggestion_and_empty_stdout(runner: CliRunner) -> None:
    result = run(runner, "ipamorlin")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == "gslookup: no compound named 'ipamorlin'. Did you mean: ipamorelin?\n"


def test_unknown_name_without_close_match(runner: CliRunner) -> None:
    result = run(runner, "zzzzzzzz")
    assert result.exit_code == 1
    assert result.stderr == "gslookup: no compound named 'zzzzzzzz'.\n"


def test_escape_sequences_in_a_name_are_shown_escaped(runner: CliRunner) -> None:
    result = run(runner, "\x1b[2Jipa")
    assert result.exit_code == 1
    assert "\x1b" not in result.stderr
    assert "\\x1b[2Jipa" in result.stderr


def test_usage_error_exits_2(runner: CliRunner) -> None:
    result = run(runner, "ipamorelin", "--section", "nonsense")
    assert result.exit_code == 2
    assert result.stdout == ""


def test_json_and_jsonl_together_is_a_usage_error(runner: CliRunner) -> None:
    assert run(runner, "ipamorelin", "--json", "--jsonl").exit_code == 2


@pytest.mark.parametrize("name", ["ipamorelin", "somatropin", "macimorelin"])
def test_json_record_matches_the_schema(runner: CliRunner, name: str) -> None:
    result = run(runner, name, "--json")
    assert result.exit_code == 0
    record = json.loads(result.stdout)
    jsonschema.validate(record, SCHEMA)
    assert record["id"] == name
    assert record["schema_version"] == 1


def test_several_names_give_an_array_in_the_order_asked(runner: CliRunner) -> None:
    result = run(runner, "somatropin", "ipamorelin", "--json")
    assert [r["id"] for r in json.loads(result.stdout)] == ["somatropin", "ipamorelin"]


def test_jsonl_prints_one_record_per_line(runner: CliRunner) -> None:
    result = run(runner, "somatropin", "ipamorelin", "--jsonl")
    lines = result.stdout.splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["somatropin", "ipamorelin"]


def test_one_unknown_name_among_several_prints_nothing(runner: CliRunner) -> None:
    result = run(runner, "ipamorelin", "nosuchthing", "--json")
    assert result.exit_code == 1
    assert result.stdout == ""


def test_ipamorelin_record_carries_the_verified_facts(runner: CliRunner) -> None:
    record = json.loads(run(runner, "ipamorelin", "--json").stdout)
    assert record["highest_phase"] == "phase-2"
    assert {t["id"] for t in record["trials"]} >= {"NCT01280344"}
    assert record["sport"]["prohibited"] is True
    assert record["sport"]["section"].startswith("S2")
    assert all(a["status"] == "not-approved" for a in record["approvals"])
    assert "somatropin" in record["alternatives"]
    pmids = {r["pmid"] for r in record["references"]}
    assert pmids >= {"9849822", "10373343", "11735244", "11162489", "31197263"}


@pytest.mark.parametrize("section", SECTIONS)
def test_each_section_can_be_shown_alone(runner: CliRunner, section: str) -> None:
    result = run(runner, "ipamorelin", "--section", section, "--color", "never")
    assert result.exit_code == 0
    headings = HEADINGS["clinician"]
    for other, heading in headings.items():
        assert (heading in result.stdout) == (other == section), (other, heading)
    assert "not medical advice" in result.stdout


def test_patient_audience_uses_plain_wording(runner: CliRunner) -> None:
    record = json.loads(run(runner, "ipamorelin", "--json").stdout)
    result = run(runner, "ipamorelin", "--audience", "patient", "--color", "never")
    assert result.exit_code == 0
    assert "In short" in result.stdout and "Bottom line" not in result.stdout
    first_words = " ".join(record["plain_bottom_line"].split()[:4])
    assert first_words in " ".join(result.stdout.split())


def test_color_never_and_always(runner: CliRunner) -> None:
    plain = run(runner, "macimorelin", "--color", "never").stdout
    coloured = run(runner, "macimorelin", "--color", "always").stdout
    assert "\x1b[" not in plain
    assert "\x1b[" in coloured


def test_no_color_env_is_beaten_by_an_explicit_flag(runner: CliRunner) -> None:
    result = run(runner, "macimorelin", "--color", "always", env={"NO_COLOR": "1"})
    assert "\x1b[" in result.stdout


def test_schema_command_prints_the_packaged_schema(runner: CliRunner) -> None:
    result = run(runner, "schema")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == SCHEMA
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_kb_validate_bundled_strict(runner: CliRunner) -> None:
    result = run(runner, "kb", "validate", "--strict")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("ok: ")


def test_kb_validate_invalid_file_exits_2_without_traceback(
    runner: CliRunner, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.toml"
    text = (DATA / "testorelin.toml").read_text(encoding="utf-8")
    bad.write_text(text.replace('status = "not-approved"', 'status = "maybe"'), encoding="utf-8")
    result = run(runner, "kb", "validate", str(bad))
    assert result.exit_code == 2
    assert (
        f"{bad}:9: compounds.testorelin.approvals[0].status: 'maybe' is not one of" in result.stderr
    )
    assert "Traceback" not in result.output
    assert result.stdout == ""


def test_kb_validate_accepts_the_personal_example(runner: CliRunner) -> None:
    result = run(runner, "kb", "validate", str(DATA / "testorelin.toml"))
    assert result.exit_code == 0
    assert result.stdout == "ok: 1 compounds, 1 references in 1 file\n"


def test_kb_info(runner: CliRunner, bundled: Any) -> None:
    result = run(runner, "kb", "info")
    assert result.exit_code == 0
    rows = dict(line.split(":", 1) for line in result.stdout.splitlines())
    rows = {k: v.strip() for k, v in rows.items()}
    assert rows["compounds"] == str(len(bundled.compounds)) == "44"
    assert rows["references"] == str(len(bundled.references)) == "880"
    assert rows["newest review"] == "2026-12-02"
    assert rows["oldest review"] <= rows["newest review"]
    assert re.fullmatch(r"\d+\.\d+\.\d+ \(sha256:[0-9a-f]{16}\)", rows["knowledge base"])
    stamp = json.loads(run(runner, "ipamorelin", "--json").stdout)["kb"]["hash"]
    assert rows["knowledge base"].endswith(f"({stamp})")
    assert rows["file"].endswith("compounds.toml")


def test_no_arguments_shows_help(runner: CliRunner) -> None:
    result = run(runner)
    assert "Usage: gslookup" in result.output


@pytest.mark.parametrize("command", [["show"], ["schema"], ["kb", "validate"], ["kb", "info"]])
def test_every_command_has_help_with_an_example(runner: CliRunner, command: list[str]) -> None:
    result = run(runner, *command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.stdout

"""The view of a compound: status strip, brief view, curator notes, one footer, clean text."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from gslookup import loader
from gslookup.cli import app
from gslookup.listing import statuses
from gslookup.model import KnowledgeBase
from gslookup.record import DISCLAIMER

from .conftest import TODAY

BUNDLED_IDS = sorted(loader.load([(loader.bundled_path(), "bundled")], TODAY).compounds)
WADA_WORDS = {"prohibited": "WADA prohibited", "not-prohibited": "WADA not prohibited",
              "unclear": "WADA status unclear"}  # fmt: skip


def run(*args: str, columns: int = 100) -> Any:
    return CliRunner().invoke(app, [*args, "--color", "never"], env={"COLUMNS": str(columns)})


def words(text: str) -> str:
    return " ".join(text.replace("│", " ").split())


@pytest.mark.parametrize("audience", ["clinician", "patient"])
@pytest.mark.parametrize("compound_id", BUNDLED_IDS)
def test_brief_view_fits_one_screen_for_every_compound(
    bundled: KnowledgeBase, compound_id: str, audience: str
) -> None:
    compound = bundled.compounds[compound_id]
    result = run(compound_id, "--brief", "--audience", audience, columns=80)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) <= 24
    assert max(len(line) for line in lines) <= 80
    bottom = compound.plain_bottom_line if audience == "patient" else None
    assert words(bottom or compound.bottom_line) in words(result.stdout)
    us = statuses(compound)["US"]  # every bundled entry says something about the US
    mark = "✓" if us == "approved" else "✗"
    assert f"US {mark} {us.replace('-', ' ')}" in words(result.stdout)
    assert WADA_WORDS[compound.sport.status] in words(result.stdout)
    assert lines[-2].startswith("More: gslookup") or lines[-1].startswith("More: gslookup")


def test_status_strip_answers_at_a_glance() -> None:
    lines = run("capromorelin").stdout.splitlines()
    sport = lines.index("WADA prohibited S2.2.4 at all times (2026 List) · US 503A unclear")
    # The status line may wrap; read it whole.
    status = " ".join(lines[2:sport])
    assert status == (
        "US ✗ not approved · EU ✗ not approved · US vet: dog, cat · EU vet: cat · CA vet: cat "
        "· JP vet: cat "
        "· highest phase 2"
    )
    lines = run("somatropin").stdout.splitlines()
    assert lines[1].startswith("US ✓ approved · EU ✓ approved · approved in AU, CA,")
    assert "WADA not prohibited (2026 List) · US 503A eligible" in run("lanreotide").stdout
    assert "WADA status unclear" in run("pegvisomant").stdout
    assert (
        "US ✗ discontinued · EU ✗ not approved · approved in CH, IE, IT" in run("sermorelin").stdout
    )


def test_colour_only_where_it_tells_something() -> None:
    result = CliRunner().invoke(app, ["ipamorelin", "--color", "always"])
    strip = result.stdout.splitlines()[1:3]
    assert all("\x1b[31m" not in line and "\x1b[1;31m" not in line for line in strip)
    result = CliRunner().invoke(app, ["somatropin", "--color", "always"])
    assert "\x1b[32mUS ✓ approved" in result.stdout.splitlines()[1]


def test_curator_notes_only_with_notes() -> None:
    plain, noted = run("ipamorelin").stdout, run("ipamorelin", "--notes").stdout
    assert "About the evidence" not in plain and "About the evidence" in noted
    assert "could not be read here" not in plain and "could not be read here" in noted
    assert "Curators' notes on the sources: gslookup ipamorelin --notes" in plain
    patient = run("ipamorelin", "--audience", "patient").stdout
    assert "About the evidence" not in patient and "could not be read here" not in patient
    assert "--notes" not in patient
    record = json.loads(run("ipamorelin", "--json").stdout)
    assert record["note"] and record["compounding"]["note"] and record["sport"]["note"]


def test_notes_in_the_patient_view_is_an_error() -> None:
    result = run("ipamorelin", "--notes", "--audience", "patient")
    assert result.exit_code == 2
    assert "patient view never shows them" in result.stderr


def test_patient_title_has_no_class_jargon() -> None:
    patient = run("ipamorelin", "--audience", "patient").stdout.splitlines()
    assert patient[0] == "Ipamorelin"
    assert (
        patient[2]
        == "WADA prohibited S2.2.4 at all times (2026 List) · US pharmacies may not make it"
    )
    assert "Ghrelin-receptor (GHS-R1a)" in run("ipamorelin").stdout.splitlines()[0]


def test_several_names_share_one_footer_and_a_name_twice_is_shown_once() -> None:
    out = run("ipamorelin", "macimorelin", "Ipamorelin", "-s", "bottom-line").stdout
    assert out.count(DISCLAIMER.split()[0] + " is an educational") == 1
    assert out.count("Last reviewed") == 1
    assert re.search(r"Last reviewed \S+ \(Ipamorelin\), \S+ \(Macimorelin\)", out)
    assert out.count("╭─ Bottom line") == 2
    records = json.loads(run("ipamorelin", "ipamorelin", "macimorelin", "--json").stdout)
    assert [r["id"] for r in records] == ["ipamorelin", "macimorelin"]


def test_fields_implies_json() -> None:
    result = run("ipamorelin", "--fields", "id,highest_phase")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"id": "ipamorelin", "highest_phase": "phase-2"}


@pytest.mark.parametrize(
    "extra, named",
    [
        (["-s", "sport"], "--section only shapes"),
        (["--audience", "patient"], "--audience only shapes"),
        (["--brief"], "--brief only shapes"),
        (["-b", "--notes"], "--brief, --notes only shape"),
    ],
)
def test_terminal_only_options_with_json_are_an_error(extra: list[str], named: str) -> None:
    for machine in (["--json"], ["--jsonl"], ["--fields", "id"]):
        result = run("ipamorelin", *machine, *extra)
        assert result.exit_code == 2, (machine, extra)
        assert result.stdout == ""
        assert result.stderr.startswith(f"gslookup: {named} the terminal view; JSON always")


def test_brief_with_sections_is_an_error() -> None:
    result = run("ipamorelin", "--brief", "-s", "sport")
    assert result.exit_code == 2 and "use one of them" in result.stderr


def test_no_padding_and_readable_width_on_a_wide_terminal() -> None:
    out = run("somatropin", columns=200).stdout
    lines = out.splitlines()
    assert not [line for line in lines if line != line.rstrip()]
    prose = [line for line in lines if not re.match(r"https?://", line.strip())]
    assert max(len(line) for line in prose) <= 100
    assert max(len(line) for line in lines) > 100  # a long URL stays whole


def test_urls_are_never_wrapped_in_the_middle(bundled: KnowledgeBase) -> None:
    out = run("ipamorelin", columns=80).stdout
    for ref in bundled.references.values():
        if ref.url and not (ref.pmid or ref.doi or ref.nct) and ref.url in out:
            assert f"  {ref.url}\n" in out
    fda = "https://www.fda.gov/advisory-committees/advisory-committee-calendar/october-29-2024"
    assert fda in out


def test_the_readme_shows_the_brief_view_as_it_is() -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    sample = readme.split("$ gslookup ipamorelin --brief\n", 1)[1].split("```", 1)[0]
    assert sample == run("ipamorelin", "--brief", columns=80).stdout

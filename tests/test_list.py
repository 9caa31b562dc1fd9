"""`gslookup list`: one row per compound at any width, untruncated rows for a pipe."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

import pytest
from typer.testing import CliRunner

from gslookup.cli import app
from gslookup.model import KnowledgeBase

from .terminal import run_in_pty


def run(*args: str, columns: int = 100) -> Any:
    return CliRunner().invoke(app, ["list", *args], env={"COLUMNS": str(columns)})


@pytest.mark.parametrize("columns", [60, 80, 120, 200])
def test_one_row_per_compound_at_any_width(bundled: KnowledgeBase, columns: int) -> None:
    result = run("-f", "table", "--no-headers", "--color", "never", columns=columns)
    lines = result.stdout.splitlines()
    assert len(lines) == len(bundled.compounds)
    assert all(len(line) <= columns for line in lines)
    capromorelin = next(line for line in lines if line.startswith("capro"))
    assert "US✗ EU✗ vet" in capromorelin and "S2.2.4" in capromorelin


def test_a_terminal_gets_the_table_with_informative_classes(bundled: KnowledgeBase) -> None:
    screen, code = run_in_pty(["list", "--no-pager"], {})
    assert code == 0
    screen = re.sub(r"\x1b\[[0-9;]*m", "", screen)  # colour codes apart
    assert "ID" in screen.splitlines()[0] and f"{len(bundled.compounds)} compounds" in screen
    assert screen.count("Ghrelin-rec") == 0 and "GHRH analogue" in screen
    assert "mechano-growth-factor" in screen  # ids are what people type: never cut at 80
    assert "US✓ EU✓ AU✓ +7" in screen  # somatropin: compact, not ten lines


def test_a_pipe_gets_untruncated_tab_separated_rows(bundled: KnowledgeBase) -> None:
    result = run()
    rows = list(csv.DictReader(io.StringIO(result.stdout), delimiter="\t"))
    assert len(rows) == len(bundled.compounds)
    capro = next(r for r in rows if r["id"] == "capromorelin")
    assert capro["drug_class"] == bundled.compounds["capromorelin"].drug_class
    assert capro["veterinary"] == "US: dog, cat; EU: cat; CA: cat; JP: cat"
    assert capro["prohibited"] == "true"
    no_headers = run("--no-headers").stdout.splitlines()
    assert no_headers == result.stdout.splitlines()[1:]
    assert run("--tsv").stdout == result.stdout


def test_csv_booleans_and_fields() -> None:
    result = run("--csv", "--fields", "id,prohibited,status_US,veterinary")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == ["id", "prohibited", "status_US", "veterinary"]
    assert {r["prohibited"] for r in rows} == {"true", "false"}
    tsv = run("--tsv", "--fields", "id,sport_section", "--no-headers").stdout.splitlines()
    assert "ipamorelin\tS2.2.4" in tsv


def test_json_shows_veterinary_approvals() -> None:
    rows = json.loads(run("--json").stdout)
    capro = next(r for r in rows if r["id"] == "capromorelin")
    assert capro["veterinary"] == {
        "US": ["dog", "cat"],
        "EU": ["cat"],
        "CA": ["cat"],
        "JP": ["cat"],
    }
    assert capro["status"]["US"] == "not-approved"


def test_sort_and_limit() -> None:
    ids = [r["id"] for r in json.loads(run("--json", "--sort", "phase", "--limit", "3").stdout)]
    assert len(ids) == 3
    phases = [r["highest_phase"] for r in json.loads(run("--json", "--sort", "phase").stdout)]
    assert phases[0] == "approved" and phases[-1] == "preclinical"
    names = [r["name"] for r in json.loads(run("--json", "--sort", "name").stdout)]
    assert names == sorted(names, key=str.casefold)


@pytest.mark.parametrize("alias, code", [("FDA", "US"), ("ema", "EU"), ("jp", "JP")])
def test_jurisdiction_accepts_agencies(alias: str, code: str) -> None:
    by_alias = json.loads(run("--jurisdiction", alias, "--status", "approved", "--json").stdout)
    by_code = json.loads(run("--jurisdiction", code, "--status", "approved", "--json").stdout)
    assert by_alias == by_code and by_alias
    alone = json.loads(run("--jurisdiction", "CN", "--json").stdout)
    assert {r["id"] for r in alone} >= {"somatropin", "eftansomatropin-alfa"}


@pytest.mark.parametrize("code", ["XX", "USA", "F D A"])
def test_an_unknown_jurisdiction_is_a_usage_error_listing_the_codes(code: str) -> None:
    result = run("--jurisdiction", code)
    assert result.exit_code == 2 and result.stdout == ""
    assert "US" in result.stderr and "EU" in result.stderr


def test_known_codes_are_listed(bundled: KnowledgeBase) -> None:
    result = run("--jurisdiction", "XX")
    codes = sorted({a.jurisdiction for c in bundled.compounds.values() for a in c.approvals})
    assert {"AU", "CA", "CH", "CN", "EU", "JP", "KR", "UK", "US"} <= set(codes)
    assert f"known codes: {', '.join(codes)} (agencies" in result.stderr


def test_fields_alone_implies_json() -> None:
    rows = json.loads(run("--fields", "id,veterinary").stdout)
    assert rows[0] == {"id": "alexamorelin", "veterinary": {}}

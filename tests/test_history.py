"""The 2026-12 model: sport as the List is written, compounding eligibility, events, `changes`."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

from gslookup import loader
from gslookup.changes import ChangeQuery, changes
from gslookup.cli import app
from gslookup.errors import InvalidKnowledgeBase, UsageError
from gslookup.model import KnowledgeBase
from gslookup.record import build_record

from .conftest import DATA, TODAY

SCHEMA = json.loads(files("gslookup").joinpath("schema.json").read_text(encoding="utf-8"))
EVENTFUL = DATA / "eventful.toml"
STAMP = {"version": "test", "hash": "sha256:0"}


def load(path: Path, strict: bool = False) -> KnowledgeBase:
    return loader.load([(path, str(path))], TODAY, strict=strict)


def run(runner: CliRunner, *args: str) -> Any:
    return runner.invoke(app, ["--no-user-kb", "--kb", str(EVENTFUL), *args])


def variant(tmp_path: Path, old: str, new: str) -> Path:
    text = EVENTFUL.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "variant.toml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_a_0_1_0_entry_loads_and_reads_as_before() -> None:
    kb = load(DATA / "testorelin.toml")
    record = build_record(kb.compounds["testorelin"], kb, TODAY, STAMP)
    jsonschema.validate(record, SCHEMA)
    sport = record["sport"]
    assert sport["status"] == "not-prohibited" and sport["prohibited"] is False
    assert sport["named"] is None and sport["specified"] is None and sport["list_year"] is None
    assert sport["list_outdated"] is None
    assert record["compounding"]["us_503a_eligible"] == "unclear"
    assert record["compounding"]["us_503a_basis"] == "unknown"
    assert record["events"] == []


def test_the_new_keys_reach_the_record() -> None:
    kb = load(EVENTFUL, strict=True)
    record = build_record(kb.compounds["eventorelin"], kb, TODAY, STAMP)
    jsonschema.validate(record, SCHEMA)
    assert record["sport"]["section"] == "S2.2.4"
    assert record["sport"]["named"] is True and record["sport"]["specified"] is False
    assert record["compounding"]["us_503a_basis"] == "category-2"
    assert [e["date"] for e in record["events"]][:2] == ["2019", "2020-05-04"]
    assert record["events"][1]["jurisdiction"] == "US"
    assert record["events"][0]["jurisdiction"] is None


@pytest.mark.parametrize(
    ("today", "outdated"),
    [(date(2026, 12, 31), False), (date(2027, 1, 1), True), (date(2030, 6, 1), True)],
)
def test_list_outdated_from_1_january_of_a_later_year(today: date, outdated: bool) -> None:
    kb = load(EVENTFUL)
    record = build_record(kb.compounds["eventorelin"], kb, today, STAMP)
    assert record["sport"]["list_outdated"] is outdated


def test_status_and_prohibited_must_agree(tmp_path: Path) -> None:
    path = variant(
        tmp_path,
        'status = "prohibited", prohibited = true',
        'status = "unclear", prohibited = true',
    )
    with pytest.raises(InvalidKnowledgeBase) as error:
        load(path)
    assert [(p.key, p.reason) for p in error.value.problems] == [
        ("compounds.eventorelin.sport.prohibited", "must be false when status is 'unclear'")
    ]


def test_strict_wants_an_event_behind_each_dated_row(tmp_path: Path) -> None:
    path = variant(
        tmp_path, 'kind = "refusal", jurisdiction = "EU"', 'kind = "other", jurisdiction = "EU"'
    )
    load(path)  # fine for a personal file
    with pytest.raises(InvalidKnowledgeBase) as error:
        load(path, strict=True)
    reasons = [(p.key, p.reason) for p in error.value.problems]
    assert reasons == [
        ("compounds.eventorelin.approvals[1].date", "no refusal event dated 2021-03 in EU (strict)")
    ]


def test_strict_wants_a_source_behind_each_row(tmp_path: Path) -> None:
    path = variant(
        tmp_path,
        '{ jurisdiction = "EU", status = "refused", date = "2021-03", refs = ["evt-label"] }',
        '{ jurisdiction = "EU", status = "refused", date = "2021-03" }',
    )
    load(path)
    with pytest.raises(InvalidKnowledgeBase) as error:
        load(path, strict=True)
    assert [(p.key, p.reason) for p in error.value.problems] == [
        ("compounds.eventorelin.approvals[1].refs", "a row without a source (strict)")
    ]


def test_strict_wants_events_oldest_first(tmp_path: Path) -> None:
    path = variant(tmp_path, 'date = "2019", kind = "trial"', 'date = "2024-07", kind = "trial"')
    with pytest.raises(InvalidKnowledgeBase) as error:
        load(path, strict=True)
    assert [p.key for p in error.value.problems] == ["compounds.eventorelin.events[1].date"]


@pytest.mark.parametrize("key", ["named", "specified", "list_year"])
def test_strict_wants_the_sport_keys(tmp_path: Path, key: str) -> None:
    line = 'named = true, specified = false, when = "at-all-times", list_year = 2026, '
    kept = {"named": 'specified = false, when = "at-all-times", list_year = 2026, ',
            "specified": 'named = true, when = "at-all-times", list_year = 2026, ',
            "list_year": 'named = true, specified = false, when = "at-all-times", '}  # fmt: skip
    path = variant(tmp_path, line, kept[key])
    load(path)
    with pytest.raises(InvalidKnowledgeBase) as error:
        load(path, strict=True)
    assert [p.key for p in error.value.problems] == [f"compounds.eventorelin.sport.{key}"]


def test_strict_wants_a_list_section(tmp_path: Path) -> None:
    path = variant(tmp_path, 'section = "S2.2.4"', 'section = "peptides"')
    with pytest.raises(InvalidKnowledgeBase) as error:
        load(path, strict=True)
    assert "is not a List section" in error.value.problems[0].reason


def test_the_search_without_a_record_reaches_the_record_and_the_views(runner: CliRunner) -> None:
    kb = load(EVENTFUL, strict=True)
    record = build_record(kb.compounds["eventorelin"], kb, TODAY, STAMP)
    jsonschema.validate(record, SCHEMA)
    assert record["approval_search"] == {
        "date": "2026-11-01",
        "without_record": ["UK", "JP", "CN", "KR", "CA", "AU", "CH"],
        "note": "Made-up databases searched.",
    }
    line = "No record found in UK, JP, CN, KR, CA, AU, CH (searched 2026-11-01)."
    terminal = run(runner, "eventorelin", "-s", "approvals", "--notes")
    assert terminal.exit_code == 0
    assert line in terminal.stdout and "Made-up databases searched." in terminal.stdout
    assert "Made-up databases" not in run(runner, "eventorelin", "-s", "approvals").stdout
    assert line in run(runner, "eventorelin", "-f", "md").stdout


def test_a_0_1_0_entry_has_no_search_record() -> None:
    kb = load(DATA / "testorelin.toml")
    assert build_record(kb.compounds["testorelin"], kb, TODAY, STAMP)["approval_search"] is None


@pytest.mark.parametrize(
    ("without", "missing"),
    [('"UK", "JP", "CN", "KR", "CA", "AU"', "CH"), ('"UK", "CN", "KR", "CA", "AU"', "JP, CH")],
)
def test_strict_wants_every_core_regulator_searched(
    tmp_path: Path, without: str, missing: str
) -> None:
    path = variant(tmp_path, '"UK", "JP", "CN", "KR", "CA", "AU", "CH"', without)
    load(path)  # fine for a personal file
    with pytest.raises(InvalidKnowledgeBase) as error:
        load(path, strict=True)
    assert [(p.key, p.reason) for p in error.value.problems] == [
        (
            "compounds.eventorelin.approval_search.without_record",
            f"neither an approval row nor searched without a record: {missing} (strict)",
        )
    ]


def test_strict_wants_a_search_for_an_approved_compound(tmp_path: Path) -> None:
    text = EVENTFUL.read_text(encoding="utf-8")
    start = text.index("approval_search = ")
    path = tmp_path / "unsearched.toml"
    path.write_text(text[:start] + text[text.index("\n", start) + 1 :], encoding="utf-8")
    load(path)
    with pytest.raises(InvalidKnowledgeBase) as error:
        load(path, strict=True)
    assert [p.key for p in error.value.problems] == ["compounds.eventorelin.approval_search"]


@pytest.mark.parametrize(
    ("without", "reason"),
    [
        ('"UK", "US"', "US has an approval row, so it was not searched without a record"),
        ('"UK", "UK"', "UK is listed twice"),
    ],
)
def test_a_search_cannot_contradict_the_rows(tmp_path: Path, without: str, reason: str) -> None:
    path = variant(tmp_path, '"UK", "JP", "CN", "KR", "CA", "AU", "CH"', without)
    with pytest.raises(InvalidKnowledgeBase) as error:
        load(path)  # in any file, not only the curated one
    assert [(p.key, p.reason) for p in error.value.problems] == [
        ("compounds.eventorelin.approval_search.without_record[1]", reason)
    ]


def test_unknown_event_kind_is_named(tmp_path: Path) -> None:
    path = variant(tmp_path, 'kind = "supply"', 'kind = "shortage"')
    with pytest.raises(InvalidKnowledgeBase) as error:
        load(path)
    assert "'shortage' is not one of approval" in error.value.problems[0].reason


def query_rows(**query: Any) -> list[dict[str, Any]]:
    kb = load(EVENTFUL)
    return changes(kb.compounds.values(), ChangeQuery(**query), kb.references.get)


def test_changes_newest_first_with_references() -> None:
    found = query_rows()
    assert [r["date"] for r in found] == [
        "2025-02", "2024-06-30", "2023-09", "2022", "2021-03", "2020-05-04", "2019",
    ]  # fmt: skip
    assert found[3]["references"] == [
        {
            "id": "evt-list",
            "title": "A made-up Prohibited List",
            "url": "https://pubmed.ncbi.nlm.nih.gov/12345/",
        }
    ]


@pytest.mark.parametrize(
    ("query", "dates"),
    [
        ({"since": "2024-01-01"}, ["2025-02", "2024-06-30"]),
        ({"since": "2022-06-01", "until": "2023"}, ["2023-09", "2022"]),
        ({"until": "2020-05"}, ["2020-05-04", "2019"]),
        ({"kinds": ("approval", "refusal")}, ["2021-03", "2020-05-04"]),
        ({"jurisdiction": "eu"}, ["2021-03"]),
        ({"compound_id": "nothing"}, []),
    ],
)
def test_changes_filters(query: dict[str, Any], dates: list[str]) -> None:
    assert [r["date"] for r in query_rows(**query)] == dates


def test_a_malformed_date_is_a_usage_error() -> None:
    with pytest.raises(UsageError):
        ChangeQuery(since="last year")


def test_changes_command_formats(runner: CliRunner) -> None:
    as_json = run(runner, "changes", "--id", "eventorelin", "--since", "2024", "--json")
    assert as_json.exit_code == 0, as_json.output
    assert [r["date"] for r in json.loads(as_json.stdout)] == ["2025-02", "2024-06-30"]
    lines = run(runner, "changes", "--id", "eventorelin", "--kind", "sport", "--jsonl").stdout
    assert [json.loads(line)["kind"] for line in lines.splitlines()] == ["sport"]
    table = run(runner, "changes", "--id", "eventorelin", "--color", "never")
    assert "Shortage of the 5 mg pen." in table.stdout and "7 events" in table.stdout
    rows = list(
        csv.DictReader(io.StringIO(run(runner, "changes", "--id", "eventorelin", "--csv").stdout))
    )
    assert rows[0]["refs"] == "evt-label" and rows[0]["jurisdiction"] == "US"


def test_changes_command_errors(runner: CliRunner) -> None:
    bad_date = run(runner, "changes", "--since", "yesterday")
    assert bad_date.exit_code == 2 and "--since takes a date" in bad_date.stderr
    bad_kind = run(runner, "changes", "--kind", "gossip")
    assert bad_kind.exit_code == 2
    assert run(runner, "changes", "--json", "--csv").exit_code == 2


def test_list_compoundable(runner: CliRunner) -> None:
    no = json.loads(run(runner, "list", "--compoundable", "no", "--json").stdout)
    assert "eventorelin" in [r["id"] for r in no]
    assert all(r["compoundable"] == "no" for r in no)
    yes = json.loads(run(runner, "list", "--compoundable", "yes", "--json").stdout)
    assert "eventorelin" not in [r["id"] for r in yes]


def test_view_shows_sport_detail_and_recent_history(runner: CliRunner) -> None:
    out = run(runner, "eventorelin", "--color", "never").stdout
    assert "Prohibited at all times, section S2.2.4, named on the List, non-specified" in out
    assert "(2026 List)" in out
    assert "US compounding (503A): may not be compounded (category-2)" in out
    assert "Shortage of the 5 mg pen." in out
    assert "Phase 3 results reported." not in out  # only the 5 most recent by default
    assert "2 earlier events: gslookup eventorelin -s history" in out
    full = run(runner, "eventorelin", "-s", "history", "--color", "never").stdout
    assert "Phase 3 results reported." in full and "earlier event" not in full
    assert full.index("2025-02") < full.index("2019")


def test_bundled_changes_since_2024_hold_the_compounding_actions_and_2025_approvals(
    runner: CliRunner,
) -> None:
    result = runner.invoke(app, ["--no-user-kb", "changes", "--since", "2024-01-01", "--json"])
    rows = json.loads(result.stdout)
    assert all(r["date"] >= "2024" for r in rows)
    assert [r["date"] for r in rows] == sorted((r["date"] for r in rows), reverse=True)
    kinds = {(r["date"][:4], r["kind"]) for r in rows}
    assert ("2024", "compounding") in kinds and ("2025", "approval") in kinds
    assert any(r["id"] == "paltusotine" and r["kind"] == "approval" for r in rows)
    assert all(r["references"] for r in rows)


def test_every_bundled_compound_carries_the_new_model(bundled: KnowledgeBase) -> None:
    for compound in bundled.compounds.values():
        assert compound.sport.list_year == 2026, compound.id
        assert compound.compounding is not None, compound.id
        assert compound.events, compound.id

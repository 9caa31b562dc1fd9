from __future__ import annotations

from pathlib import Path

import pytest

from gslookup import loader
from gslookup.errors import InvalidKnowledgeBase

from .conftest import DATA, TODAY

TESTORELIN = (DATA / "testorelin.toml").read_text(encoding="utf-8")


def load_text(tmp_path: Path, text: str, strict: bool = False) -> None:
    path = tmp_path / "kb.toml"
    path.write_text(text, encoding="utf-8")
    loader.load([(path, str(path))], TODAY, strict=strict)


def problems(tmp_path: Path, text: str, strict: bool = False) -> list[str]:
    with pytest.raises(InvalidKnowledgeBase) as caught:
        load_text(tmp_path, text, strict)
    return [str(p) for p in caught.value.problems]


def test_the_personal_example_from_the_format_docs_loads() -> None:
    kb = loader.load([(DATA / "testorelin.toml", "personal")], TODAY)
    entry = kb.compounds["testorelin"]
    assert entry.aliases == ("TST-001",)
    assert entry.sport.prohibited is False
    assert entry.source == "personal"


def test_bad_enum_names_file_line_key_and_choices(tmp_path: Path) -> None:
    text = TESTORELIN.replace('status = "not-approved"', 'status = "maybe"')
    assert problems(tmp_path, text) == [
        "kb.toml:9: compounds.testorelin.approvals[0].status: 'maybe' is not one of "
        "approved, not-approved, refused, withdrawn, discontinued"
    ]


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = TESTORELIN.replace('name = "Testorelin"', "name = 5").replace(
        'highest_phase = "preclinical"', 'highest_phase = "phase-9"'
    )
    found = problems(tmp_path, text)
    assert found == [
        "kb.toml:2: compounds.testorelin.name: expected a string, got an integer",
        "kb.toml:7: compounds.testorelin.highest_phase: 'phase-9' is not one of "
        "preclinical, phase-1, phase-2, phase-3, approved",
    ]


def test_missing_required_key(tmp_path: Path) -> None:
    text = TESTORELIN.replace(
        'bottom_line = "Not a real compound; it exists only in this example."\n', ""
    )
    assert problems(tmp_path, text) == [
        "kb.toml:1: compounds.testorelin.bottom_line: required key is missing"
    ]


def test_dangling_reference(tmp_path: Path) -> None:
    text = TESTORELIN.replace(
        'risks = [{text = "Unknown.", refs = ["userref2026"]}]',
        'risks = [{text = "Unknown.", refs = ["nosuchref"]}]',
    )
    assert problems(tmp_path, text) == [
        "kb.toml:12: compounds.testorelin.risks[0].refs[0]: cites unknown reference 'nosuchref'"
    ]


def test_alias_naming_two_compounds_is_an_error(tmp_path: Path) -> None:
    second = TESTORELIN.split("[references")[0].replace(
        "[compounds.testorelin]", "[compounds.other]"
    )
    second = second.replace('aliases = ["TST-001"]', 'aliases = ["tst 001"]').replace(
        'name = "Testorelin"', 'name = "Other"'
    )
    found = problems(tmp_path, TESTORELIN + "\n" + second)
    assert found == ["kb.toml:22: compounds.other.aliases[0]: 'tst 001' also names 'testorelin'"]


def test_future_dates_are_rejected(tmp_path: Path) -> None:
    text = TESTORELIN.replace("last_reviewed = 2026-11-01", "last_reviewed = 2030-01-01")
    assert problems(tmp_path, text) == [
        "kb.toml:8: compounds.testorelin.last_reviewed: 2030-01-01 is in the future"
    ]


@pytest.mark.parametrize("value", ['"2017-12"', '"2017"', "2017-12-20"])
def test_approval_dates_may_be_partial(tmp_path: Path, value: str) -> None:
    text = TESTORELIN.replace('status = "not-approved"', f'status = "approved", date = {value}')
    load_text(tmp_path, text)


@pytest.mark.parametrize("value", ['"2017-13"', '"Dec 2017"', "5"])
def test_bad_partial_dates(tmp_path: Path, value: str) -> None:
    text = TESTORELIN.replace('status = "not-approved"', f'status = "approved", date = {value}')
    assert len(problems(tmp_path, text)) == 1


def test_unknown_key_is_reported(tmp_path: Path) -> None:
    text = TESTORELIN.replace('aliases = ["TST-001"]', 'aliass = ["TST-001"]')
    (found,) = problems(tmp_path, text)
    assert found.startswith("kb.toml:3: compounds.testorelin.aliass: unknown key")


def test_newer_schema_version_is_refused(tmp_path: Path) -> None:
    (found,) = problems(tmp_path, "schema_version = 2\n" + TESTORELIN)
    assert found == "kb.toml:1: schema_version: 2 is not supported (this gslookup reads 1)"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "the file is empty"),
        (b"\xff\xfe\x00garbage", "not UTF-8 text"),
        (b"[compounds.x\nname=", "not valid TOML"),
    ],
)
def test_unreadable_files(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "kb.toml"
    path.write_bytes(content)
    with pytest.raises(InvalidKnowledgeBase) as caught:
        loader.load([(path, str(path))], TODAY)
    assert reason in str(caught.value)


def test_strict_rules_only_apply_when_asked(tmp_path: Path) -> None:
    load_text(tmp_path, TESTORELIN)
    found = problems(tmp_path, TESTORELIN, strict=True)
    assert "kb.toml:9: compounds.testorelin.approvals: no EU status (strict)" in found
    assert "kb.toml:15: references.userref2026: needs a pmid, doi, url or nct (strict)" in found


def test_strict_flags_unused_references(tmp_path: Path) -> None:
    extra = '\n[references.unused]\ntitle = "x"\nkind = "review"\nurl = "https://example.org/x"\n'
    found = problems(tmp_path, TESTORELIN + extra, strict=True)
    assert "kb.toml:20: references.unused: cited by no compound (strict)" in found

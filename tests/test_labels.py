"""Screening real label text: every compound on the label found, no false alarm, any encoding."""

from __future__ import annotations

import codecs
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from gslookup.cli import app
from gslookup.labels import LabelMatcher, name_key
from gslookup.model import KnowledgeBase

from .conftest import DATA

LABELS = DATA / "labels"
EXPECTED: dict[str, dict[str, dict[str, list[str]]]] = json.loads(
    (LABELS / "expected.json").read_text(encoding="utf-8")
)


def check(runner: CliRunner, *args: str, **kwargs: Any) -> Any:
    return runner.invoke(app, ["--no-user-kb", "check", *args], **kwargs)


def results(output: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in output.splitlines()]


@pytest.mark.parametrize("label", sorted(EXPECTED))
def test_every_compound_on_a_real_label_and_no_false_alarm(runner: CliRunner, label: str) -> None:
    result = check(runner, str(LABELS / label), "--format", "jsonl")
    assert result.exit_code == 0, result.output
    found: dict[str, list[str]] = {}
    possible: dict[str, list[str]] = {}
    for record in results(result.stdout):
        line = str(record["line"])
        if record["verdict"] == "possible":
            possible.setdefault(line, []).append(record["suggestion"])
        elif record["verdict"] != "no-match":
            found.setdefault(line, []).append(record["id"])
    assert found == EXPECTED[label]["found"]
    assert possible == EXPECTED[label]["possible"]


def test_a_miss_is_never_silent(runner: CliRunner) -> None:
    label = str(LABELS / "gh-stack.txt")
    result = check(runner, label, "--fail-on", "prohibited", "--format", "jsonl")
    assert result.exit_code == 1
    assert "--fail-on prohibited: lines 3, 4, 5, 6, 7, 8, 9, 10, 11, 12" in result.stderr
    assert "13 lines: 11 compounds found in 10 lines (11 prohibited)" in result.stderr


@pytest.fixture(scope="module")
def matcher(bundled: KnowledgeBase) -> LabelMatcher:
    names = [
        (label, c.id) for c in bundled.compounds.values() for label in (c.id, c.name, *c.aliases)
    ]
    return LabelMatcher(names)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("GHRP-2 5mg", ["pralmorelin"]),
        ("GHRP-26", []),
        ("HGH 10 IU", ["somatropin"]),
        ("HGHX", []),
        ("mk 677", ["ibutamoren"]),
        ("Ibutamoren (MK-677) 25 mg", ["ibutamoren"]),
        ("Ipamorelin + CJC-1295 & GHRP-6 and Sermorelin",
         ["ipamorelin", "cjc-1295", "ghrp-6", "sermorelin"]),
        ("Anamorelin HCl (as hydrochloride) 100 mg", ["anamorelin"]),
        ("†Somatropin", ["somatropin"]),
        ("L-Arginine, L-Ornithine", []),
    ],
)  # fmt: skip
def test_whole_words_and_blends(matcher: LabelMatcher, line: str, expected: list[str]) -> None:
    assert [m.compound_id for m in matcher.find(line) if not m.possible] == expected


def test_bidi_and_zero_width_never_hide_a_name(matcher: LabelMatcher) -> None:
    for hidden in ("Ipa\u200bmorelin", "\u202eIpamorelin", "Ipam\u2060orelin", "\ufeffIpamorelin"):
        assert [m.compound_id for m in matcher.find(hidden)] == ["ipamorelin"]


FILLER = st.sampled_from(["contains", "per", "serving", "blend", "with", "vial", "pure", "lab",
                          "tested", "(", ")", ",", "/", "+", "•", "*", "†", "1.", "-"])  # fmt: skip
DOSE = st.builds(
    lambda n, unit: f"{n}{unit}",
    st.integers(min_value=1, max_value=999),
    st.sampled_from([" mg", "mg", " IU", " mcg", " mg/vial", "mg/5mg"]),
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_bundled_alias_in_label_text_is_found(
    bundled: KnowledgeBase, matcher: LabelMatcher, data: st.DataObject
) -> None:
    labels = sorted(
        (label, c.id) for c in bundled.compounds.values() for label in (c.id, c.name, *c.aliases)
    )
    label, compound_id = data.draw(st.sampled_from(labels))
    before = data.draw(st.lists(st.one_of(FILLER, DOSE), max_size=4))
    after = data.draw(st.lists(st.one_of(FILLER, DOSE), max_size=4))
    line = " ".join([*before, label, *after])
    found = {m.compound_id for m in matcher.find(line)}
    assert compound_id in found or _longer_name_owns(matcher, line, label), line


def _longer_name_owns(matcher: LabelMatcher, line: str, label: str) -> bool:
    """A filler word may extend a name into a longer one of another compound; never a miss."""
    return any(name_key(label) in name_key(m.matched) for m in matcher.find(line))


def test_no_two_compounds_share_a_label_key(bundled: KnowledgeBase) -> None:
    owners: dict[str, str] = {}
    for c in bundled.compounds.values():
        for label in (c.id, c.name, *c.aliases):
            assert owners.setdefault(name_key(label), c.id) == c.id, label


ENCODINGS = [
    ("bom", codecs.BOM_UTF8 + b"Ipamorelin\nSermorelin\n"),
    ("utf16", "Ipamorelin\nSermorelin\n".encode("utf-16")),
    ("utf16-be", codecs.BOM_UTF16_BE + "Ipamorelin\r\nSermorelin\r\n".encode("utf-16-be")),
    ("crlf", b"Ipamorelin\r\nSermorelin\r\n"),
]


@pytest.mark.parametrize(("name", "data"), ENCODINGS, ids=[e[0] for e in ENCODINGS])
@pytest.mark.parametrize("via", ["file", "stdin"])
def test_encodings(runner: CliRunner, tmp_path: Path, name: str, data: bytes, via: str) -> None:
    path = tmp_path / f"{name}.txt"
    path.write_bytes(data)
    args = [str(path)] if via == "file" else ["-"]
    result = check(runner, *args, "--format", "jsonl", input=None if via == "file" else data)
    assert result.exit_code == 0, result.output
    assert [(r["line"], r["id"], r["input"]) for r in results(result.stdout)] == [
        (1, "ipamorelin", "Ipamorelin"), (2, "sermorelin", "Sermorelin"),
    ]  # fmt: skip


@pytest.mark.parametrize("via", ["file", "stdin"])
def test_latin1_is_a_clear_error_and_encoding_fixes_it(
    runner: CliRunner, tmp_path: Path, via: str
) -> None:
    data = "Ipamorelin\nSomatropin café\n".encode("latin-1")
    path = tmp_path / "latin1.txt"
    path.write_bytes(data)
    args = [str(path)] if via == "file" else ["-"]
    stdin = None if via == "file" else data
    failed = check(runner, *args, "--format", "jsonl", input=stdin)
    assert failed.exit_code == 2
    assert "gslookup: line 2 is not valid UTF-8; try --encoding cp1252" in failed.stderr
    fixed = check(runner, *args, "--format", "jsonl", "--encoding", "cp1252", input=stdin)
    assert fixed.exit_code == 0
    assert results(fixed.stdout)[1]["input"] == "Somatropin café"
    unknown = check(runner, *args, "--encoding", "klingon", input=stdin)
    assert unknown.exit_code == 2 and "unknown encoding 'klingon'" in unknown.stderr


def test_at_a_terminal_check_says_it_reads_stdin_and_draws_a_table() -> None:
    from .ptyterm import run_on_pty

    # What a person types, then Ctrl-D (the terminal turns it into end of input).
    result = run_on_pty(["--no-user-kb", "check"], columns=80, typed=b"Sermorelin 9mg\n\x04")
    assert result.code == 0, result.text
    text = result.text
    assert "gslookup: reading label text from stdin (Ctrl-D to finish)" in text
    assert "Verdict" in text and "sermorelin" in text and "S2.2.4" in text
    assert "1 line: 1 compound found in 1 line (1 prohibited)" in text

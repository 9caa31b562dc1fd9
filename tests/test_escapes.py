"""Nothing from data, arguments or file names ever acts on a terminal (S1-S6, M9).

A knowledge base is generated from the field rules themselves, so every string field of the
model, present and future, carries every escape family; each command and format then runs on
a real pseudo-terminal.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from gslookup import fields
from gslookup.citations import as_markdown
from gslookup.model import Reference
from gslookup.output import csv_cell
from gslookup.text import strip_controls

from .ptyterm import dangerous, run_on_pty

# One of every family a terminal acts on, each in a 7-bit and (where it exists) 8-bit form.
ESCAPES = (
    "\x1b]52;c;cm0gLXJmIH4K\x1b\\"  # OSC 52 clipboard write, ST-terminated
    "\x1b]2;owned\x07"  # OSC 2 window title, BEL-terminated
    "\x1b]8;;https://evil.invalid/\x1b\\link\x1b]8;;\x1b\\"  # OSC 8 hyperlink
    "\x1b[6n\x1b[2J"  # CSI: device status report, clear screen
    "\x1bP1$qm\x1b\\"  # DCS
    "\x1b_apc\x1b\\\x1b^pm\x1b\\\x1bXsos\x1b\\"  # APC, PM, SOS
    "\x9b6n\x9d2;c1\x07\x90dcs\x9c\x85"  # C1: CSI, OSC, DCS, ST, NEL
    "\x07\x7f\x08"  # BEL, DEL, BS
    "\u202edevorppa\u202c\u2066x\u2069\u200b\u200d\ufeff"  # bidi and zero-width
)


def _marker(n: int) -> str:
    return f"zq{n:03d}q"


class _Hostile:
    """Fill every free-text field of a table spec with a marker and every escape family."""

    def __init__(self) -> None:
        self.count = 0

    def value(self, rule: fields.Field, key: str) -> Any:
        if rule.kind in ("str", "strs") and not (rule.choices or rule.pattern):
            if key.endswith(".refs"):
                return ["r1"]
            if key.endswith(".alternatives"):
                return ["hostile-b"]
            self.count += 1
            text = _marker(self.count) + ESCAPES
            return [text] if rule.kind == "strs" else text
        simple = {"bool": True, "int": 2020, "date": date(2026, 11, 1), "partial-date": "2026-11"}
        if rule.kind in simple:
            return simple[rule.kind]
        if rule.kind == "str":
            return rule.choices[0] if rule.choices else _VALID[key.rsplit(".", 1)[-1]]
        if rule.kind == "strs":
            return [_VALID[key.rsplit(".", 1)[-1]]]
        assert rule.table is not None
        table = self.table(rule.table, key)
        return [table] if rule.kind == "tables" else table

    def table(self, spec: Mapping[str, fields.Field], key: str) -> dict[str, Any]:
        return {name: self.value(rule, f"{key}.{name}") for name, rule in spec.items()}


_VALID = {
    "jurisdiction": "US",
    "without_record": "JP",
    "pmid": "12345",
    "doi": "10.1234/abc(1)2",
    "url": "https://example.org/x",
    "nct": "NCT01234567",
}


def hostile_kb() -> tuple[dict[str, Any], list[str]]:
    filler = _Hostile()
    document: dict[str, Any] = {"compounds": {}, "references": {}}
    for compound_id in ("hostile-a", "hostile-b"):
        entry = filler.table(fields.COMPOUND, f"compounds.{compound_id}")
        entry["alternatives"] = ["hostile-b" if compound_id == "hostile-a" else "hostile-a"]
        document["compounds"][compound_id] = entry
    document["references"]["r1"] = filler.table(fields.REFERENCE, "references.r1")
    # A second reference with only a URL, which is shown as a link of its own.
    second = filler.table(fields.REFERENCE, "references.r2")
    del second["pmid"], second["doi"], second["nct"]
    document["references"]["r2"] = second
    document["compounds"]["hostile-a"]["risks"][0]["refs"] = ["r1", "r2"]
    return document, [_marker(n) for n in range(1, filler.count + 1)]


@pytest.fixture
def hostile_file(tmp_path: Path) -> tuple[Path, list[str]]:
    document, markers = hostile_kb()
    path = tmp_path / "hostile.toml"
    path.write_text(tomli_w.dumps(document), encoding="utf-8")
    names = tmp_path / "names.txt"
    names.write_text(f"hostile-a\n{ESCAPES}\n=1+2\n{_marker(1)}\nhostile\u200b-b\n", "utf-8")
    return path, markers


def _commands(kb: Path, names: Path) -> Iterator[list[str]]:
    base = ["--kb", str(kb)]
    for extra in ([], ["--color", "always"], ["--color", "never"], ["--audience", "patient"]):
        yield [*base, "hostile-a", "hostile-b", *extra]
    for extra in (["--json"], ["--jsonl"]):
        yield [*base, "hostile-a", *extra]
    for extra in ([], ["--color", "always"], ["--json"], ["--jsonl"], ["--csv"]):
        yield [*base, "list", *extra]
    for extra in ([], ["--color", "always"], ["--json"]):
        yield [*base, "search", "zq", *extra]
    for extra in ([], ["--color", "always"], ["--json"]):
        yield [*base, "compare", "hostile-a", "hostile-b", *extra]
    for fmt in ("text", "markdown", "bibtex", "ris", "csl-json"):
        yield [*base, "refs", "hostile-a", "-f", fmt]
    for fmt in ("table", "json", "jsonl", "csv"):
        yield [*base, "check", str(names), "-f", fmt]
    for extra in (["info"], ["export"], ["export", "-f", "json"], ["validate", str(kb)]):
        yield [*base, "kb", *extra]
    yield [*base, "show", ESCAPES]  # an unknown name typed with escapes
    yield [*base, "check", f"missing{ESCAPES}.txt"]  # a file name in an error
    yield [*base, "--kb", f"missing{ESCAPES}.toml", "kb", "info"]
    yield [*base, "list", "--color", ESCAPES]  # Click's own usage error


def test_every_field_with_every_escape_family_through_every_command_on_a_pty(
    hostile_file: tuple[Path, list[str]],
) -> None:
    kb, markers = hostile_file
    commands = list(_commands(kb, kb.parent / "names.txt"))
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(run_on_pty, commands))
    for args, result in zip(commands, results, strict=True):
        assert result.code in (0, 1, 2), (args, result.text[-500:])
        assert "Traceback" not in result.text, args
        assert dangerous(result.raw) == [], (args[2:], result.text[:3000])
    # Every field reached some output, so none was skipped by the walk (or hidden by an error).
    everything = "".join(r.text for r in results)
    assert [m for m in markers if m not in everything] == []
    # And terminal views show the fields themselves, not just JSON: the default view of
    # hostile-a shows its bottom line and its sport authority.
    shown = results[0].text
    assert "devorppa" in shown and "Prohibited" in shown


def test_the_walk_covers_every_free_text_field_of_the_model() -> None:
    _, markers = hostile_kb()
    free = [
        name
        for spec in (fields.COMPOUND, fields.REFERENCE, fields.SPORT, fields.APPROVAL)
        for name, rule in spec.items()
        if rule.kind in ("str", "strs") and not (rule.choices or rule.pattern)
    ]
    assert {"authority", "section", "title", "journal", "authors", "bottom_line"} <= set(free)
    assert len(markers) > 40


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("doi", "10.1234/x\x1b\\\x1b]52;c;cm0gLXJmIH4K\x07"),
        ("doi", "10.1234/x)[Click](javascript:alert(1))"),
        ("url", "https://example.org/\x1b\\\x1b]2;owned\x07"),
        ("url", "https://ok.example/><img/src=x/onerror=alert(1)><"),
        ("url", "javascript:alert(1)"),
        ("pmid", "123\n"),
        ("nct", "NCT01234567\n"),
    ],
)
def test_a_link_target_that_could_leave_its_link_is_an_invalid_knowledge_base(
    key: str, value: str
) -> None:
    problems: list[str] = []
    fields.REFERENCE[key].check(value, key, lambda k, r: problems.append(r), date(2026, 11, 25))
    assert problems


def test_a_two_letter_code_with_a_trailing_newline_is_rejected() -> None:
    problems: list[str] = []
    rule = fields.APPROVAL["jurisdiction"]
    rule.check("US\n", "jurisdiction", lambda k, r: problems.append(r), date(2026, 11, 25))
    assert problems


def test_markdown_escapes_data_and_links_only_to_http() -> None:
    ref = Reference(
        id="a",
        kind="research",
        title="T <b>x</b> [y](javascript:z)",
        authors=("<img src=x onerror=alert(2)> AB", "[x](javascript:alert(3)) CD"),
        doi="10.1234/x(1)<2>",
    )
    text = as_markdown([ref])
    unescaped = re.compile(r"(?<!\\)[<\[\]]")
    head, link = text.split(" [doi:")
    assert unescaped.findall(head) == []
    assert link == "10.1234/x(1)\\<2\\>](https://doi.org/10.1234/x%281%29%3C2%3E)\n"


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_cells_that_would_be_formulas_are_prefixed(start: str) -> None:
    cell = csv_cell(f'{start}HYPERLINK("https://evil")')
    assert cell.startswith("'")
    buffer = io.StringIO()
    csv.writer(buffer).writerow([cell])
    assert not buffer.getvalue().lstrip('"').startswith(start)


def test_csv_output_of_list_and_check_defends_every_cell(
    hostile_file: tuple[Path, list[str]],
) -> None:
    kb, _ = hostile_file
    kb.write_text(
        kb.read_text("utf-8").replace('name = "zq', 'name = "=HYPERLINK(1)zq', 1), "utf-8"
    )
    names = kb.parent / "names.txt"
    for args in (["list", "--csv"], ["check", str(names), "-f", "csv"]):
        result = run_on_pty(["--kb", str(kb), *args], env={**os.environ, "COLUMNS": "100"})
        rows = list(csv.reader(io.StringIO(result.text.replace("\r\n", "\n"))))
        cells = [cell for row in rows for cell in row]
        assert cells, args
        assert [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")] == [], args


def test_strip_controls_leaves_ordinary_text_alone() -> None:
    text = "Ipamorelin — GHRP (δ-phase), 5 µg/kg; naïve\tcolumn\nline"
    assert strip_controls(text) == text


def test_completion_of_hostile_names_is_sanitised(hostile_file: tuple[Path, list[str]]) -> None:
    import subprocess
    import sys

    kb, _ = hostile_file
    env = {**os.environ, "GSLOOKUP_KB": str(kb), "COMP_WORDS": "gslookup zq", "COMP_CWORD": "1"}
    env["_GSLOOKUP_COMPLETE"] = "complete_bash"
    script = str(Path(sys.executable).parent / "gslookup")
    result = subprocess.run([script], env=env, capture_output=True, timeout=60)
    assert b"zq001q" in result.stdout  # the hostile name is offered...
    assert dangerous(result.stdout) == []  # ...without its escapes

"""Hostile input, files, text and terminals: always a message and a documented exit code."""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import signal
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from gslookup import fields, loader, store
from gslookup.cli import app
from gslookup.errors import InvalidKnowledgeBase
from gslookup.model import EVIDENCE_LEVELS, PHASES, STATUSES
from gslookup.record import build_record

from .conftest import DATA, TODAY
from .test_cli import SCHEMA

BUNDLED = loader.bundled_path()
TESTORELIN = (DATA / "testorelin.toml").read_text(encoding="utf-8")


def run(runner: CliRunner, *args: str, **kwargs: Any) -> Any:
    return runner.invoke(app, list(args), **kwargs)


def no_traceback(result: Any) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output


# ---- names


@pytest.mark.parametrize("name", ["", " ", "\t"])
def test_an_empty_name_is_a_usage_error(runner: CliRunner, name: str) -> None:
    result = run(runner, name)
    no_traceback(result)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "gslookup: a compound name cannot be empty\n"


@pytest.mark.parametrize(
    "name",
    ["x" * 100_000, "\x1b[2J\x1b]8;;http://x\x07y", "zz\tq\x7f", "💊", b"ipa\xe9\xff"],
    ids=["long", "escapes", "controls", "emoji", "not-utf8"],
)
def test_hostile_names_get_a_message_and_exit_1(name: str | bytes) -> None:
    """Through the real entry point, cold and then warm (the index path), as people run it."""
    for attempt in ("cold", "warm", "no-cache"):
        flags = ["--no-cache"] if attempt == "no-cache" else []
        result = subprocess.run(
            [*gslookup(*flags), name], capture_output=True, timeout=60, check=False
        )
        assert result.returncode == 1, (attempt, result.stderr)
        assert result.stdout == b""
        assert result.stderr.startswith(b"gslookup: no compound named "), attempt
        assert b"\x1b" not in result.stderr and b"\x07" not in result.stderr
        assert len(result.stderr) < 300
        result.stderr.decode("utf-8")  # always valid UTF-8, whatever was typed


# ---- files


HOSTILE_FILES = {
    "non-utf8.toml": b"name = \"\xff\xfe\"\n",
    "binary.toml": bytes(range(256)) * 4,
    "empty.toml": b"",
    "wrong-type.toml": TESTORELIN.replace('name = "Testorelin"', "name = 5").encode(),
    "bad-enum.toml": TESTORELIN.replace('"not-approved"', '"perhaps"').encode(),
    "missing-key.toml": TESTORELIN.replace('drug_class = "Made-up class for a personal entry"\n', "").encode(),  # noqa: E501
    "dangling.toml": TESTORELIN.replace('refs = ["userref2026"]}]\nalternatives', 'refs = ["gone"]}]\nalternatives').encode(),  # noqa: E501
    "duplicate-alias.toml": TESTORELIN.replace('aliases = ["TST-001"]', 'aliases = ["MK-677"]').encode(),  # noqa: E501
    "future.toml": TESTORELIN.replace("2026-11-01", "2099-01-01").encode(),
    "not-a-table.toml": b"compounds = 5\n",
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(HOSTILE_FILES))
@pytest.mark.parametrize("command", [["ipamorelin"], ["list", "--json"], ["kb", "validate"]])
def test_hostile_kb_files_exit_2_naming_the_file(
    runner: CliRunner, tmp_path: Path, name: str, command: list[str]
) -> None:
    path = tmp_path / name
    path.write_bytes(HOSTILE_FILES[name])
    result = run(runner, *command, "--kb", str(path))
    no_traceback(result)
    assert result.exit_code == 2, result.output
    assert str(path) in result.stderr
    assert result.stdout == ""


def test_hostile_personal_file_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    from gslookup.sources import personal_path

    personal_path().parent.mkdir(parents=True)
    personal_path().write_bytes(bytes(range(256)))
    result = run(runner, "ipamorelin")
    no_traceback(result)
    assert result.exit_code == 2 and "--no-user-kb" in result.stderr


# ---- text inside a valid file


def hostile_entry(tmp_path: Path) -> Path:
    text = TESTORELIN.replace(
        'bottom_line = "Not a real compound; it exists only in this example."',
        'bottom_line = "[red]x[/red] [link=https://e.invalid]l[/link] \\u001b[2J\\u001b]8;;https://e.invalid\\u0007t\\u001b]8;;\\u0007 \\u009b31m end"',  # noqa: E501
    )  # fmt: skip
    path = tmp_path / "hostile.toml"
    path.write_text(text, encoding="utf-8")
    return path


def hostile_everywhere(tmp_path: Path) -> tuple[Path, list[str]]:
    """Every free-text field hostile (markup and every escape family), from test_escapes."""

    from .test_escapes import hostile_kb

    document, markers = hostile_kb()
    text = tomli_w.dumps(document).replace("zq", "[red]x[/red]zq")
    path = tmp_path / "everywhere.toml"
    path.write_text(text, encoding="utf-8")
    return path, markers


VIEWS = [
    ["hostile-a"],
    ["hostile-a", "--audience", "patient"],
    ["compare", "hostile-a", "hostile-b"],
    ["search", "zq"],
    ["list"],
    ["refs", "hostile-a"],
    ["refs", "hostile-a", "-f", "markdown"],
    ["list", "--csv"],
    ["kb", "info"],
]


@pytest.mark.parametrize("color", ["never", "always", "auto"])
@pytest.mark.parametrize("view", VIEWS, ids=" ".join)
def test_hostile_text_is_literal_and_stripped_in_every_view(
    runner: CliRunner, tmp_path: Path, color: str, view: list[str]
) -> None:
    from .ptyterm import dangerous

    path, markers = hostile_everywhere(tmp_path)
    colour = ["--color", color] if view[0] in ("hostile-a", "compare", "search", "list") else []
    if view[-1] == "--csv":
        colour = []
    result = run(runner, "--kb", str(path), *view, *colour)
    assert result.exit_code == 0, result.output
    shown = [m for m in markers if m in result.stdout]
    if view != ["kb", "info"]:
        assert shown, "the view shows none of the hostile fields, so it tests nothing"
        assert "[red]x[/red]" in result.stdout or "\\[red\\]x" in result.stdout  # literal
    assert dangerous(result.stdout.encode("utf-8", "surrogateescape")) == []


def test_json_carries_hostile_text_faithfully(runner: CliRunner, tmp_path: Path) -> None:
    result = run(runner, "testorelin", "--json", "--kb", str(hostile_entry(tmp_path)))
    record = json.loads(result.stdout)
    assert record["bottom_line"].startswith("[red]x[/red]")
    assert "\x1b[2J" in record["bottom_line"] and "\x07" in record["bottom_line"]
    assert "\x1b" not in result.stdout  # escaped as \u001b in the JSON text


# ---- unexpected errors


def test_unexpected_error_is_one_line_and_debug_shows_the_traceback(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> str:
        raise RuntimeError("simulated fault")

    monkeypatch.setattr(json, "dumps", broken)
    result = run(runner, "ipamorelin", "--json")
    assert result.exit_code == 70
    assert result.stderr.count("\n") == 1
    assert "simulated fault" in result.stderr and "--debug" in result.stderr
    debug = run(runner, "ipamorelin", "--json", "--debug")
    assert isinstance(debug.exception, RuntimeError)


# ---- pipes and signals (real processes)


def gslookup(*args: str, **kwargs: Any) -> list[str]:
    return [sys.executable, "-m", "gslookup", *args]


@pytest.mark.parametrize(
    "args",
    [
        ["ipamorelin"],
        ["ipamorelin", "--json"],
        ["list"],
        ["list", "--jsonl"],
        ["search", "bone"],
        ["compare", "ipamorelin", "somatropin"],
        ["refs", "ipamorelin"],
        ["check", "-"],
        ["kb", "info"],
    ],
    ids=" ".join,
)
def test_a_closed_pipe_exits_141_quietly(args: list[str]) -> None:
    """gslookup's own exit status (not head's), whatever the output and its size (M1)."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # closed before gslookup writes: the first write meets a closed pipe
    try:
        result = subprocess.run(
            gslookup(*args),
            stdout=write_end,
            stderr=subprocess.PIPE,
            input=b"ipamorelin\n" * 1000,
            timeout=60,
            check=False,
        )
    finally:
        os.close(write_end)
    assert result.returncode == 141, result.stderr
    assert result.stderr == b""


def _sigint_as_from_a_terminal() -> None:
    # A test run started in the background (`pytest &` in a script) ignores SIGINT, and a
    # child inherits that; a person pressing Ctrl-C has it at its default.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_exits_130_quietly() -> None:
    with subprocess.Popen(
        gslookup("check", "-"),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=_sigint_as_from_a_terminal,
    ) as process:
        assert process.stdin and process.stdout and process.stderr
        process.stdin.write(b"ipamorelin\n")
        process.stdin.flush()
        process.stdout.readline()  # the first result: the command is running
        process.send_signal(signal.SIGINT)
        # stdin stays open until it has exited: an end of input could race the signal under load.
        returncode = process.wait(timeout=30)
        err = process.stderr.read()
    assert returncode == 130
    assert b"Traceback" not in err


# ---- terminals


TERMINALS: dict[str, dict[str, str]] = {
    "narrow": {"COLUMNS": "40"},
    "wide": {"COLUMNS": "300"},
    "dumb": {"TERM": "dumb"},
    "c-locale": {"LANG": "C", "LC_ALL": "C"},
    "no-color": {"NO_COLOR": "1"},
}


@pytest.mark.parametrize("name", sorted(TERMINALS))
def test_hostile_terminals(name: str) -> None:
    """On a real pseudo-terminal, where auto colour and hyperlinks switch on."""
    from .ptyterm import dangerous, run_on_pty

    env = {**os.environ, **TERMINALS[name]}
    columns = int(env.get("COLUMNS", "100"))
    result = run_on_pty(["ipamorelin"], env=env, columns=columns)
    assert result.code == 0, result.text[-500:]
    text = re.sub(r"\x1b\[[0-9;]*m|\x1b\]8;[^\x1b]*\x1b\\", "", result.text)
    assert "Bottom line" in text and "not medical advice" in text
    assert dangerous(result.raw) == []
    colour = re.search(r"\x1b\[[0-9;]*(3[0-7]|38;)", result.text)
    if name in ("no-color", "dumb"):
        assert colour is None, name
    else:
        assert colour is not None, name  # a terminal gets colour by default
    if name == "narrow":
        # Only a URL, alone on its line and whole, may run past the edge.
        lines = text.splitlines()
        urls = [line.strip() for line in lines if line.strip().startswith("https://")]
        assert urls and all(re.fullmatch(r"https://[^\s/]+/\S*", url) for url in urls)
        assert max(len(line) for line in lines if line.strip() not in urls) <= 40
    if name not in ("dumb",):
        assert "\x1b]8;" in result.text  # PMID and DOI are links on a terminal


def test_a_pipe_gets_no_colour() -> None:
    result = subprocess.run(
        gslookup("ipamorelin"), capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0 and "Bottom line" in result.stdout
    assert "\x1b" not in result.stdout


def test_color_always_into_a_pipe() -> None:
    result = subprocess.run(
        gslookup("ipamorelin", "--color", "always"), capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and "\x1b[" in result.stdout


@pytest.mark.parametrize("home", ["missing", "unwritable"])
def test_read_only_commands_without_a_usable_home(tmp_path: Path, home: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    if home == "missing":
        env.pop("HOME", None)
    else:
        # Beneath a plain file nothing can be created, not even by root.
        blocker = tmp_path / "not-a-folder"
        blocker.write_text("", encoding="utf-8")
        env["HOME"] = str(blocker / "home")
    for args in (["ipamorelin", "--json"], ["list"], ["kb", "info"]):
        result = subprocess.run(
            gslookup(*args), capture_output=True, text=True, env=env, timeout=60, check=False
        )
        assert result.returncode == 0, result.stderr


# ---- property-based


SAFE_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=60)
NAMES = st.text(st.characters(exclude_categories=["Cs", "Cc", "Z"]), min_size=1, max_size=30)


@st.composite
def entries(draw: st.DrawFn) -> dict[str, Any]:
    ref = {"refs": ["r1"]}
    return {
        "name": draw(NAMES),
        "aliases": [],
        "drug_class": draw(NAMES),
        "summary": draw(NAMES),
        "bottom_line": draw(NAMES),
        "mechanism": draw(SAFE_TEXT),
        "note": draw(SAFE_TEXT),
        "highest_phase": draw(st.sampled_from(PHASES)),
        "last_reviewed": draw(st.dates(min_value=date(1990, 1, 1), max_value=TODAY)),
        "approvals": [
            {
                "jurisdiction": draw(st.sampled_from(["US", "EU", "JP"])),
                "status": draw(st.sampled_from(STATUSES)),
                "indication": draw(SAFE_TEXT),
                "date": draw(st.dates(max_value=TODAY)).isoformat()[: draw(st.sampled_from([4, 7, 10]))],  # noqa: E501
                **ref,
            }
        ],
        "sport": {"prohibited": draw(st.booleans()), **ref},
        "findings": [{"text": draw(NAMES), "evidence": draw(st.sampled_from(EVIDENCE_LEVELS)), **ref}],  # noqa: E501
        "risks": [{"text": draw(NAMES), **ref}],
    }  # fmt: skip


def write_and_load(tmp_path: Path, entry: dict[str, Any]) -> Any:
    document = {
        "compounds": {"x1": entry},
        "references": {"r1": {"kind": "review", "title": "t", "url": "https://example.org/r1"}},
    }
    path = tmp_path / "entry.toml"
    path.write_text(store.dumps(document), encoding="utf-8")
    return loader.load([(path, "personal")], TODAY)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(entry=entries())
def test_writer_round_trips_any_text(tmp_path: Path, entry: dict[str, Any]) -> None:
    kb = write_and_load(tmp_path, entry)
    compound = kb.compounds["x1"]
    assert compound.name == entry["name"]
    assert compound.summary == entry["summary"]
    assert compound.drug_class == entry["drug_class"]
    assert compound.bottom_line == entry["bottom_line"]
    # Optional text is kept exactly; an empty optional string is kept as written, too.
    assert compound.note == entry["note"]
    assert compound.mechanism == entry["mechanism"]
    assert compound.approvals[0].indication == entry["approvals"][0]["indication"]
    assert compound.approvals[0].date == entry["approvals"][0]["date"]
    assert compound.findings[0].text == entry["findings"][0]["text"]
    assert compound.risks[0].text == entry["risks"][0]["text"]
    assert compound.last_reviewed == entry["last_reviewed"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(entry=entries())
def test_json_record_matches_the_schema_for_any_valid_entry(
    tmp_path: Path, entry: dict[str, Any]
) -> None:
    kb = write_and_load(tmp_path, entry)
    record = build_record(kb.compounds["x1"], kb, TODAY, {"version": "0", "hash": "sha256:00"})
    jsonschema.validate(json.loads(json.dumps(record, ensure_ascii=False)), SCHEMA)


@st.composite
def toml_documents(draw: st.DrawFn) -> bytes:
    """Valid TOML, so the field rules (not only the parser) meet hostile values."""
    leaf = st.one_of(
        st.text(max_size=20),
        st.integers(),
        st.booleans(),
        st.dates(),
        st.floats(allow_nan=False),
    )
    value = st.recursive(leaf, lambda inner: st.lists(inner, max_size=3), max_leaves=8)
    table = st.dictionaries(st.sampled_from(sorted(fields.COMPOUND)), value, max_size=8)
    compounds = st.dictionaries(st.from_regex(r"[a-z]{1,6}", fullmatch=True), table, max_size=3)
    depth = draw(st.sampled_from([0, 0, 0, 600, 3000]))
    text = tomli_w.dumps({"compounds": draw(compounds)})
    if depth:
        text += "deep = " + "[" * depth + "]" * depth + "\n"
    return text.encode()


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(st.binary(max_size=400), toml_documents()))
def test_loader_fed_arbitrary_input_raises_only_its_own_error(tmp_path: Path, data: bytes) -> None:
    """Random bytes reach the parser; generated TOML reaches the field rules and nesting."""
    path = tmp_path / "fuzz.toml"
    path.write_bytes(data)
    with contextlib.suppress(InvalidKnowledgeBase):
        loader.load([(path, str(path))], TODAY)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('[compounds.x]\nname = 1\nsport = ["a"]\n', "expected a string, got an integer"),
        ('[compounds.x]\nlast_reviewed = "2026"\n', "required key is missing"),
        ("x = " + "[" * 3000 + "]" * 3000 + "\n", "nested too deeply"),
    ],
)
def test_the_fuzzed_paths_give_their_own_message(tmp_path: Path, text: str, reason: str) -> None:
    """What the generator above reaches beyond the parser: field rules and nesting."""
    path = tmp_path / "fuzz.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidKnowledgeBase) as raised:
        loader.load([(path, str(path))], TODAY)
    assert any(reason in p.reason for p in raised.value.problems)


# ---- fuzzing the bundled file


def mutations(text: bytes, count: int, seed: int = 20261125) -> list[bytes]:
    rng = random.Random(seed)
    lines = text.splitlines(keepends=True)
    found: list[bytes] = []
    notes = [i for i, line in enumerate(lines) if line.startswith(b'note = "') and len(line) > 40]
    for n in range(count):
        kind = n % 4
        if kind == 3:
            # A typo inside a note: a valid file that must still load and answer.
            i = rng.choice(notes)
            line = bytearray(lines[i])
            line[rng.randrange(10, len(line) - 5)] = ord(rng.choice("abcdefghij"))
            found.append(b"".join([*lines[:i], bytes(line), *lines[i + 1 :]]))
        elif kind == 0:
            found.append(text[: rng.randrange(len(text))])
        elif kind == 1:
            flipped = bytearray(text)
            for _ in range(rng.randint(1, 5)):
                flipped[rng.randrange(len(flipped))] = rng.randrange(256)
            found.append(bytes(flipped))
        else:
            keep = [line for line in lines if rng.random() > 0.01]
            found.append(b"".join(keep))
    return found


def test_mutated_bundled_file_never_gives_a_traceback(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "mutated.toml"
    codes = set()
    for mutated in mutations(BUNDLED.read_bytes(), 60):
        path.write_bytes(mutated)
        for args in (["ipamorelin", "--json"], ["list", "--json"]):
            result = run(runner, "--kb", str(path), *args)
            no_traceback(result)
            assert result.exit_code in (0, 2), (result.exit_code, result.output[-500:])
            codes.add(result.exit_code)
    assert codes == {0, 2}

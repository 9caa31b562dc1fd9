"""The lean start-up path and the Typer app must be one tool: same bytes, same exit codes."""

from __future__ import annotations

import contextlib
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from gslookup import fast
from gslookup.cli import app
from gslookup.options import GLOBAL_OPTIONS, ROOT_ONLY, SHOW_OPTIONS

from .conftest import DATA

CASES = [
    ["ipamorelin"],
    ["ipamorelin", "--json"],
    ["MK 677", "--jsonl"],
    ["somatropin", "ipamorelin", "--json"],
    ["show", "macimorelin", "--json", "--fields", "id,approvals"],
    ["ipamorelin", "--fields", "id,nope", "--json"],
    ["ipamorlin"],
    ["ipamorlin", "--json"],
    ["zzzz", "ipamorelin"],
    ["ipamorelin", "-s", "approvals", "--section", "sport", "--color", "never"],
    ["ipamorelin", "--audience", "patient", "--color=always"],
    ["--no-user-kb", "ipamorelin", "--json"],
    ["ipamorelin", "--json", "--no-cache"],
    ["ipamorelin", "--kb", str(DATA / "testorelin.toml"), "--json"],
    ["--kb", str(DATA / "testorelin.toml"), "TST-001"],
    ["ipamorelin", "--kb", "/nonexistent/kb.toml"],
    ["--", "ipamorelin"],
    ["ipamorelin", "--brief"],
    ["capromorelin", "-b", "--audience", "patient"],
    ["ipamorelin", "--notes", "--no-pager"],
    ["--no-pager", "ipamorelin", "-f", "Markdown"],
    ["ipamorelin", "--full"],
    ["ipamorelin", "-b", "--full"],
    ["ipamorelin", "--fields", "id,sport"],
    ["ipamorelin", "--json", "--brief"],
    ["ipamorelin", "--jsonl", "-s", "sport"],
    ["ipamorelin", "--notes", "--audience", "patient"],
    ["ipamorelin", "-b", "-s", "sport"],
    ["ipamorelin", "macimorelin", "IPAMORELIN", "-s", "bottom-line"],
    [""],
]
FALLBACK = [
    ["--help"],
    ["ipamorelin", "--help"],
    ["--version"],
    ["list"],
    ["ipamorelin", "--section", "nonsense"],
    ["ipamorelin", "--json", "--jsonl"],
    ["ipamorelin", "--color"],
    ["ipamorelin", "--unknown-flag"],
    [],
]


LINK_ID = re.compile(r"\x1b]8;id=\d+;")


def same_links(text: str) -> str:
    """Rich numbers each hyperlink at random; the numbers carry no meaning."""
    return LINK_ID.sub("\x1b]8;id=0;", text)


def run_fast(argv: list[str]) -> tuple[str, str, int]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = fast.run(argv)
    assert code is not None, f"{argv} fell back to the Typer app"
    return out.getvalue(), err.getvalue(), code


@pytest.mark.parametrize("argv", CASES, ids=" ".join)
def test_fast_path_and_typer_app_agree_byte_for_byte(argv: list[str]) -> None:
    typer_result = CliRunner().invoke(app, argv)
    out, err, code = run_fast(argv)
    assert same_links(out) == same_links(typer_result.stdout)
    assert (err, code) == (typer_result.stderr, typer_result.exit_code)


@pytest.mark.parametrize("argv", FALLBACK, ids=" ".join)
def test_anything_unusual_goes_to_the_typer_app(argv: list[str]) -> None:
    assert fast.parse(argv) is None


def test_the_option_table_is_what_typer_declares() -> None:
    root = get_command(app)
    show = root.commands["show"]  # type: ignore[attr-defined]
    declared = {
        name: (not param.is_flag, param.multiple, list(getattr(param.type, "choices", []) or []))
        for param in [*root.params, *show.params]
        for name in param.opts
        if name.startswith("-") and name not in ROOT_ONLY
    }
    table = {
        name: (o.takes_value, o.multiple, list(o.choices))
        for o in [*GLOBAL_OPTIONS, *SHOW_OPTIONS]
        for name in o.names
    }
    assert declared == table


PRINT_MODULES = """
import sys
from gslookup import fast
try:
    fast.main()
except SystemExit:
    pass
mods = sorted(m for m in sys.modules if m.split(".")[0] in {"typer", "rich", "tomli_w", "click"})
print(mods, file=sys.stderr)
"""


def imported(*args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", PRINT_MODULES, *args],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    return result.stderr.strip().splitlines()[-1]


def test_json_lookup_imports_neither_typer_nor_rich_nor_tomli_w() -> None:
    assert imported("ipamorelin", "--json") == "[]"


def test_terminal_lookup_imports_rich_but_not_typer() -> None:
    modules = imported("ipamorelin")
    assert "'rich'" in modules and "typer" not in modules and "tomli_w" not in modules


def test_other_commands_use_the_typer_app() -> None:
    assert "'typer'" in imported("list", "--json")


# ---- the index cache


def cache_files(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "xdg_cache_home" / "gslookup").glob("index-*.sqlite"))


def lookup(*args: str) -> dict[str, object]:
    out, err, code = run_fast(["ipamorelin", "--json", *args])
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


def test_first_lookup_builds_the_cache_and_later_ones_use_it(tmp_path: Path) -> None:
    lookup()
    assert len(cache_files(tmp_path)) == 1
    before = cache_files(tmp_path)[0].stat().st_mtime_ns
    lookup()
    assert cache_files(tmp_path)[0].stat().st_mtime_ns == before


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty"])
def test_a_damaged_cache_is_ignored_and_rebuilt(tmp_path: Path, damage: str) -> None:
    expected = lookup()
    (index,) = cache_files(tmp_path)
    data = index.read_bytes()
    index.write_bytes(
        {"garbage": b"\x00not sqlite" * 100, "truncated": data[:1000], "empty": b""}[damage]
    )
    assert lookup() == expected
    assert index.read_bytes()[:16] == b"SQLite format 3\x00"


def test_a_stale_cache_is_rebuilt_when_the_file_changes(tmp_path: Path) -> None:
    kb = tmp_path / "team.toml"
    text = (DATA / "testorelin.toml").read_text(encoding="utf-8")
    kb.write_text(text, encoding="utf-8")
    out, _, _ = run_fast(["testorelin", "--json", "--kb", str(kb)])
    assert json.loads(out)["bottom_line"].startswith("Not a real compound")
    kb.write_text(text.replace("Not a real compound", "Changed"), encoding="utf-8")
    out, _, _ = run_fast(["testorelin", "--json", "--kb", str(kb)])
    assert json.loads(out)["bottom_line"].startswith("Changed")


def test_no_cache_writes_no_index(tmp_path: Path) -> None:
    lookup("--no-cache")
    assert cache_files(tmp_path) == []


def test_an_unwritable_cache_dir_only_costs_speed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Beneath a plain file no folder can be made, not even by root.
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker / "cache"))
    assert lookup()["id"] == "ipamorelin"
    assert lookup("--kb", str(DATA / "testorelin.toml"))["id"] == "ipamorelin"


BUILD = """
import sys
from gslookup import fast
sys.argv = ["gslookup", "ipamorelin", "--json"]
fast.main()
"""


def test_parallel_first_runs_all_succeed(tmp_path: Path) -> None:
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", BUILD], stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(8)
    ]
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        assert json.loads(out)["id"] == "ipamorelin"
    assert len(cache_files(tmp_path)) == 1

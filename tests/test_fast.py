"""The lean start-up path and the Typer app must be one tool: same bytes, same exit codes."""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import re
import sqlite3
import subprocess
import sys
import time
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
def test_a_damaged_cache_header_is_ignored_and_rebuilt(tmp_path: Path, damage: str) -> None:
    expected = lookup()
    (index,) = cache_files(tmp_path)
    data = index.read_bytes()
    index.write_bytes(
        {"garbage": b"\x00not sqlite" * 100, "truncated": data[:1000], "empty": b""}[damage]
    )
    assert lookup() == expected
    assert index.read_bytes()[:16] == b"SQLite format 3\x00"


PAGE = 4096


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("how", ["flip", "zero"])
def test_damage_inside_the_data_pages_is_caught_and_rebuilt(
    tmp_path: Path, seed: int, how: str
) -> None:
    """Bit rot after the header pages (C1): every command still answers from the file."""
    expected = lookup()
    listed = CliRunner().invoke(app, ["list", "--json"]).stdout
    (index,) = cache_files(tmp_path)
    data = bytearray(index.read_bytes())
    assert len(data) > 8 * PAGE
    rng = random.Random(seed)
    if how == "flip":
        for _ in range(8):
            data[rng.randrange(5 * PAGE, len(data))] ^= 0xFF
    else:
        page = rng.randrange(5, len(data) // PAGE)
        data[page * PAGE : (page + 1) * PAGE] = bytes(PAGE)
    index.write_bytes(bytes(data))
    assert lookup() == expected
    result = CliRunner().invoke(app, ["list", "--json"])
    assert (result.exit_code, result.stdout) == (0, listed)
    assert lookup() == expected


def test_a_forged_row_is_never_served(tmp_path: Path) -> None:
    """A row that does not match its digest (W2) is not a fact: the file answers."""
    expected = lookup()
    (index,) = cache_files(tmp_path)
    with contextlib.closing(sqlite3.connect(index)) as db:
        (data,) = db.execute("SELECT data FROM compounds WHERE id='ipamorelin'").fetchone()
        forged = json.loads(data)
        forged["sport"]["prohibited"] = False
        forged["approvals"][0]["status"] = "approved"
        db.execute("UPDATE compounds SET data=? WHERE id='ipamorelin'", (json.dumps(forged),))
        db.commit()
    assert lookup() == expected
    screened = CliRunner().invoke(app, ["check", "-", "--fail-on", "prohibited"], "ipamorelin\n")
    assert screened.exit_code == 1
    # ...and the index was rebuilt from the file, so the forgery is gone for good.
    with contextlib.closing(sqlite3.connect(index)) as db:
        (data,) = db.execute("SELECT data FROM compounds WHERE id='ipamorelin'").fetchone()
    assert json.loads(data)["sport"]["prohibited"] is True


def test_a_stale_cache_is_rebuilt_when_the_file_changes(tmp_path: Path) -> None:
    kb = tmp_path / "team.toml"
    text = (DATA / "testorelin.toml").read_text(encoding="utf-8")
    kb.write_text(text, encoding="utf-8")
    out, _, _ = run_fast(["testorelin", "--json", "--kb", str(kb)])
    assert json.loads(out)["bottom_line"].startswith("Not a real compound")
    kb.write_text(text.replace("Not a real compound", "Changed"), encoding="utf-8")
    out, _, _ = run_fast(["testorelin", "--json", "--kb", str(kb)])
    assert json.loads(out)["bottom_line"].startswith("Changed")


def test_a_same_size_edit_with_the_old_mtime_is_never_served_stale(tmp_path: Path) -> None:
    """W1: `touch -r`, `cp -p`, `rsync -t` or a 1-second clock keep size and mtime."""
    kb = tmp_path / "team.toml"
    text = (DATA / "testorelin.toml").read_text(encoding="utf-8")
    assert "prohibited = false" in text
    kb.write_text(text, encoding="utf-8")
    before = kb.stat()
    out, _, _ = run_fast(["testorelin", "--json", "--kb", str(kb)])
    assert json.loads(out)["sport"]["prohibited"] is False
    kb.write_text(text.replace("prohibited = false", "prohibited = true "), encoding="utf-8")
    os.utime(kb, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (kb.stat().st_size, kb.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    out, _, _ = run_fast(["testorelin", "--json", "--kb", str(kb)])
    assert json.loads(out)["sport"]["prohibited"] is True


def test_indexes_of_files_that_are_gone_are_pruned(tmp_path: Path) -> None:
    for name in ("one.toml", "two.toml"):
        kb = tmp_path / name
        kb.write_text((DATA / "testorelin.toml").read_text(encoding="utf-8"), encoding="utf-8")
        lookup("--kb", str(kb))
        kb.unlink()
    # bundled, and the index of two.toml (written after one.toml was gone)
    assert len(cache_files(tmp_path)) == 2
    lookup("--kb", str(DATA / "testorelin.toml"))
    assert len(cache_files(tmp_path)) == 2


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


def gslookup(*args: str | bytes, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "gslookup", *args], input=stdin, capture_output=True, timeout=60
    )


def test_bytes_that_are_not_utf8_get_the_same_answer_with_and_without_the_cache(
    tmp_path: Path,
) -> None:
    """C2: argv, stdin and file names with a Latin-1 byte, once the index exists."""
    name = b"ipa\xe9morelin"
    answers = [gslookup(*flags, name) for flags in ([], [], ["--no-cache"])]
    assert {(a.returncode, a.stderr) for a in answers} == {
        (1, b"gslookup: no compound named 'ipa\\xe9morelin'. Did you mean: ipamorelin?\n")
    }
    # Label input is decoded strictly: a byte that is not UTF-8 is named, never guessed at.
    for flags in ([], ["--no-cache"]):
        screened = gslookup(*flags, "check", "-", stdin=b"ipamorelin\nsomatropin\xe9\n")
        assert screened.returncode == 2
        assert screened.stderr == b"gslookup: line 2 is not valid UTF-8; try --encoding cp1252\n"
    team = tmp_path / os.fsdecode(b"team-\xe9.toml")
    team.write_bytes((DATA / "testorelin.toml").read_bytes())
    for _ in range(2):
        found = gslookup("--kb", os.fsencode(team), "testorelin", "--json")
        assert found.returncode == 0, found.stderr
        assert json.loads(found.stdout)["id"] == "testorelin"


def test_completion_never_prints_a_traceback(tmp_path: Path) -> None:
    personal = tmp_path / "xdg_data_home" / "gslookup" / "compounds.toml"
    personal.parent.mkdir(parents=True)
    personal.write_text("x = " + "[" * 3000 + "]" * 3000 + "\n", encoding="utf-8")
    env = {**os.environ, "COMP_WORDS": "gslookup ipa", "COMP_CWORD": "1"}
    env["_GSLOOKUP_COMPLETE"] = "complete_bash"
    result = subprocess.run(
        [str(Path(sys.executable).parent / "gslookup")], env=env, capture_output=True, timeout=60
    )
    assert b"Traceback" not in result.stdout + result.stderr
    assert result.returncode == 0


def test_the_index_temp_file_never_follows_a_planted_symlink(tmp_path: Path) -> None:
    """M10: 0.1.0 built the index at .<index>.<pid>.tmp, following a symlink planted there."""
    lookup()
    (index,) = cache_files(tmp_path)
    index.unlink()
    victim = tmp_path / "victim.db"
    plant = f'ln -s {victim} "{index.parent}/.{index.name}.$$.tmp"; exec "$@"'
    subprocess.run(
        ["sh", "-c", plant, "sh", sys.executable, "-m", "gslookup", "ipamorelin", "--json"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    assert not victim.exists()
    assert index.is_file() and not index.is_symlink()


def test_the_cache_is_capped_in_size(tmp_path: Path) -> None:
    """M3: the oldest indexes go once all of them exceed 256 MiB."""
    lookup()
    folder = cache_files(tmp_path)[0].parent
    big = folder / "index-000000000000000000000000.sqlite"
    with open(big, "wb") as handle:  # 300 MiB (sparse), the oldest of all
        handle.truncate(300 << 20)
    old = time.time() - 3600
    os.utime(big, (old, old))
    kb = tmp_path / "team.toml"
    kb.write_text((DATA / "testorelin.toml").read_text(encoding="utf-8"), encoding="utf-8")
    lookup("--kb", str(kb))  # building an index prunes the folder
    assert not big.exists()
    assert len(cache_files(tmp_path)) == 2

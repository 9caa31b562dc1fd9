from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from gslookup import store
from gslookup.cli import app
from gslookup.sources import personal_path

from .conftest import DATA

TESTORELIN = DATA / "testorelin.toml"


def run(runner: CliRunner, *args: str, **kwargs: Any) -> Any:
    return runner.invoke(app, list(args), **kwargs)


def override_of_ipamorelin(tmp_path: Path, bottom_line: str = "Clinic note: do not use.") -> Path:
    exported = CliRunner().invoke(app, ["kb", "export", "--no-user-kb"]).stdout
    document = tomllib.loads(exported)
    entry = document["compounds"]["ipamorelin"]
    entry["bottom_line"] = bottom_line
    cited = {r for table in [entry] for r in _refs(table)}
    refs = {k: v for k, v in document["references"].items() if k in cited}
    import tomli_w

    path = tmp_path / "override.toml"
    path.write_text(
        tomli_w.dumps({"compounds": {"ipamorelin": entry}, "references": refs}), encoding="utf-8"
    )
    return path


def _refs(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [r for k, v in value.items() for r in (v if k == "refs" else _refs(v))]
    if isinstance(value, list):
        return [r for v in value for r in _refs(v)]
    return []


def test_kb_path_honours_xdg_data_home(runner: CliRunner, tmp_path: Path) -> None:
    result = run(runner, "kb", "path")
    expected = tmp_path / "xdg_data_home" / "gslookup" / "compounds.toml"
    assert result.stdout.strip() == str(expected)
    assert personal_path() == expected


def test_add_then_look_up_a_personal_entry(runner: CliRunner) -> None:
    result = run(runner, "add", str(TESTORELIN))
    assert result.exit_code == 0, result.output
    assert "added testorelin" in result.stderr
    record = json.loads(run(runner, "TST-001", "--json").stdout)
    assert record["id"] == "testorelin"
    assert record["source"] == str(personal_path())
    view = run(runner, "testorelin", "--color", "never").stdout
    assert "personal entry" in view and "overrides" not in view


def test_add_refuses_to_replace_without_replace(runner: CliRunner) -> None:
    assert run(runner, "add", str(TESTORELIN)).exit_code == 0
    refused = run(runner, "add", str(TESTORELIN))
    assert refused.exit_code == 1
    assert "--replace" in refused.stderr
    replaced = run(runner, "add", str(TESTORELIN), "--replace")
    assert replaced.exit_code == 0 and "replaced testorelin" in replaced.stderr


def test_invalid_input_writes_nothing(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(TESTORELIN.read_text().replace("preclinical", "phase-9"), encoding="utf-8")
    result = run(runner, "add", str(bad))
    assert result.exit_code == 2
    assert "phase-9" in result.stderr
    assert not personal_path().exists()


def test_personal_entry_overrides_the_bundled_one(runner: CliRunner, tmp_path: Path) -> None:
    assert run(runner, "add", str(override_of_ipamorelin(tmp_path))).exit_code == 0
    record = json.loads(run(runner, "ipamorelin", "--json").stdout)
    assert record["bottom_line"] == "Clinic note: do not use."
    view = run(runner, "ipamorelin", "--color", "never").stdout
    assert "personal entry, overrides the bundled one" in view
    bundled = json.loads(run(runner, "ipamorelin", "--json", "--no-user-kb").stdout)
    assert bundled["source"] == "bundled"


def test_remove_drops_the_entry_and_uncited_references(runner: CliRunner) -> None:
    run(runner, "add", str(TESTORELIN))
    result = run(runner, "remove", "testorelin")
    assert result.exit_code == 0
    assert "userref2026" in result.stderr
    document = tomllib.loads(personal_path().read_text(encoding="utf-8"))
    # No entries and no references left (an empty table may or may not be written).
    assert document.get("compounds", {}) == {} and document.get("references", {}) == {}
    assert run(runner, "testorelin").exit_code == 1
    # The file left behind is valid: every later command still works.
    assert run(runner, "kb", "validate", str(personal_path())).exit_code == 0
    assert run(runner, "ipamorelin", "--json").exit_code == 0


def test_a_bundled_entry_cannot_be_removed(runner: CliRunner) -> None:
    result = run(runner, "remove", "ipamorelin")
    assert result.exit_code == 1
    assert "bundled entry and cannot be removed" in result.stderr


def test_writes_keep_a_backup(runner: CliRunner, tmp_path: Path) -> None:
    run(runner, "add", str(TESTORELIN))
    first = personal_path().read_text(encoding="utf-8")
    run(runner, "add", str(override_of_ipamorelin(tmp_path)))
    backup = personal_path().with_name("compounds.toml.bak")
    assert backup.read_text(encoding="utf-8") == first


def test_a_crash_mid_write_leaves_the_old_file_intact(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the final rename fails: the new text is written and the backup refreshed."""
    run(runner, "add", str(TESTORELIN))
    run(runner, "add", "--replace", str(TESTORELIN))
    before = personal_path().read_bytes()
    real_replace = os.replace
    final_renames: list[str] = []

    def crash_on_final_rename(source: str, target: str | Path) -> None:
        if Path(target) == personal_path():
            final_renames.append(str(source))
            raise OSError(5, "Input/output error")
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", crash_on_final_rename)
    with pytest.raises(store.FileNotWritable, match="Input/output error"):
        store.atomic_write(personal_path(), "half a file")
    assert len(final_renames) == 1  # the fault hit the final rename, after the backup
    assert personal_path().read_bytes() == before
    assert store.backups(personal_path())[0].read_bytes() == before
    leftovers = [p for p in personal_path().parent.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_a_broken_personal_file_is_never_silently_ignored(runner: CliRunner) -> None:
    personal_path().parent.mkdir(parents=True)
    personal_path().write_text("[compounds.x\nname = 1\n", encoding="utf-8")
    for args in (["ipamorelin"], ["list"], ["search", "bone"], ["kb", "info"]):
        result = run(runner, *args)
        assert result.exit_code == 2, args
        assert f"{personal_path()}:1:" in result.stderr
        assert "--no-user-kb" in result.stderr
    assert run(runner, "ipamorelin", "--no-user-kb", "--json").exit_code == 0


def test_extra_kb_precedence_and_global_option_position(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(runner, "add", str(override_of_ipamorelin(tmp_path, "personal")))
    team = (
        override_of_ipamorelin(tmp_path / "team", "team")
        if (tmp_path / "team").mkdir() is None
        else None
    )
    assert team is not None
    env = (
        override_of_ipamorelin(tmp_path / "env", "env")
        if (tmp_path / "env").mkdir() is None
        else None
    )
    assert env is not None

    def bottom(*args: str, **kwargs: Any) -> str:
        return str(json.loads(run(runner, *args, **kwargs).stdout)["bottom_line"])

    assert bottom("ipamorelin", "--json") == "personal"
    assert bottom("ipamorelin", "--json", env={"GSLOOKUP_KB": str(env)}) == "env"
    assert (
        bottom("--kb", str(team), "ipamorelin", "--json", env={"GSLOOKUP_KB": str(env)}) == "team"
    )
    assert bottom("ipamorelin", "--json", "--kb", str(team)) == "team"
    assert bottom("show", "ipamorelin", f"--kb={team}", "--json") == "team"
    assert bottom("ipamorelin", "--json", "--no-user-kb") != "personal"


def test_missing_extra_kb_file_is_an_error(runner: CliRunner, tmp_path: Path) -> None:
    result = run(runner, "--kb", str(tmp_path / "nope.toml"), "ipamorelin")
    assert result.exit_code == 2
    assert "nope.toml" in result.stderr


def test_kb_export_round_trips(runner: CliRunner, tmp_path: Path) -> None:
    exported = tmp_path / "export.toml"
    exported.write_text(run(runner, "kb", "export").stdout, encoding="utf-8")
    result = run(runner, "kb", "validate", str(exported), "--no-user-kb")
    assert result.exit_code == 0, result.output
    data = json.loads(run(runner, "kb", "export", "--format", "json").stdout)
    assert "ipamorelin" in data["compounds"]


EDITOR = """
import sys, pathlib
path = pathlib.Path(sys.argv[-1])
text = path.read_text(encoding="utf-8")
path.write_text(text.replace({old!r}, {new!r}), encoding="utf-8")
"""


def editor(tmp_path: Path, old: str, new: str) -> str:
    script = tmp_path / "editor.py"
    script.write_text(EDITOR.format(old=old, new=new), encoding="utf-8")
    return f"{sys.executable} {script}"


def test_edit_saves_a_valid_change(runner: CliRunner, tmp_path: Path) -> None:
    run(runner, "add", str(TESTORELIN))
    env = {"EDITOR": editor(tmp_path, "Unknown.", "Edited risk."), "VISUAL": ""}
    result = run(runner, "edit", "testorelin", env=env)
    assert result.exit_code == 0, result.output
    record = json.loads(run(runner, "testorelin", "--json").stdout)
    assert record["risks"][0]["text"] == "Edited risk."


def test_edit_of_a_bundled_entry_makes_a_personal_copy(runner: CliRunner, tmp_path: Path) -> None:
    env = {"EDITOR": editor(tmp_path, 'highest_phase = "phase-2"', 'highest_phase = "phase-3"')}
    result = run(runner, "edit", "ipamorelin", env=env)
    assert result.exit_code == 0, result.output
    assert json.loads(run(runner, "ipamorelin", "--json").stdout)["highest_phase"] == "phase-3"
    assert (
        json.loads(run(runner, "ipamorelin", "--json", "--no-user-kb").stdout)["highest_phase"]
        == "phase-2"
    )
    # Only the entry is copied: no frozen copies of the bundled references it cites (W4),
    # and the file left behind is valid.
    document = tomllib.loads(personal_path().read_text(encoding="utf-8"))
    assert list(document["compounds"]) == ["ipamorelin"]
    assert document.get("references", {}) == {}
    assert run(runner, "kb", "validate", str(personal_path())).exit_code == 0


def test_edit_invalid_without_a_terminal_keeps_a_recovery_file(
    runner: CliRunner, tmp_path: Path
) -> None:
    run(runner, "add", str(TESTORELIN))
    before = personal_path().read_bytes()
    env = {"EDITOR": editor(tmp_path, 'highest_phase = "preclinical"', 'highest_phase = "maybe"')}
    result = run(runner, "edit", "testorelin", env=env)
    assert result.exit_code == 1
    assert "'maybe' is not one of" in result.stderr
    recovery = next((personal_path().parent / "recovery").glob("testorelin-*.toml"))
    assert str(recovery) in result.stderr
    assert 'highest_phase = "maybe"' in recovery.read_text(encoding="utf-8")
    assert personal_path().read_bytes() == before


def test_edit_without_changes_saves_nothing(runner: CliRunner, tmp_path: Path) -> None:
    result = run(runner, "edit", "ipamorelin", env={"EDITOR": editor(tmp_path, "x", "x")})
    assert result.exit_code == 0
    assert "no changes" in result.stderr
    assert not personal_path().exists()


ADD_ONE = """
import sys
from gslookup.cli import main
sys.argv = ["gslookup", "add", sys.argv[1]]
main()
"""


def test_parallel_adds_lose_nothing(tmp_path: Path) -> None:
    files = []
    for n in range(12):
        text = TESTORELIN.read_text(encoding="utf-8")
        text = text.replace("testorelin", f"testorelin{n}").replace("TST-001", f"TST-{n:03d}")
        text = text.replace('name = "Testorelin"', f'name = "Testorelin {n}"')
        path = tmp_path / f"entry{n}.toml"
        path.write_text(text.replace("userref2026", f"userref{n}"), encoding="utf-8")
        files.append(path)
    env = {**os.environ}
    processes = [
        subprocess.Popen([sys.executable, "-c", ADD_ONE, str(f)], env=env, stderr=subprocess.PIPE)
        for f in files
    ]
    for process in processes:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
    document = tomllib.loads(personal_path().read_text(encoding="utf-8"))
    assert sorted(document["compounds"]) == sorted(f"testorelin{n}" for n in range(12))
    assert len(document["references"]) == 12


EDIT_ONE = """
import pathlib, sys
p = pathlib.Path(sys.argv[-1])
p.write_text(p.read_text().replace("Unknown.", "Edited by " + p.name.split("-")[0] + "."))
"""


def test_parallel_adds_removes_and_edits_lose_nothing(tmp_path: Path) -> None:
    """Adds sharing a reference, removes and edits, all at once: each one lands (W3, D3)."""

    def entry(name: str, ref: str) -> str:
        text = TESTORELIN.read_text(encoding="utf-8").replace("testorelin", name)
        text = text.replace("TST-001", name.upper()).replace(
            'name = "Testorelin"', f'name = "{name}"'
        )
        return text.replace("userref2026", ref)

    existing = "\n".join(entry(f"old{n}", f"oldref{n}") for n in range(6))
    seed = tmp_path / "seed.toml"
    seed.write_text(existing, encoding="utf-8")
    assert run(CliRunner(), "add", str(seed)).exit_code == 0
    editor = tmp_path / "editor.py"
    editor.write_text(EDIT_ONE, encoding="utf-8")
    env = {**os.environ, "EDITOR": f"{sys.executable} {editor}", "VISUAL": ""}
    commands = []
    for n in range(6):  # new entries, all citing one shared, identical reference
        path = tmp_path / f"new{n}.toml"
        path.write_text(entry(f"new{n}", "shared"), encoding="utf-8")
        commands.append(["add", str(path)])
    commands += [["remove", f"old{n}"] for n in range(3)]
    commands += [["edit", f"old{n}"] for n in range(3, 6)]
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "gslookup", *args],
            env=env,
            stdin=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for args in commands
    ]
    for process, args in zip(processes, commands, strict=True):
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, (args, err)
    document = tomllib.loads(personal_path().read_text(encoding="utf-8"))
    assert sorted(document["compounds"]) == sorted(
        [f"new{n}" for n in range(6)] + [f"old{n}" for n in range(3, 6)]
    )
    for n in range(3, 6):
        risk = document["compounds"][f"old{n}"]["risks"][0]["text"]
        assert risk == f"Edited by old{n}."
    assert sorted(document["references"]) == ["oldref3", "oldref4", "oldref5", "shared"]
    assert run(CliRunner(), "kb", "validate", str(personal_path())).exit_code == 0

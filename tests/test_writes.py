"""What the user wrote survives every write (D1-D4, C5, W3, W4, M4, M7)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from gslookup import store
from gslookup.cli import app
from gslookup.sources import personal_path

from .conftest import DATA

TESTORELIN = (DATA / "testorelin.toml").read_text(encoding="utf-8")


def run(*args: str, **kwargs: Any) -> Any:
    return CliRunner().invoke(app, list(args), **kwargs)


def variant(name: str, ref: str | None = None, **replace: str) -> str:
    text = TESTORELIN.replace("testorelin", name).replace("TST-001", name.upper() + "-1")
    text = text.replace('name = "Testorelin"', f'name = "{name.title()}"')
    text = text.replace("userref2026", ref or f"ref-{name}")
    for old, new in replace.items():
        text = text.replace(old.replace("_", " "), new)
    return text


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def comment_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.lstrip().startswith("#")]


# ---- D1: comments and layout outside the changed entries are kept


COMMENT = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs", "Cc", "Zl", "Zp"]), max_size=40
).map(lambda s: "# " + s)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    comments=st.lists(COMMENT, min_size=5, max_size=5),
    trailing=st.lists(COMMENT, max_size=3),
)
def test_add_remove_and_replace_keep_every_comment_outside_the_changed_entries(
    tmp_path: Path, comments: list[str], trailing: list[str]
) -> None:
    personal = personal_path()
    personal.parent.mkdir(parents=True, exist_ok=True)
    kept = variant("keptolin").replace("\nalternatives = []", f"\nalternatives = []  {comments[4]}")
    layout = (
        f"{comments[0]}\n{comments[1]}\n\n"
        + variant("testorelin").replace("[references.", f"{comments[2]}\n[references.")
        + f"\n{comments[3]}\n\n"
        + kept
        + "".join(f"\n{c}" for c in trailing)
        + "\n"
    )
    personal.write_text(layout, encoding="utf-8")
    expected = comment_lines(layout)
    other = write(tmp_path, "other.toml", variant("otherolin"))
    changed = write(tmp_path, "changed.toml", variant("testorelin").replace("Unknown.", "Known."))
    for args in (["add", str(other)], ["remove", "otherolin"], ["add", "--replace", str(changed)]):
        result = run(*args)
        assert result.exit_code == 0, (args, result.output)
        text = personal.read_text(encoding="utf-8")
        # The comment inside keptolin (untouched) and every comment between entries survive;
        # only testorelin's own table is rewritten by the last step.
        assert [c for c in expected if c not in text] == [], args
    document = tomllib.loads(text)
    assert document["compounds"]["testorelin"]["risks"][0]["text"] == "Known."
    assert sorted(document["compounds"]) == ["keptolin", "testorelin"]
    assert kept in text  # the untouched entry is byte for byte as the user wrote it
    for path in personal.parent.iterdir():
        path.unlink() if path.is_file() else None


def test_five_backup_generations_are_kept(tmp_path: Path) -> None:
    versions = []
    for n in range(7):
        path = write(tmp_path, f"v{n}.toml", variant("testorelin").replace("Unknown.", f"v{n}."))
        assert run("add", "--replace", str(path)).exit_code == 0
        versions.append(personal_path().read_bytes())
    generations = store.backups(personal_path())
    assert len(generations) == 5
    # newest backup first: the version before the current one, and so on
    assert [g.read_bytes() for g in generations] == versions[-2::-1][:5]


# ---- D2: add reads a pipe once, or fails clearly


def gslookup(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "gslookup", *args], input=stdin, capture_output=True, timeout=60
    )


def test_add_from_a_pipe_reads_it(tmp_path: Path) -> None:
    result = gslookup("add", "/dev/stdin", stdin=TESTORELIN.encode())
    assert result.returncode == 0, result.stderr
    assert b"added testorelin" in result.stderr
    assert "testorelin" in tomllib.loads(personal_path().read_text("utf-8"))["compounds"]


def test_add_of_an_empty_pipe_fails_and_writes_nothing() -> None:
    result = gslookup("add", "/dev/stdin", stdin=b"")
    assert result.returncode == 2, result.stderr
    assert b"empty" in result.stderr
    assert not personal_path().exists()


def test_add_of_a_file_with_nothing_in_it_says_so(tmp_path: Path) -> None:
    result = run(
        "add", str(write(tmp_path, "nothing.toml", "# only a comment\nschema_version = 1\n"))
    )
    assert result.exit_code == 1
    assert "nothing added" in result.stderr
    assert not personal_path().exists()


# ---- D4, M4: symlinks, modes, read-only files


def test_a_symlinked_personal_file_is_written_through_the_link_with_its_mode(
    tmp_path: Path,
) -> None:
    target = tmp_path / "dotfiles" / "compounds.toml"
    target.parent.mkdir()
    target.write_text(variant("mine"), encoding="utf-8")
    target.chmod(0o640)
    personal_path().parent.mkdir(parents=True)
    personal_path().symlink_to(target)
    assert run("add", str(write(tmp_path, "t.toml", TESTORELIN))).exit_code == 0
    assert personal_path().is_symlink()
    assert sorted(tomllib.loads(target.read_text("utf-8"))["compounds"]) == ["mine", "testorelin"]
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_a_read_only_personal_file_is_not_replaced(tmp_path: Path) -> None:
    assert run("add", str(write(tmp_path, "t.toml", TESTORELIN))).exit_code == 0
    personal_path().chmod(0o444)
    before = personal_path().read_bytes()
    result = run("remove", "testorelin")
    assert result.exit_code == 2
    assert "read-only" in result.stderr and "nothing was changed" in result.stderr
    assert personal_path().read_bytes() == before
    assert stat.S_IMODE(personal_path().stat().st_mode) == 0o444


# ---- C5: every write is validated as the file it leaves behind


def test_remove_of_an_entry_another_names_as_alternative_is_refused(tmp_path: Path) -> None:
    both = variant("testorelin").replace("alternatives = []", 'alternatives = ["otherolin"]')
    both += "\n" + variant("otherolin")
    assert run("add", str(write(tmp_path, "both.toml", both))).exit_code == 0
    before = personal_path().read_bytes()
    result = run("remove", "otherolin")
    assert result.exit_code == 1
    assert "testorelin" in result.stderr and "alternatives" in result.stderr
    assert personal_path().read_bytes() == before
    assert run("ipamorelin", "--json").exit_code == 0


def test_remove_leaves_a_valid_file_and_drops_uncited_references(tmp_path: Path) -> None:
    two = variant("testorelin", ref="shared") + "\n" + variant("otherolin", ref="shared")
    two = two.replace("[references.shared]", "[references.shared2]", 1)
    two = two.replace('refs = ["shared"]', 'refs = ["shared2"]', 3)
    assert run("add", str(write(tmp_path, "two.toml", two))).exit_code == 0, two
    result = run("remove", "Testorelin")  # by name, not id (M7)
    assert result.exit_code == 0, result.output
    assert "removed reference shared2" in result.stderr
    assert run("kb", "validate", str(personal_path())).exit_code == 0
    document = tomllib.loads(personal_path().read_text("utf-8"))
    assert sorted(document["compounds"]) == ["otherolin"]
    assert sorted(document["references"]) == ["shared"]


def test_remove_suggests_close_personal_names(tmp_path: Path) -> None:
    texts = "\n".join(variant(n) for n in ("aardvarkin", "abacusin", "testorelin"))
    assert run("add", str(write(tmp_path, "three.toml", texts))).exit_code == 0
    result = run("remove", "testorelinn")
    assert result.exit_code == 1
    assert "Did you mean: testorelin?" in result.stderr


# ---- W3, W4: references that others cite are never silently replaced


def test_add_never_silently_replaces_a_reference_another_entry_cites(tmp_path: Path) -> None:
    assert run("add", str(write(tmp_path, "t.toml", TESTORELIN))).exit_code == 0
    other = variant("otherolin", ref="userref2026").replace(
        "A made-up reference for the personal knowledge base", "A COMPLETELY DIFFERENT STUDY"
    )
    path = write(tmp_path, "other.toml", other)
    refused = run("add", str(path))
    assert refused.exit_code == 1
    assert "'userref2026' (cited by testorelin)" in refused.stderr
    assert "--replace" in refused.stderr
    assert "DIFFERENT" not in personal_path().read_text("utf-8")
    replaced = run("add", "--replace", str(path))
    assert replaced.exit_code == 0
    assert "replaced reference userref2026" in replaced.stderr
    assert "DIFFERENT" in run("refs", "testorelin").stdout


def test_a_personal_reference_does_not_silently_override_a_bundled_one(tmp_path: Path) -> None:
    forged = '[references.beck-2014]\nkind = "research"\ntitle = "Ipamorelin is safe (made-up)"\n'
    refused = run("add", str(write(tmp_path, "forged.toml", forged)))
    assert refused.exit_code == 1
    assert "'beck-2014' would override the bundled reference (cited by ipamorelin)" in (
        refused.stderr
    )
    assert not personal_path().exists()


def test_edit_of_a_bundled_entry_copies_only_the_entry(tmp_path: Path) -> None:
    script = write(
        tmp_path,
        "ed.py",
        "import sys, pathlib\np = pathlib.Path(sys.argv[-1])\n"
        "p.write_text(p.read_text().replace('phase-2', 'phase-3', 1))\n",
    )
    result = run("edit", "ipamorelin", env={"EDITOR": f"{sys.executable} {script}", "VISUAL": ""})
    assert result.exit_code == 0, result.output
    document = tomllib.loads(personal_path().read_text("utf-8"))
    assert sorted(document["compounds"]) == ["ipamorelin"]
    assert document.get("references", {}) == {}  # all unchanged from the bundled ones
    assert document["compounds"]["ipamorelin"]["highest_phase"] == "phase-3"
    bundled = run("ipamorelin", "--json", "--no-user-kb", "--fields", "highest_phase").stdout
    assert '"phase-2"' in bundled


@pytest.mark.parametrize("mode", [0o600, 0o640])
def test_writes_keep_the_mode_of_the_file(tmp_path: Path, mode: int) -> None:
    assert run("add", str(write(tmp_path, "t.toml", TESTORELIN))).exit_code == 0
    os.chmod(personal_path(), mode)
    assert run("add", str(write(tmp_path, "o.toml", variant("otherolin")))).exit_code == 0
    assert stat.S_IMODE(personal_path().stat().st_mode) == mode


# ---- D3, C7, M6: edit


def editor_script(tmp_path: Path, body: str, name: str = "ed.py") -> str:
    script = write(
        tmp_path, name, "import pathlib, subprocess, sys\np = pathlib.Path(sys.argv[-1])\n" + body
    )
    return f"{sys.executable} {script}"


def edit(name: str, editor: str) -> Any:
    return run("edit", name, env={"EDITOR": editor, "VISUAL": ""})


def add_during_edit(path: Path) -> str:
    return (
        f"subprocess.run([sys.executable, '-m', 'gslookup', 'add', '--replace', {str(path)!r}],"
        " check=True)\n"
    )


def test_edit_keeps_a_correction_made_meanwhile_to_a_shared_reference(tmp_path: Path) -> None:
    run("add", str(write(tmp_path, "t.toml", TESTORELIN)))
    other = variant("otherolin", ref="userref2026")
    run("add", "--replace", str(write(tmp_path, "o.toml", other)))
    fix = write(tmp_path, "fix.toml", other.replace("A made-up reference", "CORRECTED TITLE"))
    body = add_during_edit(fix) + "p.write_text(p.read_text().replace('Unknown.', 'Edited.'))\n"
    result = edit("testorelin", editor_script(tmp_path, body))
    assert result.exit_code == 0, result.output
    assert "CORRECTED TITLE" in run("refs", "otherolin").stdout
    document = tomllib.loads(personal_path().read_text("utf-8"))
    assert document["compounds"]["testorelin"]["risks"][0]["text"] == "Edited."


@pytest.mark.parametrize("meanwhile", ["replace", "remove"])
def test_edit_of_an_entry_changed_meanwhile_is_a_conflict(tmp_path: Path, meanwhile: str) -> None:
    run("add", str(write(tmp_path, "t.toml", TESTORELIN)))
    fix = write(tmp_path, "fix.toml", TESTORELIN.replace("Unknown.", "Theirs."))
    during = (
        add_during_edit(fix)
        if meanwhile == "replace"
        else "subprocess.run([sys.executable, '-m', 'gslookup', 'remove', 'testorelin'])\n"
    )
    body = during + "p.write_text(p.read_text().replace('Unknown.', 'Mine.'))\n"
    result = edit("testorelin", editor_script(tmp_path, body))
    assert result.exit_code == 1
    assert "changed in your knowledge base while you were editing" in result.stderr
    recovery = next((personal_path().parent / "recovery").glob("testorelin-*.toml"))
    assert str(recovery) in result.stderr and "Mine." in recovery.read_text("utf-8")
    text = personal_path().read_text("utf-8")
    assert "Mine." not in text
    assert ("Theirs." in text) == (meanwhile == "replace")


def test_edit_with_an_editor_that_writes_invalid_utf8_keeps_the_text(tmp_path: Path) -> None:
    run("add", str(write(tmp_path, "t.toml", TESTORELIN)))
    body = "p.write_bytes(p.read_bytes().replace(b'Unknown.', b'Ten minutes') + b'\\xe9')\n"
    result = edit("testorelin", editor_script(tmp_path, body))
    assert result.exit_code == 1
    assert "not UTF-8" in result.stderr
    recovery = next((personal_path().parent / "recovery").glob("testorelin-*.toml"))
    assert str(recovery) in result.stderr
    assert b"Ten minutes" in recovery.read_bytes()
    assert stat.S_IMODE(recovery.stat().st_mode) == 0o600


def test_edit_with_an_editor_that_deletes_the_file(tmp_path: Path) -> None:
    run("add", str(write(tmp_path, "t.toml", TESTORELIN)))
    result = edit("testorelin", editor_script(tmp_path, "p.unlink()\n"))
    assert result.exit_code == 2
    assert "the editor removed" in result.stderr and "nothing saved" in result.stderr


def test_a_failing_editor_leaves_no_recovery_file_behind(tmp_path: Path) -> None:
    run("add", str(write(tmp_path, "t.toml", TESTORELIN)))
    result = edit("testorelin", editor_script(tmp_path, "sys.exit(3)\n"))
    assert result.exit_code == 2
    assert "exited with code 3" in result.stderr
    assert list((personal_path().parent / "recovery").glob("*")) == []


def test_a_failing_editor_after_changes_keeps_and_names_them(tmp_path: Path) -> None:
    run("add", str(write(tmp_path, "t.toml", TESTORELIN)))
    body = "p.write_text(p.read_text().replace('Unknown.', 'Half done.'))\nsys.exit(1)\n"
    result = edit("testorelin", editor_script(tmp_path, body))
    assert result.exit_code == 1
    recovery = next((personal_path().parent / "recovery").glob("testorelin-*.toml"))
    assert str(recovery) in result.stderr and "Half done." in recovery.read_text("utf-8")


def test_deleting_the_entry_in_the_editor_is_not_reported_as_saved(tmp_path: Path) -> None:
    run("add", str(write(tmp_path, "t.toml", TESTORELIN)))
    before = personal_path().read_bytes()
    body = "p.write_text(''.join(l for l in p.read_text().splitlines(True) if l.startswith('#')))\n"
    result = edit("testorelin", editor_script(tmp_path, body))
    assert result.exit_code == 1
    assert "gslookup remove" in result.stderr and "saved testorelin" not in result.stderr
    assert personal_path().read_bytes() == before


def test_edit_of_an_entry_with_a_very_long_id(tmp_path: Path) -> None:
    long_id = "a" * 250
    text = TESTORELIN.replace("[compounds.testorelin]", f"[compounds.{long_id}]")
    assert run("add", str(write(tmp_path, "long.toml", text))).exit_code == 0
    body = "p.write_text(p.read_text().replace('Unknown.', 'Edited.'))\n"
    result = edit("Testorelin", editor_script(tmp_path, body))
    assert result.exit_code == 0, result.output


def test_an_editor_path_with_a_space(tmp_path: Path) -> None:
    run("add", str(write(tmp_path, "t.toml", TESTORELIN)))
    folder = tmp_path / "My Editor"
    folder.mkdir()
    script = folder / "ed"
    script.write_text(
        f"#!{sys.executable}\nimport pathlib, sys\np = pathlib.Path(sys.argv[-1])\n"
        "p.write_text(p.read_text().replace('Unknown.', 'Spaced.'))\n",
        encoding="utf-8",
    )
    script.chmod(0o755)
    result = edit("testorelin", str(script))
    assert result.exit_code == 0, result.output
    assert "Spaced." in personal_path().read_text("utf-8")


def test_a_bundled_entry_says_when_it_cites_a_replaced_reference(tmp_path: Path) -> None:
    forged = '[references.beck-2014]\nkind = "research"\ntitle = "Ipamorelin is safe (made-up)"\n'
    assert run("add", "--replace", str(write(tmp_path, "forged.toml", forged))).exit_code == 0
    view = run("ipamorelin", "--color", "never", "-s", "references").stdout
    line = next(line for line in view.splitlines() if "Ipamorelin is safe" in line)
    assert "(this reference from" in line
    assert f"from{personal_path()})" in "".join(view.split())
    untouched = run("somatropin", "--color", "never", "-s", "references").stdout
    assert "this reference from" not in untouched
    record = json.loads(run("ipamorelin", "--json").stdout)
    sources = {r["id"]: r["source"] for r in record["references"]}
    assert sources.pop("beck-2014") == str(personal_path())
    assert set(sources.values()) == {"bundled"}


def test_list_csv_honours_fields() -> None:
    result = run("list", "--csv", "--fields", "id,prohibited")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "id,prohibited"
    compounds = len(json.loads(run("list", "--json").stdout))
    assert len(lines) == 1 + compounds and lines[1].count(",") == 1


@pytest.mark.parametrize("answers", [b"n\n", b"y\nn\n"], ids=["give-up", "again-then-give-up"])
def test_edit_on_a_terminal_asks_again_and_keeps_the_text(tmp_path: Path, answers: bytes) -> None:
    """The question is asked only when a person is at a terminal (a real pty here)."""
    from .ptyterm import run_on_pty

    assert run("add", str(write(tmp_path, "t.toml", TESTORELIN))).exit_code == 0
    before = personal_path().read_bytes()
    body = "p.write_text(p.read_text().replace('\"preclinical\"', '\"maybe\"'))\n"
    env = {**os.environ, "EDITOR": editor_script(tmp_path, body), "VISUAL": ""}
    result = run_on_pty(["edit", "testorelin"], env=env, typed=answers)
    assert result.code == 1, result.text
    assert result.text.count("Edit again?") == answers.count(b"\n")
    assert "'maybe' is not one of" in result.text
    recovery = next((personal_path().parent / "recovery").glob("testorelin-*.toml"))
    assert str(recovery) in "".join(result.text.split())
    assert personal_path().read_bytes() == before


def test_recovery_files_of_edits_abandoned_long_ago_are_removed(tmp_path: Path) -> None:
    run("add", str(write(tmp_path, "t.toml", TESTORELIN)))
    folder = personal_path().parent / "recovery"
    folder.mkdir()
    old, recent = folder / "testorelin-old.toml", folder / "testorelin-recent.toml"
    for path in (old, recent):
        path.write_text("kept text", encoding="utf-8")
    long_ago = 1_000_000_000
    os.utime(old, (long_ago, long_ago))
    result = edit("testorelin", editor_script(tmp_path, "pass\n"))
    assert result.exit_code == 0 and "no changes" in result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["testorelin-recent.toml"]


def test_a_layout_that_cannot_be_kept_is_rewritten_with_a_note(tmp_path: Path) -> None:
    """An entry written as dotted keys: the data is right, and the user is told where the
    commented version went, instead of losing the comments silently."""
    dotted = (
        "# my notes\n[compounds]\n"
        'mine.name = "Mine"\nmine.drug_class = "x"\nmine.summary = "x"\n'
        'mine.bottom_line = "x"\nmine.highest_phase = "preclinical"\n'
        "mine.last_reviewed = 2026-11-01\n"
        'mine.approvals = [{jurisdiction = "US", status = "not-approved"}]\n'
        "mine.sport = {prohibited = false}\n"
    )
    personal_path().parent.mkdir(parents=True)
    personal_path().write_text(dotted, encoding="utf-8")
    assert run("kb", "validate", str(personal_path())).exit_code == 0
    new = dotted.replace("[compounds]\n", "").replace("mine.", "").replace('"x"', '"y"', 1)
    result = run("add", "--replace", str(write(tmp_path, "m.toml", "[compounds.mine]\n" + new)))
    assert result.exit_code == 0, result.output
    assert (
        tomllib.loads(personal_path().read_text("utf-8"))["compounds"]["mine"]["drug_class"] == "y"
    )
    assert "note: the layout of" in result.stderr
    assert store.backups(personal_path())[0].read_text("utf-8") == dotted


def test_removing_the_last_entry_keeps_the_comments(tmp_path: Path) -> None:
    personal_path().parent.mkdir(parents=True)
    personal_path().write_text("# my clinic's notes\n\n" + TESTORELIN, encoding="utf-8")
    result = run("remove", "testorelin")
    assert result.exit_code == 0, result.output
    assert "note:" not in result.stderr
    text = personal_path().read_text("utf-8")
    assert "# my clinic's notes" in text and "testorelin" not in text
    assert run("kb", "validate", str(personal_path())).exit_code == 0
    assert run("ipamorelin", "--json").exit_code == 0

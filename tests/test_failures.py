"""Every failure is one clear line and a meaningful exit code (C3, C4, M2, M4, M5, M13, W5)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gslookup.sources import personal_path

from .conftest import DATA

TESTORELIN = (DATA / "testorelin.toml").read_text(encoding="utf-8")


def gslookup(
    *args: str, stdin: bytes = b"", **kwargs: object
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "gslookup", *args],
        input=stdin,
        capture_output=True,
        timeout=60,
        **kwargs,  # type: ignore[call-overload]
    )


def deep(tmp_path: Path, depth: int = 3000) -> Path:
    path = tmp_path / "deep.toml"
    nested = "[" * depth + "]" * depth
    path.write_text(TESTORELIN.replace("alternatives = []", f"alternatives = {nested}"), "utf-8")
    return path


def test_deeply_nested_toml_is_an_invalid_file_naming_it(tmp_path: Path) -> None:
    path = deep(tmp_path)
    for args in (["kb", "validate", str(path)], ["--kb", str(path), "ipamorelin"]):
        result = gslookup(*args)
        assert result.returncode == 2, result.stderr
        assert b"deep.toml" in result.stderr and b"nested too deeply" in result.stderr
        assert b"Traceback" not in result.stderr


def test_a_deeply_nested_personal_file_gets_the_no_user_kb_hint(tmp_path: Path) -> None:
    personal_path().parent.mkdir(parents=True)
    deep(tmp_path).rename(personal_path())
    result = gslookup("ipamorelin")
    assert result.returncode == 2
    assert b"--no-user-kb" in result.stderr


def test_thousands_of_problems_are_reported_fast_and_capped(tmp_path: Path) -> None:
    """C4: 20,000 problems took 518 s in 0.1.0, as locating each one rescanned the file."""
    path = tmp_path / "team.toml"
    refs = "".join(f'\n[references.r{i}]\ntitle = "Reference {i}"\n' for i in range(20_000))
    path.write_text(TESTORELIN + refs, encoding="utf-8")
    started = time.monotonic()
    result = gslookup("--kb", str(path), "ipamorelin")
    assert time.monotonic() - started < 20
    assert result.returncode == 2
    lines = result.stderr.decode().splitlines()
    assert len(lines) == 102
    assert lines[0] == f"{path}:20: references.r0.kind: required key is missing"
    assert lines[-2:] == ["... and 19900 more", "gslookup: invalid knowledge base (20000 problems)"]


def test_a_byte_order_mark_is_not_part_of_the_toml(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + TESTORELIN.encode())
    assert gslookup("kb", "validate", str(path)).returncode == 0
    assert gslookup("--kb", str(path), "testorelin", "--json").returncode == 0


@pytest.mark.parametrize(
    "names",
    [
        b"\xef\xbb\xbfipamorelin\r\npegvisomant\r\n",
        b"ipa\xe2\x80\x8bmorelin\n",
        b"\xe2\x80\xaeipamorelin\n",
    ],
    ids=["bom-crlf", "zero-width", "bidi"],
)
def test_invisible_characters_never_hide_a_prohibited_name(tmp_path: Path, names: bytes) -> None:
    """W5: Notepad's BOM, a zero-width space or a bidi mark, in a file and on stdin."""
    label = tmp_path / "label.txt"
    label.write_bytes(names)
    for args, stdin in ((["check", str(label)], b""), (["check", "-"], names)):
        result = gslookup(*args, "--format", "csv", "--fail-on", "prohibited", stdin=stdin)
        assert result.returncode == 1, result.stdout
        assert b",ipamorelin,Ipamorelin," in result.stdout
    typed = names.split(b"\n")[0].strip().decode()
    assert gslookup(typed, "--json").returncode == 0


def test_usage_errors_keep_exit_2_when_stderr_is_full_or_closed() -> None:
    with open("/dev/full", "wb") as full:
        argv = [sys.executable, "-m", "gslookup", "ipamorelin", "--fields", "bad", "--json"]
        assert subprocess.run(argv, stderr=full, timeout=60).returncode == 2
    closed = subprocess.run(
        [sys.executable, "-m", "gslookup", "ipamorelin", "--fields", "bad", "--json"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        pass_fds=(),
        preexec_fn=lambda: os.close(2),
        timeout=60,
    )
    assert closed.returncode == 2


def test_a_view_with_stdout_closed_does_not_report_success() -> None:
    closed = subprocess.run(
        [sys.executable, "-m", "gslookup", "ipamorelin"],
        stderr=subprocess.PIPE,
        preexec_fn=lambda: os.close(1),
        timeout=60,
    )
    assert closed.returncode == 141


def test_a_data_folder_that_cannot_be_made_is_a_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "blocked"
    folder.write_text("", encoding="utf-8")
    result = gslookup(
        "add", str(DATA / "testorelin.toml"), env={**os.environ, "XDG_DATA_HOME": str(folder)}
    )
    assert result.returncode == 2
    assert result.stderr.startswith(b"gslookup: cannot write ")
    assert b"unexpected" not in result.stderr


def test_sigterm_during_a_write_leaves_no_temp_files_and_ends_by_the_signal(
    tmp_path: Path,
) -> None:
    big = tmp_path / "big.toml"
    big.write_text(
        "\n".join(
            TESTORELIN.replace("testorelin", f"t{i}")
            .replace("TST-001", f"T-{i}")
            .replace('name = "Testorelin"', f'name = "T {i}"')
            .replace("userref2026", f"r{i}")
            for i in range(3000)
        ),
        encoding="utf-8",
    )
    folder = personal_path().parent
    for _ in range(3):
        process = subprocess.Popen(
            [sys.executable, "-m", "gslookup", "add", "--replace", str(big)],
            stderr=subprocess.PIPE,
        )
        # Wait until the write has begun: its temp file exists.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            if folder.is_dir() and any(p.suffix == ".tmp" for p in folder.iterdir()):
                process.send_signal(signal.SIGTERM)
                break
            time.sleep(0.001)
        _, err = process.communicate(timeout=60)
        assert b"Traceback" not in err
        assert process.returncode in (-signal.SIGTERM, 0)
        assert [p.name for p in folder.iterdir() if p.suffix == ".tmp"] == []


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('status = "not-approved"', 'status = "not-approved", date = "2020-00-00"'),
        ('status = "not-approved"', 'status = "not-approved", date = "0000"'),
        ('status = "not-approved"', 'status = "not-approved", date = "2020-00"'),
        ("year = 2026", "year = -44"),
        ('jurisdiction = "US"', 'jurisdiction = "US\\n"'),
        ("[compounds.testorelin]", '[compounds."testorelin\\n"]'),
    ],
)
def test_impossible_dates_and_trailing_newlines_are_invalid(
    tmp_path: Path, old: str, new: str
) -> None:
    """M11: views used to disagree on such values (`US\\n` shown as US, missed by filters)."""
    assert old in TESTORELIN
    path = tmp_path / "m11.toml"
    path.write_text(TESTORELIN.replace(old, new), encoding="utf-8")
    result = gslookup("kb", "validate", str(path))
    assert result.returncode == 2, result.stdout

"""The grammar: help, version, suggestions, one -f/--format, exit codes, closed pipes."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from typing import Any

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from gslookup import __version__
from gslookup.cli import app


def run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def test_bare_gslookup_prints_help_and_exits_0() -> None:
    result = run()
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: gslookup")
    assert result.stderr == ""


@pytest.mark.parametrize("args", [["-h"], ["--help"], ["help"]])
def test_help_spellings(args: list[str]) -> None:
    result = run(*args)
    assert result.exit_code == 0 and result.stdout.startswith("Usage: gslookup [OPTIONS]")
    assert "Commands:" in result.stdout and "..." not in result.stdout.split("Commands:")[1]


@pytest.mark.parametrize("path", [["list"], ["kb", "info"], ["refs"]])
def test_help_command_shows_the_commands_help(path: list[str]) -> None:
    assert run("help", *path).stdout == run(*path, "--help").stdout
    assert run(*path, "-h").stdout == run(*path, "--help").stdout


def test_help_for_an_unknown_command_is_a_usage_error() -> None:
    result = run("help", "lsit")
    assert result.exit_code == 2 and "no command named 'lsit'" in result.stderr


def test_short_version() -> None:
    result = run("-V")
    assert result.exit_code == 0 and result.stdout == f"gslookup {__version__}\n"


def test_a_typo_of_a_command_suggests_it() -> None:
    result = run("lsit")
    assert result.exit_code == 1
    assert result.stderr == "gslookup: no compound or command named 'lsit'. Did you mean: list?\n"
    result = run("ipamorlin")
    assert result.stderr.startswith("gslookup: no compound named 'ipamorlin'. Did you mean:")


def commands() -> list[list[str]]:
    root = get_command(app)
    found: list[list[str]] = []
    for name, command in root.commands.items():  # type: ignore[attr-defined]
        subcommands = getattr(command, "commands", None)
        found += [[name, sub] for sub in subcommands] if subcommands else [[name]]
    return found


@pytest.mark.parametrize("path", commands(), ids=" ".join)
def test_every_subcommands_help_lists_the_global_options(path: list[str]) -> None:
    text = " ".join(run(*path, "--help").stdout.split())
    for option in ("--kb FILE", "--no-user-kb", "--no-cache", "--debug"):
        assert option in text


@pytest.mark.parametrize(
    "args, parse",
    [
        (["ipamorelin", "-f", "JSON"], json.loads),
        (["list", "-f", "Json"], json.loads),
        (["search", "bone", "--format", "json"], json.loads),
        (["compare", "ipamorelin", "macimorelin", "-f", "json"], json.loads),
        (["changes", "-f", "CSV"], lambda t: list(csv.reader(io.StringIO(t)))),
        (["refs", "ipamorelin", "-f", "CSL-JSON"], json.loads),
        (["refs", "ipamorelin", "--json"], json.loads),
        (["check", "-", "-f", "JSON"], json.loads),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, list) else "",
)
def test_one_format_option_everywhere_case_insensitive(args: list[str], parse: Any) -> None:
    result = CliRunner().invoke(app, args, input="ipamorelin\n")
    assert result.exit_code == 0, result.output
    assert parse(result.stdout)


@pytest.mark.parametrize(
    "args",
    [["list", "-f", "yaml"], ["search", "bone", "-f", "csv"], ["ipamorelin", "-f", "yaml"],
     ["list", "--json", "-f", "csv"], ["refs", "ipamorelin", "--json", "-f", "bibtex"]],
)  # fmt: skip
def test_an_unknown_or_second_format_is_a_usage_error(args: list[str]) -> None:
    result = run(*args)
    assert result.exit_code == 2 and result.stdout == ""


def test_refs_of_several_names_lists_each_reference_once() -> None:
    one = json.loads(run("refs", "ipamorelin", "--json").stdout)
    both = json.loads(run("refs", "ipamorelin", "macimorelin", "--json").stdout)
    ids = [r["id"] for r in both]
    assert len(ids) == len(set(ids)) and len(both) > len(one)
    assert ids[: len(one)] == [r["id"] for r in one]


@pytest.mark.parametrize("fmt", [[], ["--json"], ["-f", "jsonl"], ["--fields", "id"]])
def test_an_empty_search_exits_1_in_every_format(fmt: list[str]) -> None:
    assert run("search", "zzzqqq", *fmt).exit_code == 1
    assert run("search", "bone", *fmt).exit_code == 0


@pytest.mark.parametrize("args", [["ipamorelin"], ["list", "-f", "table"], ["search", "bone"],
                                  ["compare", "ipamorelin", "somatropin"]])  # fmt: skip
def test_a_closed_pipe_on_rich_output_exits_141_quietly(args: list[str]) -> None:
    read, write = os.pipe()
    os.close(read)  # the reader is gone before the first byte
    result = subprocess.run(
        [sys.executable, "-m", "gslookup", *args, "--color", "always"],
        stdout=write, stderr=subprocess.PIPE, timeout=60, check=False,
    )  # fmt: skip
    os.close(write)
    assert result.returncode == 141
    assert result.stderr == b""


@pytest.mark.parametrize("path", commands(), ids=" ".join)
def test_metavars_are_upper_case_words(path: list[str]) -> None:
    usage = run(*path, "--help").stdout.splitlines()[0]
    placeholders = re.findall(r"[\[{]([^\]}]+)[\]}]", usage.split("[OPTIONS]", 1)[1])
    for placeholder in placeholders:
        words = re.split(r"[|.\s]+", placeholder.strip("."))
        assert all(w == w.upper() or w == "-" for w in words if w), usage

"""Shell completion: the scripts, and one candidate per compound with ids first."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gslookup.cli import app
from gslookup.listing import completion_candidates
from gslookup.model import KnowledgeBase


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_prints_the_script(shell: str) -> None:
    result = CliRunner().invoke(app, ["completion", shell])
    assert result.exit_code == 0
    assert "_GSLOOKUP_COMPLETE" in result.stdout and f"complete_{shell}" in result.stdout


def test_an_unknown_shell_is_a_usage_error() -> None:
    assert CliRunner().invoke(app, ["completion", "tcsh"]).exit_code == 2


def complete(words: str) -> list[str]:
    env = {**os.environ, "COMP_WORDS": words, "COMP_CWORD": str(len(words.split()) - 1),
           "_GSLOOKUP_COMPLETE": "complete_bash"}  # fmt: skip
    result = subprocess.run(
        [str(Path(sys.executable).with_name("gslookup"))],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result.stdout.split()


def test_a_tab_after_a_prefix_completes_the_compound() -> None:
    assert complete("gslookup ipa") == ["ipamorelin"]
    assert complete("gslookup show ipa") == ["ipamorelin"]
    assert complete("gslookup li") == ["list"]


def test_one_candidate_per_compound_ids_first(bundled: KnowledgeBase) -> None:
    found = completion_candidates(bundled.compounds.values(), "so")
    ids = [c for c in found if c in bundled.compounds]
    assert found[: len(ids)] == ids == sorted(ids)
    assert len(found) == len({c.casefold() for c in found})
    assert all(" " not in c for c in found)
    assert "somatropin" in ids and "SOM230" in found  # pasireotide's code, not its id
    owners = [next(c.id for c in bundled.compounds.values()
                   if name in (c.id, c.name, *c.aliases))
              for name in found]  # fmt: skip
    assert len(owners) == len(set(owners))

"""`gslookup mcp` without the mcp extra: runs everywhere, with or without the SDK installed."""

from __future__ import annotations

import sys

import pytest
from typer.testing import CliRunner

import gslookup
from gslookup.cli import app


def test_without_the_extra_mcp_says_how_to_install_it_and_exits_2(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # None in sys.modules makes an import fail as if the package were not installed.
    for name in [m for m in sys.modules if m == "mcp" or m.startswith("mcp.")]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "mcp", None)
    monkeypatch.delitem(sys.modules, "gslookup.mcp_server", raising=False)
    monkeypatch.delattr(gslookup, "mcp_server", raising=False)
    result = CliRunner().invoke(app, ["mcp"])
    assert result.exit_code == 2
    assert "pip install 'gslookup[mcp]'" in result.stderr
    assert result.stdout == "" and "Traceback" not in result.output

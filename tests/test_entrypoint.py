from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from gslookup import __version__


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "100"}
    return subprocess.run(
        [sys.executable, "-m", "gslookup", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=60,
        check=False,
    )


def test_python_m_gslookup_from_another_folder(tmp_path: Path) -> None:
    result = run("ipamorelin", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["id"] == "ipamorelin"


def test_version_and_not_found_exit_codes(tmp_path: Path) -> None:
    assert run("--version", cwd=tmp_path).stdout == f"gslookup {__version__}\n"
    missing = run("ipamorlin", cwd=tmp_path)
    assert missing.returncode == 1
    assert "Traceback" not in missing.stderr

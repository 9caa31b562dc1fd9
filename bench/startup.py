"""Start-up budget: the JSON lookup within 2x of the floor, the terminal view within 3.5x.

The floor is a four-line script that parses the same data/compounds.toml with
tomllib and prints the entry with json.dumps. Runs are interleaved and each
target is the median of paired ratios, so the noise of a shared machine cancels.

    python bench/startup.py [--runs 21]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from _common import DATA, gslookup_command, isolated_env, median, run

FLOOR = f"""import json, sys, tomllib
with open({str(DATA)!r}, "rb") as f:
    data = tomllib.load(f)
print(json.dumps(data["compounds"]["ipamorelin"], default=str))
"""
TARGETS = {"json": 2.0, "view": 3.5}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    runs = max(parser.parse_args().runs, 21)
    with tempfile.TemporaryDirectory() as folder:
        env = isolated_env(Path(folder))
        floor_script = Path(folder) / "floor.py"
        floor_script.write_text(FLOOR, encoding="utf-8")
        commands = {
            "floor": [sys.executable, str(floor_script)],
            "json": [*gslookup_command(), "ipamorelin", "--json"],
            "view": [*gslookup_command(), "ipamorelin", "--color", "never"],
        }
        for command in commands.values():
            run(command, env)  # warm the OS file cache and build the index
        times: dict[str, list[float]] = {name: [] for name in commands}
        rss: dict[str, list[int]] = {name: [] for name in commands}
        for _ in range(runs):
            for name, command in commands.items():
                elapsed, peak = run(command, env)
                times[name].append(elapsed)
                rss[name].append(peak)
    failed = False
    print(f"{runs} interleaved runs; medians")
    print(f"{'':8}{'ms':>8}{'ratio':>8}{'target':>8}{'peak MiB':>10}")
    for name in commands:
        ms = median(times[name]) * 1000
        if name == "floor":
            print(f"{name:8}{ms:8.0f}{'1.00':>8}{'':>8}{max(rss[name]):>10}")
            continue
        ratio = median([t / f for t, f in zip(times[name], times["floor"], strict=True)])
        ok = ratio <= TARGETS[name]
        failed |= not ok
        mark = "ok" if ok else "OVER"
        print(f"{name:8}{ms:8.0f}{ratio:8.2f}{TARGETS[name]:7.1f}x{max(rss[name]):>10}  {mark}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

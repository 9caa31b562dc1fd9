"""Scale: lookups against synthetic knowledge bases of 100 to 50,000 compounds.

For each size it prints the first run (which builds the index), the warm run,
the ratio of the warm run to a bundled-only lookup measured in the same loop,
the time to screen 10,000 names with `check -`, and the peak memory of each.
Target: at 10,000 compounds a warm lookup costs at most 2x a bundled-only one,
and the 10,000-name screen takes under 3 s.

    python bench/scale.py [--sizes 100,1000,10000,50000] [--runs 11]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from _common import gslookup_command, isolated_env, median, run

ENTRY = """[compounds.{id}]
name = "Synthetic {n}"
aliases = ["SYN-{n}", "synthetic compound {n} acetate"]
drug_class = "Synthetic benchmark class {group}"
mechanism = "Made-up mechanism for benchmarking."
summary = "A generated entry used only to measure gslookup at scale."
bottom_line = "Not a real compound."
plain_summary = "Not a real medicine."
plain_bottom_line = "Not real."
highest_phase = "preclinical"
routes = ["oral"]
last_reviewed = 2026-11-01
approvals = [
  {{ jurisdiction = "US", agency = "FDA", status = "not-approved", refs = ["synref{n}"] }},
  {{ jurisdiction = "EU", agency = "EMA", status = "not-approved", refs = ["synref{n}"] }},
]
sport = {{ prohibited = false, refs = ["synref{n}"] }}
findings = [{{ text = "Generated finding {n}.", evidence = "animal", refs = ["synref{n}"] }}]
risks = [{{ text = "Generated risk {n}.", refs = ["synref{n}"] }}]

[references.synref{n}]
kind = "research"
title = "Generated reference {n}"
year = 2020
url = "https://example.org/synthetic/{n}"

"""


def generate(path: Path, size: int) -> None:
    with path.open("w", encoding="utf-8") as handle:
        handle.write("schema_version = 1\n\n")
        for n in range(size):
            handle.write(ENTRY.format(id=f"synth-{n:05d}", n=f"{n:05d}", group=n % 50))


def names(size: int, count: int = 10_000) -> bytes:
    rng = random.Random(size)
    picks = [f"SYN-{rng.randrange(size):05d}" if i % 4 else f"unknown-{i}" for i in range(count)]
    return ("\n".join(picks) + "\n").encode()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000,50000")
    parser.add_argument("--runs", type=int, default=11)
    options = parser.parse_args()
    sizes = [int(s) for s in options.sizes.split(",")]
    gslookup = gslookup_command()
    failed = False
    print(f"{'compounds':>10}{'generate s':>12}{'first ms':>10}{'warm ms':>9}{'bundled ms':>12}"
          f"{'ratio':>7}{'check 10k s':>13}{'lookup MiB':>12}{'check MiB':>11}")  # fmt: skip
    for size in sizes:
        with tempfile.TemporaryDirectory() as folder:
            env = isolated_env(Path(folder))
            kb = Path(folder) / "big.toml"
            start = time.perf_counter()
            generate(kb, size)
            generated = time.perf_counter() - start
            target = f"SYN-{size // 2:05d}"
            lookup = [*gslookup, "--kb", str(kb), target, "--json"]
            bundled = [*gslookup, "ipamorelin", "--json"]
            first, _ = run(lookup, env)
            run(bundled, env)
            warm, base, ratios, peaks = [], [], [], []
            for _ in range(options.runs):
                w, peak = run(lookup, env)
                b, _ = run(bundled, env)
                warm.append(w)
                base.append(b)
                ratios.append(w / b)
                peaks.append(peak)
            check_time, check_peak = run([*gslookup, "--kb", str(kb), "check", "-", "--format",
                                          "jsonl"], env, stdin=names(size))  # fmt: skip
            ratio = median(ratios)
            if size == 10_000:
                failed |= ratio > 2.0 or check_time > 3.0
            print(f"{size:>10}{generated:12.1f}{first * 1000:10.0f}{median(warm) * 1000:9.0f}"
                  f"{median(base) * 1000:12.0f}{ratio:7.2f}{check_time:13.2f}{max(peaks):12}"
                  f"{check_peak:11}")  # fmt: skip
    print("targets at 10,000 compounds: warm/bundled <= 2.00, check 10k < 3 s:",
          "ok" if not failed else "MISSED")  # fmt: skip
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

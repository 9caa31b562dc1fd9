"""Label screening: 10,000 lines of label text, against the bundled and a 10,000-compound KB.

The lines mix ingredient lines, blends, product-page sentences and vitamin lines, so most of
them name nothing, as real labels do. Targets: under 1 s against the bundled knowledge base
and under 3 s against 10,000 compounds (the first run there also builds the index, so the
figure that counts is the warm one).

    python bench/labels.py [--lines 10000] [--runs 5]
"""

from __future__ import annotations

import argparse
import random
import tempfile
from pathlib import Path

from _common import gslookup_command, isolated_env, median, run
from scale import generate

LINES = [
    "Ibutamoren Mesylate (MK-677) 25 mg",
    "Ipamorelin/CJC-1295 blend 5mg/5mg",
    "Vitamin C (as ascorbic acid) 500 mg",
    "L-Arginine HCl 3000 mg, L-Ornithine, Glycine",
    "Our best-selling research blend pairs CJC-1295 with Ipamorelin for maximum results.",
    "Creatine Monohydrate 5 g, Caffeine Anhydrous 200 mg",
    "Supports healthy HGH levels naturally",
    "Other ingredients: gelatin, rice flour, magnesium stearate, silicon dioxide.",
    "• Sermorelin 9mg",
    "ipamorlin 2 mg",
]


def label_text(count: int, seed: int) -> bytes:
    rng = random.Random(seed)
    lines = [rng.choice(LINES) + (f" SYN-{rng.randrange(10_000):05d}" if i % 7 == 0 else "")
             for i in range(count)]  # fmt: skip
    return ("\n".join(lines) + "\n").encode()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    gslookup = gslookup_command()
    text = label_text(options.lines, seed=1)
    with tempfile.TemporaryDirectory() as folder:
        env = isolated_env(Path(folder))
        big = Path(folder) / "big.toml"
        generate(big, 10_000)
        plans = {
            "bundled": [*gslookup, "--no-user-kb", "check", "-", "--format", "jsonl"],
            "10k compounds": [*gslookup, "--no-user-kb", "--kb", str(big), "check", "-",
                              "--format", "jsonl"],
        }  # fmt: skip
        targets = {"bundled": 1.0, "10k compounds": 3.0}
        failed = False
        print(f"{'knowledge base':<16}{'first s':>9}{'warm s':>9}{'target':>8}{'peak MiB':>10}")
        for label, command in plans.items():
            first, _ = run(command, env, stdin=text)
            timings = [run(command, env, stdin=text) for _ in range(options.runs)]
            warm = median([t for t, _ in timings])
            peak = max(p for _, p in timings)
            ok = warm < targets[label]
            failed |= not ok
            print(f"{label:<16}{first:9.2f}{warm:9.2f}{targets[label]:7.1f}s{peak:10}"
                  f"  {'ok' if ok else 'MISSED'}")  # fmt: skip
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

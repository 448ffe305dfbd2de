"""The long fuzz run: at least 1,000,000 inputs over every input parser (tests/fuzz/targets.py).

    nice -n 19 .venv/bin/python tests/bench/fuzz_long.py --inputs 1000000 [--seed 1]

Round-robin over the targets, each input a random mutation of a well-formed seed (or random
bytes). Rule per input: only the program's own typed errors, an answer within 5 s. Prints
progress, then one JSON summary: inputs per target, slowest input, findings (the first few
inputs that broke the rule, with their error).
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.fuzz.runner import Finding, random_input, run_one
from tests.fuzz.targets import TARGETS


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", help="run this target only")
    args = parser.parse_args()
    targets = [t for t in TARGETS if not args.only or t.name == args.only]
    # Skipped malformed events are logged as warnings: millions of lines, not findings.
    logging.getLogger("configurator").setLevel(logging.ERROR)
    rng = random.Random(args.seed)
    slowest: dict[str, float] = {t.name: 0.0 for t in targets}
    findings: list[str] = []
    started = time.monotonic()
    for number in range(args.inputs):
        target = targets[number % len(targets)]
        data = random_input(rng, target)
        try:
            took = run_one(target, data)
        except Finding as exc:
            target.inputs += 1
            if len(findings) < 20:
                findings.append(str(exc))
            continue
        slowest[target.name] = max(slowest[target.name], took)
        if number and number % 50_000 == 0:
            print(f"# {number:,} inputs, {time.monotonic() - started:.0f} s, "
                  f"{len(findings)} findings", file=sys.stderr, flush=True)
    summary = {
        "inputs": sum(t.inputs for t in targets),
        "seconds": round(time.monotonic() - started, 1),
        "seed": args.seed,
        "per_target": {t.name: t.inputs for t in targets},
        "slowest_input_ms": {k: round(v * 1000, 2) for k, v in slowest.items()},
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "findings": findings,
    }
    print(json.dumps(summary, indent=2))
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())

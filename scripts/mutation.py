"""Mutation testing of the core modules with mutmut: module names in, a score per module out.

    scripts/mutation.py [--sample N [--offset K]] [--jobs J] [--report] [MODULE ...]

Each module's mutants (small deliberate bugs, one at a time) are run against the tests
configured in pyproject.toml's [tool.mutmut] that exercise the mutated function; a
mutant no test fails on "survived". With `--sample N` only every Nth mutant is tried
(chosen by the last digit of its number, so the same ones each time, spread over every
function); `--offset K` picks another such sample, disjoint from the first (the numbers
ending in a digit d with d % N == K), to measure a module independently. Prints
each module's score, killed / tried, and its survivors (`--report`: of the last run,
without running anything); `mutmut show NAME` shows one.
Run from the repository root (`make mutation`); it works in ./mutants.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

CORE = ("readability", "fit", "load", "fetch", "manifest", "output", "rules", "report", "spanish", "glyphs", "preview")
SAMPLES = (1, 2, 5, 10)  # the strides that a last digit can choose
KILLED = {1, 3, 36, 37, -24, 24, 152, 255}  # failed, errored, timed out, caught by the type checker
SURVIVED = {0, 5, 33}  # the tests passed, or no test ran it


def pattern(module: str, sample: int, offset: int = 0) -> str:
    """Return the mutmut name pattern of every `sample`th mutant of `module`, those numbered `offset` modulo it."""
    if sample == 1:
        return f"handouts.{module}.*"
    digits = "".join(str(d) for d in range(10) if d % sample == offset)
    return f"handouts.{module}.*__mutmut_*[{digits}]"


def results(module: str, sample: int, offset: int = 0) -> tuple[list[str], list[str]]:
    """Return the (killed, survived) mutants of `module` tried in the last run."""
    import fnmatch

    meta = json.loads(Path(f"mutants/src/handouts/{module}.py.meta").read_text())
    chosen = {k: v for k, v in meta["exit_code_by_key"].items()
              if fnmatch.fnmatch(k, pattern(module, sample, offset))}
    return sorted(k for k, v in chosen.items() if v in KILLED), sorted(k for k, v in chosen.items() if v in SURVIVED)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("modules", nargs="*", default=CORE, metavar="MODULE", help="default: " + " ".join(CORE))
    parser.add_argument("--sample", type=int, default=1, choices=SAMPLES, help="try every Nth mutant only")
    parser.add_argument("--offset", type=int, default=0, metavar="K",
                        help="with --sample N: the mutants numbered K modulo N (0 <= K < N; default 0)")
    parser.add_argument("--jobs", type=int, default=1, help="mutants run at once (default 1)")
    parser.add_argument("--report", action="store_true", help="only report the results of the last run")
    args = parser.parse_args()
    if not 0 <= args.offset < args.sample:
        parser.error(f"--offset must be at least 0 and below --sample ({args.sample})")
    mutmut = str(Path(sys.executable).parent / "mutmut")
    link = Path("mutants/src/handouts/templates")  # mutmut copies files, not the checkout's link to templates/
    link.parent.mkdir(parents=True, exist_ok=True)
    if not link.is_symlink():
        link.symlink_to(Path("../../templates"), target_is_directory=True)
    lines = []
    for module in args.modules:
        if not args.report:
            chosen = pattern(module, args.sample, args.offset)
            run = subprocess.run([mutmut, "run", "--max-children", str(args.jobs), chosen],
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            if run.returncode:
                print(run.stdout[-3000:], f"mutmut failed on {module} (exit {run.returncode})", sep="\n")
                return 1
        killed, survived = results(module, args.sample, args.offset)
        tried = len(killed) + len(survived)
        score = 100 * len(killed) / tried if tried else 100.0
        sample = f" (1 in {args.sample}, offset {args.offset})" if args.sample > 1 else ""
        lines.append(f"{module:12} {score:5.1f}%  {len(killed)}/{tried} killed{sample}")
        print(lines[-1], *(f"  survived: {name}" for name in survived), sep="\n", flush=True)
    print("\n".join(["", *lines]))
    return 0


if __name__ == "__main__":
    sys.exit(main())

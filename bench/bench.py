"""Benchmark batch builds: generated topics in, a table of timings and memory out.

Generates N topics from content.yaml (different titles, a varying choice and number of
sections and points, so handouts run from one to several pages), then times real
`handouts build` runs in new processes:

    .venv/bin/python bench/bench.py                 # the full table (N=100 and N=1000)
    .venv/bin/python bench/bench.py --big 300       # a smaller "large" library
    .venv/bin/python bench/bench.py --only-big --big 1000 --big-sections 1   # short topics only

This is a script, not a test: timings depend on the machine and its load. Peak memory
is the largest sum of the resident memory of the build process and its workers,
sampled from /proc every 50 ms (Linux only).
"""

from __future__ import annotations

import argparse
import copy
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
HANDOUTS = [sys.executable, "-m", "handouts"]


def generate(folder: Path, count: int, base: dict, most: int = 0) -> Path:
    """Write `count` varied topics made from `base` into `folder`; return the folder.

    Topic i keeps 1 + i % S of the S sections (at most `most`, when given).
    """
    folder.mkdir(parents=True, exist_ok=True)
    if base.get("brand"):  # a relative brand file (and the logo beside it) must come along
        brand = Path(base["brand"]).parent
        shutil.copytree(ROOT / brand, folder / brand, dirs_exist_ok=True)
    sections = base["sections"]
    for i in range(count):
        topic = copy.deepcopy(base)
        topic["title"] = f"{base['title']} ({i + 1})"
        keep = min(1 + i % len(sections), most or len(sections))
        topic["sections"] = [copy.deepcopy(sections[(i + j) % len(sections)]) for j in range(keep)]
        for j, section in enumerate(topic["sections"]):
            section["heading"] = f"{section['heading']} {j + 1}"
            if i % 3 == 0:  # every third topic is longer: each point said twice
                section["points"] = section["points"] + [f"In other words: {p}" for p in section["points"]]
        topic["main_message"] = f"{base['main_message']} This is handout {i + 1}."
        (folder / f"topic-{i:04d}.yaml").write_text(yaml.safe_dump(topic, sort_keys=False, allow_unicode=True))
    return folder


def tree_rss(pid: int) -> int:
    """Return the resident memory in bytes of process `pid` and all its descendants."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
            rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += rss.get(current, 0)
        todo += children.get(current, [])
    return total


def timed(argv: list[str], *, cwd: Path, sample: bool = False) -> tuple[float, int]:
    """Run `argv`; return (seconds, peak resident bytes of its process tree, 0 unless `sample`)."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    if sample:
        def watch():
            nonlocal peak
            while process.poll() is None:
                peak = max(peak, tree_rss(process.pid))
                time.sleep(0.05)
        watcher = threading.Thread(target=watch)
        watcher.start()
    _, err = process.communicate()
    seconds = time.perf_counter() - started
    if sample:
        watcher.join()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, argv))} failed:\n{err.decode()}")
    return seconds, peak


def warm_per_topic(folder: Path, count: int) -> float:
    """Return the mean seconds to render one topic in a process that already rendered one."""
    code = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from handouts.build import render_topic\n"
        "from handouts.load import load\n"
        f"files = sorted(Path({str(folder)!r}).glob('*.yaml'))[:{count + 1}]\n"
        "render_topic(load(files[0]))\n"
        "start = time.perf_counter()\n"
        "for f in files[1:]:\n"
        "    render_topic(load(f))\n"
        "print((time.perf_counter() - start) / (len(files) - 1))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(result.stdout)


def small(args, base: dict, work: Path, row) -> None:
    """Time one topic cold and warm, then an N-topic batch: jobs 1 and 2, one change, no change."""
    topics = generate(work / "topics", args.n, base)
    single = topics / "topic-0000.yaml"
    colds = [timed([*HANDOUTS, "build", str(single), "--out", str(work / "single"), "--force"], cwd=work)[0]
             for _ in range(3)]
    cold = statistics.median(colds)
    row("cold single-topic build (new process, median of 3)", f"{cold:.2f} s")
    row("warm per-topic render (one process, 20 topics)", f"{warm_per_topic(topics, 20):.3f} s")
    batch = {}
    for jobs in (1, 2):
        seconds, peak = timed([*HANDOUTS, "build", "topics", "--out", f"out-j{jobs}", "--jobs", str(jobs),
                               "--quiet"], cwd=work, sample=True)
        batch[jobs] = seconds
        row(f"N={args.n} batch, --jobs {jobs}", f"{seconds:.1f} s ({seconds / args.n:.3f} s/topic)",
            f"peak RSS {peak / 2**20:.0f} MB; load average after: {os.getloadavg()[0]:.1f}")
    row("speed-up --jobs 2 over --jobs 1", f"{batch[1] / batch[2]:.2f}x")
    changed = topics / f"topic-{args.n // 2:04d}.yaml"
    changed.write_text(changed.read_text().replace("This is handout", "This is, after an edit, handout"))
    seconds, _ = timed([*HANDOUTS, "build", "topics", "--out", "out-j2", "--quiet"], cwd=work)
    row(f"rebuild after 1 of {args.n} topics changed", f"{seconds:.2f} s", f"({seconds / cold:.2f}x cold)")
    seconds, _ = timed([*HANDOUTS, "build", "topics", "--out", "out-j2", "--quiet"], cwd=work)
    row(f"no-op rebuild, N={args.n}", f"{seconds:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100, help="topics in the batch timings (default 100)")
    parser.add_argument("--big", type=int, nargs="+", default=[1000],
                        help="library sizes for the no-op rebuild and peak memory (default 1000)")
    parser.add_argument("--big-sections", type=int, default=0, metavar="S",
                        help="give the large libraries' topics at most S sections (shorter handouts)")
    parser.add_argument("--only-big", action="store_true", help="skip the single-topic and N-topic rows")
    parser.add_argument("--keep", action="store_true", help="keep the generated folder")
    args = parser.parse_args()
    base = yaml.safe_load((ROOT / "content.yaml").read_text())
    work = Path(tempfile.mkdtemp(prefix="handouts-bench-"))
    rows = []

    def row(what: str, value: str, note: str = "") -> None:
        rows.append((what, value, note))
        print(f"  {what}: {value} {note}", file=sys.stderr, flush=True)

    try:
        if not args.only_big:
            small(args, base, work, row)
        for big in args.big:
            library = generate(work / f"topics-{big}", big, base, args.big_sections)
            label = f"N={big}" + (f" (at most {args.big_sections} sections each)" if args.big_sections else "")
            seconds, peak = timed([*HANDOUTS, "build", library.name, "--out", f"out-{big}", "--jobs", "2",
                                   "--quiet"], cwd=work, sample=True)
            row(f"{label} batch, --jobs 2", f"{seconds:.1f} s ({seconds / big:.3f} s/topic)",
                f"peak RSS {peak / 2**20:.0f} MB; load average after: {os.getloadavg()[0]:.1f}")
            noop = [timed([*HANDOUTS, "build", library.name, "--out", f"out-{big}", "--quiet"], cwd=work)[0]
                    for _ in range(3)]
            row(f"no-op rebuild, {label} (median of 3)", f"{statistics.median(noop):.2f} s")
    finally:
        if args.keep:
            print(f"kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    cpus = os.cpu_count()
    print(f"\nmachine: {platform.platform()}, {cpus} cores, Python {platform.python_version()}, "
          f"load average {os.getloadavg()[0]:.1f}\n")
    width = max(len(r[0]) for r in rows)
    print(f"| {'measure'.ljust(width)} | result | note |")
    print(f"| {'-' * width} | --- | --- |")
    for what, value, note in rows:
        print(f"| {what.ljust(width)} | {value} | {note} |")


if __name__ == "__main__":
    main()

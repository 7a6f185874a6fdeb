"""Benchmark builds: generated topics in, a table of timings, memory and ratios out.

Times `python -c "import weasyprint"` as the yardstick, then real `handouts` runs in new
processes: a cold one-topic build (with the default jobs, and with --jobs 1) and `check`
of the demo, a warm worker's CPU per topic, an N-topic batch at --jobs 1 and 2, one
changed topic, no-op rebuilds (and whether they import WeasyPrint) and the peak memory
of a large library at --jobs 2. It ends with the issue's targets as ratios taken in this
one run, each with the load average while it was measured:

    .venv/bin/python bench/bench.py                       # N=24, then 1000 short topics
    .venv/bin/python bench/bench.py --n 100 --big 300     # other sizes
    .venv/bin/python bench/bench.py --big                 # skip the large library

The package is compiled to bytecode first, as a wheel's installation does.
Generated topics come from content.yaml (different titles, a varying choice and number
of sections and points, so handouts run from one to several pages). This is a script,
not a test: timings depend on the machine and its load. Peak memory is the largest sum
of the resident memory of the build process and its workers, sampled from /proc every
50 ms (Linux only).
"""

from __future__ import annotations

import argparse
import copy
import os
import platform
import resource
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


CPU = [0.0]
"""CPU seconds (user and system) of the last command `timed` ran, with every process it waited for."""


def timed(argv: list[str], *, cwd: Path, sample: bool = False) -> tuple[float, int]:
    """Run `argv`; return (seconds, peak resident bytes of its process tree, 0 unless `sample`).

    Its CPU seconds are left in CPU[0].
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
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
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU[0] = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    if sample:
        watcher.join()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, argv))} failed:\n{err.decode()}")
    return seconds, peak


def median_of(runs: int, argv: list[str], *, cwd: Path) -> tuple[float, float, float]:
    """Run `argv` `runs` times; return the median seconds, median CPU seconds and the load average."""
    seconds, cpu = [], []
    for _ in range(runs):
        seconds.append(timed(argv, cwd=cwd)[0])
        cpu.append(CPU[0])
    return statistics.median(seconds), statistics.median(cpu), os.getloadavg()[0]


def warm_per_topic(folder: Path, count: int) -> tuple[float, float]:
    """Return the mean (seconds, CPU seconds) to build one topic in a process that already built one.

    The topics are built as a batch worker builds them: checked, rendered, written.
    """
    code = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from handouts.batch import Topic, build_one\n"
        "from handouts.build import BuildOptions\n"
        f"files = sorted(Path({str(folder)!r}).glob('*.yaml'))[:{count + 1}]\n"
        f"out, options = Path({str(folder.parent / 'warm')!r}), BuildOptions(project=files[0].parent)\n"
        "build_one(Topic(files[0], files[0].stem), out, options, False)\n"
        "start, cpu = time.perf_counter(), time.process_time()\n"
        "for f in files[1:]:\n"
        "    assert build_one(Topic(f, f.stem), out, options, False).ok\n"
        "n = len(files) - 1\n"
        "print((time.perf_counter() - start) / n, (time.process_time() - cpu) / n)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    wall, cpu = result.stdout.split()
    return float(wall), float(cpu)


def imports_weasyprint(argv: list[str], *, cwd: Path) -> bool:
    """Return whether running `argv` (a Python command) imports WeasyPrint."""
    result = subprocess.run([argv[0], "-X", "importtime", *argv[1:]], cwd=cwd, capture_output=True, text=True)
    return any(line.rstrip().endswith(" weasyprint") for line in result.stderr.splitlines())


def compile_package() -> None:
    """Compile the package's modules to bytecode, as installing a wheel does.

    The yardstick's modules were compiled when they were installed; ours, in a checkout,
    may not be (`PYTHONDONTWRITEBYTECODE`, or files edited since), and compiling them in
    every timed run would add tens of milliseconds that an installed tool never pays.
    """
    import handouts

    subprocess.run([sys.executable, "-m", "compileall", "-q", *handouts.__path__], check=True)


def small(args, base: dict, work: Path, row, ratio) -> None:
    """Time the yardstick, one topic cold and warm, `check`, then an N-topic batch and rebuilds."""
    topics = generate(work / "topics", args.n, base)
    demo = work / "demo" / "content.yaml"  # the demo article, with the brand folder it names
    demo.parent.mkdir()
    shutil.copyfile(ROOT / "content.yaml", demo)
    if base.get("brand"):
        brand = Path(base["brand"]).parent
        shutil.copytree(ROOT / brand, demo.parent / brand)
    runs = args.runs
    yardstick, yardstick_cpu, load = median_of(runs, [sys.executable, "-c", "import weasyprint"], cwd=work)
    row(f"python -c 'import weasyprint' (median of {runs})", f"{yardstick:.2f} s, {yardstick_cpu:.2f} s CPU",
        f"load {load:.1f}")
    cold, cpu, load = median_of(runs, [*HANDOUTS, "build", str(demo), "--out", "single", "--force"], cwd=work)
    row(f"cold build of the demo topic (median of {runs})", f"{cold:.2f} s, {cpu:.2f} s CPU",
        f"load {load:.1f}; CPU {cpu / yardstick_cpu:.2f}x the import's")
    ratio("cold one-topic build / import weasyprint", cold / yardstick, "<= 2.5", cold / yardstick <= 2.5, load)
    serial, cpu, load = median_of(runs, [*HANDOUTS, "build", str(demo), "--out", "single", "--force",
                                         "--jobs", "1"], cwd=work)
    row(f"cold build of the demo topic, --jobs 1 (median of {runs})", f"{serial:.2f} s, {cpu:.2f} s CPU",
        f"load {load:.1f}; {serial / cold:.2f}x the default's time")
    check, cpu, load = median_of(runs, [*HANDOUTS, "check", str(demo)], cwd=work)
    row(f"check of the demo topic (median of {runs})", f"{check:.2f} s, {cpu:.2f} s CPU",
        f"load {load:.1f}; CPU {cpu / yardstick_cpu:.2f}x the import's")
    ratio("check one topic / import weasyprint", check / yardstick, "<= 0.5", check / yardstick <= 0.5, load)
    wall, cpu = warm_per_topic(topics, args.warm)
    load = os.getloadavg()[0]
    row(f"warm worker, per topic ({args.warm} topics)", f"{wall:.3f} s, {cpu:.3f} s CPU", f"load {load:.1f}")
    ratio("warm worker CPU per topic (s)", cpu, "<= 0.3", cpu <= 0.3, load)
    batch = {}
    for jobs in (1, 2):
        seconds, peak = timed([*HANDOUTS, "build", "topics", "--out", f"out-j{jobs}", "--jobs", str(jobs),
                               "--quiet"], cwd=work, sample=True)
        batch[jobs] = seconds
        cpu = f", {CPU[0] / args.n:.3f} s CPU/topic" if jobs == 1 else ""  # pool workers' CPU goes uncounted
        row(f"N={args.n} batch, --jobs {jobs}", f"{seconds:.1f} s ({seconds / args.n:.3f} s/topic){cpu}",
            f"peak RSS {peak / 2**20:.0f} MB; load {os.getloadavg()[0]:.1f}")
    speedup = batch[1] / batch[2]
    ratio(f"N={args.n}: --jobs 1 time / --jobs 2 time", speedup, ">= 1.8", speedup >= 1.8, os.getloadavg()[0])
    changed = topics / f"topic-{args.n // 2:04d}.yaml"
    changed.write_text(changed.read_text().replace("This is handout", "This is, after an edit, handout"))
    seconds, _ = timed([*HANDOUTS, "build", "topics", "--out", "out-j2", "--quiet"], cwd=work)
    row(f"rebuild after 1 of {args.n} topics changed", f"{seconds:.2f} s", f"({seconds / cold:.2f}x cold)")
    ratio(f"1 of {args.n} changed / cold one-topic build", seconds / cold, "<= 1.2", seconds / cold <= 1.2,
          os.getloadavg()[0])
    seconds, _ = timed([*HANDOUTS, "build", "topics", "--out", "out-j2", "--quiet"], cwd=work)
    row(f"no-op rebuild, N={args.n}", f"{seconds:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=24, help="topics in the batch timings (default 24)")
    parser.add_argument("--runs", type=int, default=5, help="runs of each one-topic timing (default 5)")
    parser.add_argument("--warm", type=int, default=20, help="topics a warm worker builds (default 20)")
    parser.add_argument("--big", type=int, nargs="*", default=[1000],
                        help="library sizes for the no-op rebuild and peak memory (default 1000; none: skip)")
    parser.add_argument("--big-sections", type=int, default=1, metavar="S",
                        help="give the large libraries' topics at most S sections (default 1; 0: all)")
    parser.add_argument("--only-big", action="store_true", help="skip the single-topic and N-topic rows")
    parser.add_argument("--keep", action="store_true", help="keep the generated folder")
    args = parser.parse_args()
    base = yaml.safe_load((ROOT / "content.yaml").read_text())
    work = Path(tempfile.mkdtemp(prefix="handouts-bench-"))
    rows, ratios = [], []
    compile_package()

    def row(what: str, value: str, note: str = "") -> None:
        rows.append((what, value, note))
        print(f"  {what}: {value} {note}", file=sys.stderr, flush=True)

    def ratio(what: str, value: float, target: str, met: bool, load: float) -> None:
        ratios.append((what, f"{value:.2f}", target, "met" if met else "NOT met", f"{load:.1f}"))

    try:
        if not args.only_big:
            small(args, base, work, row, ratio)
        for big in args.big:
            library = generate(work / f"topics-{big}", big, base, args.big_sections)
            label = f"N={big}" + (f" (at most {args.big_sections} section{'s' if args.big_sections != 1 else ''} each)"
                                  if args.big_sections else "")
            seconds, peak = timed([*HANDOUTS, "build", library.name, "--out", f"out-{big}", "--jobs", "2",
                                   "--quiet"], cwd=work, sample=True)
            row(f"{label} batch, --jobs 2", f"{seconds:.1f} s ({seconds / big:.3f} s/topic)",
                f"peak RSS {peak / 2**20:.0f} MB; load average after: {os.getloadavg()[0]:.1f}")
            ratio(f"N={big}, --jobs 2: peak RSS of the process tree (MB)", peak / 2**20, "< 400",
                  peak / 2**20 < 400, os.getloadavg()[0])
            noop_argv = [*HANDOUTS, "build", library.name, "--out", f"out-{big}", "--quiet"]
            noop = statistics.median(timed(noop_argv, cwd=work)[0] for _ in range(3))
            heavy = imports_weasyprint(noop_argv, cwd=work)
            row(f"no-op rebuild, {label} (median of 3)", f"{noop:.2f} s",
                "imports WeasyPrint" if heavy else "WeasyPrint not imported")
            ratio(f"N={big}: no-op rebuild (s), without WeasyPrint", noop, "< 1", noop < 1 and not heavy,
                  os.getloadavg()[0])
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
    if ratios:
        print("\n| target | this run | wanted | | load average |")
        print("| --- | --- | --- | --- | --- |")
        for line in ratios:
            print("| " + " | ".join(line) + " |")


if __name__ == "__main__":
    main()

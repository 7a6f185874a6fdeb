"""Benchmark `handouts serve`: saves of the demo topic in, how long until each part of the preview is new, out.

Copies the demo project (handouts.yaml, content.yaml, brand/) into a temporary folder,
starts `handouts serve` on a free port, waits for the first preview, then saves a new
title N times and polls the server's state every 10 ms to time, from the save:

- handout: the standard handout's page images are the new build's;
- large print: the large-print page images are;
- deck: the deck's slides (as text) are;
- slide images: LibreOffice has drawn the new deck's slides.

It also times the two ways `serve` can draw slides: LibreOffice started anew to convert
the demo deck to PDF (as without python3-uno), and the deck drawn as images by a
LibreOffice kept running (through python3-uno, as `serve` does where it can).

    .venv/bin/python bench/serve.py            # 10 saves
    .venv/bin/python bench/serve.py --saves 20

This is a script, not a test: timings depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TITLE = re.compile(r'^title: .*$', re.MULTILINE)


def state(url: str) -> dict:
    with urllib.request.urlopen(url + "state", timeout=30) as response:
        return json.load(response)


def timed_saves(url: str, content: Path, saves: int) -> dict[str, list[float]]:
    """Return, for each part of the preview, the seconds from each save until it showed the save."""
    times: dict[str, list[float]] = {"handout": [], "large print": [], "deck": [], "slide images": []}
    last = _build(state(url))
    for n in range(saves):
        title = f"Leaky gut: save {n + 1}"
        content.write_text(TITLE.sub(f'title: "{title}"', content.read_text(), count=1))
        saved = time.perf_counter()
        seen: dict[str, float] = {}
        while len(seen) < 4:
            s = state(url)
            build = _build(s)
            if s.get("title") == title and build != last:
                prefix = f"/files/{build}/"
                now = time.perf_counter() - saved
                seen.setdefault("handout", now)
                if (s["pages"].get("large") or [{"src": ""}])[0]["src"].startswith(prefix):
                    seen.setdefault("large print", now)
                if (s.get("pptx") or "").startswith(prefix):
                    seen.setdefault("deck", now)
                    if s["slide_images"] == "ready":
                        seen.setdefault("slide images", now)
                    elif s["slide_images"].startswith("unavailable"):
                        seen.setdefault("slide images", float("nan"))
            if time.perf_counter() - saved > 120:
                raise SystemExit(f"save {n + 1}: no new preview after 120 s; state: {json.dumps(s)[:500]}")
            time.sleep(0.01)
        last = build
        for part, seconds in seen.items():
            times[part].append(seconds)
        print(f"save {n + 1}: " + ", ".join(f"{k} {v:.2f} s" for k, v in seen.items()), flush=True)
    return times


def _build(s: dict) -> str:
    """Return the name of the build whose handout pages `s` shows (the folder in their addresses)."""
    src = (s.get("pages", {}).get("standard") or [{"src": "/files//"}])[0]["src"]
    return src.split("/")[2]


def office_alone(deck: Path, runs: int = 3) -> list[float]:
    """Return the seconds LibreOffice takes to convert `deck` to PDF, a new process each run."""
    program = shutil.which("soffice")
    if not program:
        return []
    seconds = []
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run([program, f"-env:UserInstallation={Path(folder, 'profile').as_uri()}", "--headless",
                            "--convert-to", "pdf", "--outdir", folder, str(deck)], capture_output=True, check=True)
            seconds.append(time.perf_counter() - started)
    return seconds


def stages(project: Path, runs: int = 5) -> dict[str, list[float]]:
    """Return the seconds each step of the standard handout's preview takes in a warm process."""
    from handouts import preview, rules
    from handouts.build import BuildOptions
    from handouts.config import load_config
    from handouts.load import load

    config = load_config(project / "handouts.yaml")
    options = BuildOptions(brand=config.resolve(config.brand) if config.brand else None, check=config.check,
                           look=config.look(), project=config.root.resolve())
    times: dict[str, list[float]] = {"load": [], "check and mark": [], "PDF (WeasyPrint)": [], "page images": []}
    with tempfile.TemporaryDirectory() as folder:
        for n in range(runs + 1):  # the first warms the process up and is not counted
            marks = [time.perf_counter()]
            loaded = load(project / "content.yaml", brand=options.brand)
            marks.append(time.perf_counter())
            preview.marked_text(loaded, rules.check(loaded, options.check))
            marks.append(time.perf_counter())
            pdf = preview.handout_pdf(loaded, options, large=False)
            marks.append(time.perf_counter())
            preview.page_images(pdf, Path(folder), "page")
            marks.append(time.perf_counter())
            if n:
                for step, (a, b) in zip(times, zip(marks, marks[1:])):
                    times[step].append(b - a)
    return times


def office_warm(deck: Path, runs: int = 3) -> list[float]:
    """Return the seconds `serve`'s slide renderer takes to draw `deck` as images once LibreOffice is running."""
    from handouts.preview import SlideRenderer

    seconds = []
    with tempfile.TemporaryDirectory() as folder:
        renderer = SlideRenderer(Path(folder))
        try:
            while renderer.method == "cold" and renderer._thread.is_alive() and renderer._uno is None:
                time.sleep(0.1)  # it is still looking for LibreOffice's Python bridge
            if renderer.method != "warm":
                return []
            renderer.render(deck.read_bytes(), Path(folder) / "first")  # waits for LibreOffice to start
            for n in range(runs):
                started = time.perf_counter()
                assert renderer.render(deck.read_bytes(), Path(folder) / str(n))
                seconds.append(time.perf_counter() - started)
        finally:
            renderer.stop()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--saves", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        project = Path(folder)
        for name in ("handouts.yaml", "content.yaml"):
            shutil.copy(ROOT / name, project / name)
        shutil.copytree(ROOT / "brand", project / "brand")
        (project / "tmp").mkdir()
        server = subprocess.Popen([sys.executable, "-m", "handouts", "serve", "content.yaml", "--port", "0"],
                                  cwd=project, stdout=subprocess.PIPE, text=True,
                                  env={**os.environ, "PYTHONUNBUFFERED": "1", "TMPDIR": str(project / "tmp")})
        try:
            started = time.perf_counter()
            url = re.search(r"http://\S+/", server.stdout.readline()).group()
            while not (state(url).get("slide_images") == "ready"):
                time.sleep(0.05)
            print(f"first preview with slide images: {time.perf_counter() - started:.2f} s after start", flush=True)
            deck = next(p for p in (project / "tmp").glob("handouts-serve-*/b*/slides.pptx"))
            shutil.copy(deck, project / "deck.pptx")
            times = timed_saves(url, project / "content.yaml", args.saves)
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(timeout=60)
        alone = office_alone(project / "deck.pptx")
        warm = office_warm(project / "deck.pptx")
        steps = stages(project)
    print("\n| step of the standard handout, in one warm process | median |")
    print("| --- | --- |")
    for step, seconds in steps.items():
        print(f"| {step} | {statistics.median(seconds):.3f} s |")
    print(f"\nload average: {os.getloadavg()[0]:.1f}, cores: {os.cpu_count()}")
    print("| from a save until the preview shows | median | slowest |")
    print("| --- | --- | --- |")
    for part, seconds in times.items():
        print(f"| {part} | {statistics.median(seconds):.2f} s | {max(seconds):.2f} s |")
    if alone:
        print(f"| (LibreOffice alone: deck to PDF, new process) | {statistics.median(alone):.2f} s "
              f"| {max(alone):.2f} s |")
    if warm:
        print(f"| (deck to slide images, LibreOffice kept running) | {statistics.median(warm):.2f} s "
              f"| {max(warm):.2f} s |")


if __name__ == "__main__":
    main()

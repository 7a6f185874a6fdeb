"""Report a build's progress: events from `batch.py` in, lines or a progress bar out.

On a terminal a `Reporter` keeps one bar on the error stream (topics done, failed,
skipped, elapsed time, ETA), never wider than the terminal and redrawn every second so
its clock moves between topics, and prints only failures and warnings above it. Elsewhere
(CI logs, pipes) it prints one plain line per topic instead. Failures are always
printed; `quiet` hides everything else, `verbose` adds skipped topics and timings.
A single topic written straight into the output folder keeps the one-topic style:
a `wrote PATH` line per file.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from typing import TextIO

TICK = 1.0
"""Seconds between redraws of the bar while no topic finishes."""


def _clock(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds), 60)
    return f"{minutes}:{seconds:02d}"


class Reporter:
    """Turn build events into output for a person or a log."""

    def __init__(self, out: TextIO, err: TextIO, *, quiet: bool = False, verbose: bool = False,
                 bar: bool | None = None, single: bool = False):
        self.out, self.err = out, err
        self.quiet, self.verbose, self.single = quiet, verbose, single
        self.bar = (not quiet and err.isatty()) if bar is None else bar
        self.started = time.monotonic()
        self.total = self.to_build = self.built = self.failed = self.skips = self.removals = 0
        self._drawn = 0.0
        self._showing = False
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    def _print(self, text: str, stream: TextIO | None = None) -> None:
        stream = stream or self.out
        with self._lock:
            if self._showing:
                self.err.write("\r\x1b[K")
                self._showing = False
            print(text, file=stream, flush=True)
            self._draw(force=True)

    def _tick(self) -> None:
        while not self._stop.wait(TICK):
            self._draw(force=True)

    def line(self, text: str) -> None:
        """Print `text` whatever the verbosity (e.g. what `--check` found)."""
        self._print(text)

    def warn(self, text: str) -> None:
        if not self.quiet:
            self._print(text, self.err)

    def skipped(self, topic) -> None:
        self.skips += 1
        if self.verbose:
            self._print(f"up to date: {topic.path}")

    def removed(self, where: str, content: str | None) -> None:
        self.removals += 1
        if not self.quiet:
            self._print(f"removed {where} ({content} no longer exists)")

    def start(self, total: int, to_build: int) -> None:
        self.total, self.to_build = total, to_build
        if self.single and to_build == 0 and not self.quiet and not self.verbose:
            self._print("up to date: nothing changed since the last build (--force rebuilds)")
        self._draw(force=True)
        if self.bar and to_build and self._ticker is None:
            self._ticker = threading.Thread(target=self._tick, daemon=True)
            self._ticker.start()

    def done(self, outcome, out) -> None:
        """Report one topic built or failed."""
        for message in outcome.errors:
            self._print(message, self.err)
        if outcome.detail and self.verbose:
            self._print(outcome.detail.rstrip(), self.err)
        if not self.quiet:
            for message in outcome.warnings:
                self._print(message, self.err)
        if outcome.ok:
            self.built += 1
            timing = f" ({outcome.seconds:.2f}s)" if self.verbose else ""
            if self.single and not self.quiet:  # a single topic is written straight into `out`
                for name in outcome.outputs:
                    self._print(f"wrote {out / name}{timing}")
            elif not self.quiet and (not self.bar or self.verbose):
                self._print(f"built {outcome.topic.path} -> {out / outcome.topic.folder}/{timing}")
        else:
            self.failed += 1
            if not self.quiet and not self.single:
                self._print(f"failed: {outcome.topic.path}", self.err)
        self._draw(force=self.built + self.failed == self.to_build)  # the last one is always shown

    def finish(self) -> None:
        """Clear the bar and print the totals."""
        self._stop.set()
        with self._lock:
            if self._showing:
                self.err.write("\r\x1b[K")
                self.err.flush()
                self._showing = False
            self.bar = False
        if self.quiet or self.single:
            return
        elapsed = time.monotonic() - self.started
        parts = [f"{self.built} built", f"{self.skips} up to date", f"{self.failed} failed"]
        if self.removals:
            parts.append(f"{self.removals} removed")
        plural = "s" if self.total != 1 else ""
        self._print(f"{self.total} topic{plural}: {', '.join(parts)} in {elapsed:.1f}s")

    def _draw(self, force: bool = False) -> None:
        with self._lock:
            now = time.monotonic()
            if not self.bar or (not force and now - self._drawn < 0.1):
                return
            self._drawn = now
            self.err.write("\r" + self.bar_text(now, self._columns()) + "\x1b[K")
            self.err.flush()
            self._showing = True

    def _columns(self) -> int:
        try:
            return os.get_terminal_size(self.err.fileno()).columns
        except (AttributeError, OSError, ValueError):
            return shutil.get_terminal_size().columns

    def bar_text(self, now: float, columns: int) -> str:
        """Return the bar as one line of at most `columns - 1` characters, so that it never wraps."""
        finished = self.built + self.failed
        elapsed = now - self.started
        eta = "--:--" if not finished else _clock(elapsed / finished * (self.to_build - finished))
        counts = f" {finished + self.skips}/{self.total}"
        parts = [f"  built {self.built}", f"  failed {self.failed}", f"  skipped {self.skips}",
                 f"  {_clock(elapsed)}", f" ETA {eta}"]
        room = columns - 1
        while parts and len(counts) + 12 + sum(map(len, parts)) > room:
            parts.pop(2 if len(parts) > 3 else -1)  # drop skipped, the clock, ETA, failed, built
        width = max(0, min(24, room - len(counts) - sum(map(len, parts)) - 2))
        filled = width * (finished + self.skips) // max(self.total, 1)
        bar = f"[{'#' * filled}{'.' * (width - filled)}]" if width >= 4 else ""
        return (bar + counts + "".join(parts))[:room]

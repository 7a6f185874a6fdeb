"""The progress bar: never wider than the terminal, and its clock moves between topics."""

from __future__ import annotations

import io
import threading
import time

from handouts import progress
from handouts.progress import Reporter


class Terminal(io.StringIO):
    def __init__(self):
        super().__init__()
        self.writes = threading.Semaphore(0)

    def isatty(self):
        return True

    def write(self, text):
        self.writes.release()
        return super().write(text)


class DescribeTheBar:
    def it_never_fills_the_last_column_so_a_redraw_cannot_wrap(self):
        reporter = Reporter(io.StringIO(), io.StringIO(), bar=True)
        reporter.total, reporter.to_build, reporter.built, reporter.failed, reporter.skips = 1000, 990, 400, 12, 10
        for columns in (200, 80, 79, 60, 40, 25, 12, 5):
            text = reporter.bar_text(time.monotonic() + 3725, columns)
            assert len(text) <= columns - 1, (columns, text)
        wide = reporter.bar_text(reporter.started + 3725.5, 200)
        assert "built 400" in wide and "failed 12" in wide and "skipped 10" in wide and "62:05" in wide

    def it_keeps_the_most_useful_counts_when_narrow(self):
        reporter = Reporter(io.StringIO(), io.StringIO(), bar=True)
        reporter.total, reporter.to_build, reporter.built = 24, 24, 3
        text = reporter.bar_text(time.monotonic(), 40)
        assert "3/24" in text and "built 3" in text

    def it_redraws_every_tick_while_no_topic_finishes(self, monkeypatch):
        monkeypatch.setattr(progress, "TICK", 0.01)
        terminal = Terminal()
        reporter = Reporter(io.StringIO(), terminal, bar=True)
        reporter.start(total=2, to_build=2)
        for _ in range(4):  # the first draw comes from start(); the others only from the ticker
            assert terminal.writes.acquire(timeout=5)
        reporter.finish()
        assert terminal.getvalue().count("0/2") >= 3

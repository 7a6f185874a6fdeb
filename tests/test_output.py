"""Writing outputs: a failed write is reported and leaves the old file; outputs are world-readable.

Faults are injected deterministically at each step of a write (the data, the flush, the
sync, the permissions, the rename), as an I/O error and as Ctrl-C, so every way a write
can stop is tried on every run.
"""

from __future__ import annotations

import os
import stat
import tempfile
import time

import pytest

from handouts import output
from handouts.output import STALE_SECONDS, UnsafeOutput, output_path, sweep, write_atomic


class _FailingFile:
    """A file object whose `step` ("write" or "flush") raises `error`."""

    def __init__(self, handle, step: str, error: BaseException):
        self.handle, self.step, self.error = handle, step, error

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.handle.close()

    def fileno(self):
        return self.handle.fileno()

    def write(self, data):
        if self.step == "write":
            self.handle.write(data[: len(data) // 2])  # part of it reached the file
            raise self.error
        return self.handle.write(data)

    def flush(self):
        if self.step == "flush":
            raise self.error
        return self.handle.flush()


STEPS = ["write", "flush", "fsync", "chmod", "replace"]
ERRORS = [OSError(28, "No space left on device"), KeyboardInterrupt()]


def _inject(monkeypatch, step: str, error: BaseException) -> None:
    def fail(*args, **kwargs):
        raise error

    if step in ("write", "flush"):
        real = os.fdopen
        monkeypatch.setattr(output.os, "fdopen", lambda fd, *a, **k: _FailingFile(real(fd, *a, **k), step, error))
    else:
        monkeypatch.setattr(output.os, step, fail)


class DescribeAFailedWrite:
    @pytest.mark.parametrize("error", ERRORS, ids=["disk-full", "ctrl-c"])
    @pytest.mark.parametrize("step", STEPS)
    def it_is_reported_and_leaves_the_old_file_and_no_temporary_one(self, step, error, tmp_path, monkeypatch):
        target = tmp_path / "handout.pdf"
        target.write_bytes(b"%PDF old and whole")
        _inject(monkeypatch, step, error)
        with pytest.raises(type(error)):
            write_atomic(target, b"%PDF new" * 1000)
        monkeypatch.undo()
        assert target.read_bytes() == b"%PDF old and whole"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["handout.pdf"]

    @pytest.mark.parametrize("step", STEPS)
    def it_leaves_no_file_at_all_when_there_was_none(self, step, tmp_path, monkeypatch):
        _inject(monkeypatch, step, OSError(5, "Input/output error"))
        with pytest.raises(OSError):
            write_atomic(tmp_path / "slides.pptx", b"PK new")
        monkeypatch.undo()
        assert list(tmp_path.iterdir()) == []

    def it_reports_ctrl_c_that_comes_just_after_the_rename_as_ctrl_c(self, tmp_path, monkeypatch):
        real = os.replace

        def replace_then_interrupted(source, target):
            real(source, target)
            raise KeyboardInterrupt

        monkeypatch.setattr(output.os, "replace", replace_then_interrupted)
        with pytest.raises(KeyboardInterrupt):
            write_atomic(tmp_path / "handout.pdf", b"%PDF new")
        assert (tmp_path / "handout.pdf").read_bytes() == b"%PDF new"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["handout.pdf"]

    def it_syncs_the_data_to_disk_before_the_rename(self, tmp_path, monkeypatch):
        steps = []
        real_fsync, real_replace = os.fsync, os.replace
        monkeypatch.setattr(output.os, "fsync", lambda fd: (steps.append("fsync"), real_fsync(fd))[1])
        monkeypatch.setattr(output.os, "replace", lambda a, b: (steps.append("replace"), real_replace(a, b))[1])
        write_atomic(tmp_path / "handout.pdf", b"%PDF")
        assert steps == ["fsync", "replace"]


class DescribeAWrite:
    def it_replaces_the_old_file_whole(self, tmp_path):
        target = tmp_path / "handout.pdf"
        target.write_bytes(b"%PDF a much longer old file than the new one")
        write_atomic(target, b"%PDF new")
        assert target.read_bytes() == b"%PDF new"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["handout.pdf"]

    def it_creates_the_folders_it_needs(self, tmp_path):
        write_atomic(tmp_path / "out" / "water" / "handout.pdf", b"%PDF")
        assert (tmp_path / "out" / "water" / "handout.pdf").read_bytes() == b"%PDF"

    @pytest.mark.parametrize("umask", [0o077, 0o022, 0o002])
    def it_makes_outputs_world_readable_0644_whatever_the_umask(self, umask, tmp_path):
        before = os.umask(umask)
        try:
            write_atomic(tmp_path / "handout.pdf", b"%PDF")
        finally:
            os.umask(before)
        assert stat.S_IMODE((tmp_path / "handout.pdf").stat().st_mode) == 0o644


class DescribeLeftovers:
    def _leftover(self, folder, name: str, age: float):
        path = folder / name
        path.write_bytes(b"partial")
        then = time.time() - age
        os.utime(path, (then, then))
        return path

    def it_names_temporary_files_so_that_the_cleanup_finds_them(self, tmp_path, monkeypatch):
        made = []
        real = tempfile.mkstemp

        def spy(*args, **kwargs):
            fd, name = real(*args, **kwargs)
            made.append(name)
            return fd, name

        monkeypatch.setattr(output.tempfile, "mkstemp", spy)
        target = tmp_path / "handout[1] large.pdf"  # glob characters in the name
        write_atomic(target, b"%PDF")
        (leftover,) = made
        assert os.path.dirname(leftover) == str(tmp_path)  # beside the output: the rename stays on one disk
        self._leftover(tmp_path, os.path.basename(leftover), STALE_SECONDS + 60)
        assert sweep(target) == [tmp_path / os.path.basename(leftover)]
        assert sorted(p.name for p in tmp_path.iterdir()) == ["handout[1] large.pdf"]

    def it_removes_only_this_outputs_stale_files(self, tmp_path):
        target = tmp_path / "handout.pdf"
        stale = self._leftover(tmp_path, ".handout.pdf.x1.tmp", STALE_SECONDS + 5)
        fresh = self._leftover(tmp_path, ".handout.pdf.x2.tmp", STALE_SECONDS - 30)
        others = [self._leftover(tmp_path, name, STALE_SECONDS + 5)
                  for name in (".handout-large-print.pdf.x3.tmp", ".handout.pdf.x4.part", "handout.pdf.x5.tmp")]
        assert sweep(target) == [stale]
        assert not stale.exists() and fresh.exists() and all(p.exists() for p in others)

    def it_takes_the_age_from_the_time_given(self, tmp_path):
        target = tmp_path / "handout.pdf"
        leftover = self._leftover(tmp_path, ".handout.pdf.x1.tmp", 0)
        assert sweep(target, now=leftover.stat().st_mtime + STALE_SECONDS) == []  # older than, not as old as
        assert sweep(target, now=time.time() + STALE_SECONDS - 30) == []
        assert sweep(target, now=time.time() + STALE_SECONDS + 30) == [leftover]

    def it_leaves_folders_and_symlinks_alone(self, tmp_path):
        target = tmp_path / "handout.pdf"
        (tmp_path / ".handout.pdf.dir.tmp").mkdir()
        victim = self._leftover(tmp_path, "keep.txt", STALE_SECONDS + 60)
        link = tmp_path / ".handout.pdf.link.tmp"
        link.symlink_to(victim)
        os.utime(link, (0, 0), follow_symlinks=False)
        assert sweep(target) == []
        assert (tmp_path / ".handout.pdf.dir.tmp").is_dir() and link.is_symlink() and victim.exists()

    def it_goes_on_when_a_leftover_cannot_be_removed(self, tmp_path, monkeypatch):
        target = tmp_path / "handout.pdf"
        first = self._leftover(tmp_path, ".handout.pdf.a.tmp", STALE_SECONDS + 60)
        second = self._leftover(tmp_path, ".handout.pdf.b.tmp", STALE_SECONDS + 60)
        real = type(first).unlink

        def unlink(path, *args, **kwargs):
            if path.name == first.name:
                raise PermissionError(13, "Permission denied")
            return real(path, *args, **kwargs)

        monkeypatch.setattr(type(first), "unlink", unlink)
        assert sweep(target) == [second]
        assert first.exists()


class DescribeOutputNames:
    def it_refuses_a_dot_dot_part_even_when_it_would_stay_inside(self, tmp_path):
        (tmp_path / "water").mkdir()
        assert (tmp_path / "water/../handout.pdf").resolve().is_relative_to(tmp_path)
        with pytest.raises(UnsafeOutput, match="would be outside"):
            output_path(tmp_path, "water/../handout.pdf")

    @pytest.mark.parametrize("name", ["water\\handout.pdf", "hand\0out.pdf", "", "/abs/handout.pdf"])
    def it_refuses_backslashes_nul_empty_and_absolute_names(self, name, tmp_path):
        with pytest.raises(UnsafeOutput, match="would be outside the output folder"):
            output_path(tmp_path, name)

    def it_accepts_dots_that_are_not_a_parent(self, tmp_path):
        assert output_path(tmp_path, "..hidden/handout..pdf") == tmp_path / "..hidden" / "handout..pdf"

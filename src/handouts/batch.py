"""Build many topics: content files in, outputs brought up to date, an exit code out.

`find_topics(paths, out)` turns the files and folders given on the command line into
`Topic`s, each with the folder inside `out` its outputs go to (a single content file
writes straight into `out`; otherwise each topic gets `out/<slug>/`, the slug being its
file name). `run_batch(...)` compares each topic with the manifest, removes the outputs
of topics whose content file is gone, builds the stale ones (in parallel worker
processes when there are several; a single one makes its outputs side by side) and
saves the manifest; it returns 1 when any topic failed. With `check=True` it only lists
what is stale and writes nothing.

A topic is built by `build_one` with the one-topic stage in `build.py`. It imports
nothing heavy until a topic needs building, so an up-to-date build stays fast.
"""

from __future__ import annotations

import dataclasses
import hashlib
import multiprocessing
import os
import re
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from .config import SUFFIXES, content_files
from .manifest import MANIFEST_NAME, Manifest, fingerprint, relative, shared_inputs, shown
from .progress import Reporter

_SAFE_SLUG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")


@dataclasses.dataclass(frozen=True)
class Topic:
    """One content file and the folder inside the output folder its outputs go to."""

    path: Path
    folder: str
    """"." for a single topic written straight into the output folder, else its slug."""
    problem: str | None = None
    """Why this topic cannot be built (e.g. its slug would leave the output folder)."""


@dataclasses.dataclass
class Outcome:
    """What building one topic gave: its outputs, or the messages saying why it failed."""

    topic: Topic
    outputs: dict[str, dict] = dataclasses.field(default_factory=dict)
    """{file name: {"size": bytes, "sha256": hex}} of every output written."""
    deps: dict[str, str | None] = dataclasses.field(default_factory=dict)
    """Files used besides the content (relative to the output folder) and their hashes."""
    errors: list[str] = dataclasses.field(default_factory=list)
    detail: str = ""
    """The traceback of an unexpected error, shown with --verbose."""
    warnings: list[str] = dataclasses.field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors


def find_topics(paths: list[Path], out: Path) -> list[Topic]:
    """Return the topics in `paths` (files, or folders of .yaml files), sorted within each folder.

    One file given on its own writes straight into `out`. Otherwise each topic's slug is
    its file name without the suffix, or for a file of a topic kept in several languages
    (`blood-pressure/es.yaml`), its folder's name and its language (`blood-pressure/es`); a
    slug that could leave `out`, or that another topic already uses, makes that topic fail
    with a reason.
    """
    from .translations import is_language_file, is_translation_folder

    files = content_files(paths)
    if len(paths) == 1 and len(files) == 1 and files[0] == paths[0]:
        return [Topic(files[0], ".")]
    topics: list[Topic] = []
    owners: dict[str, Path] = {}
    for path in files:
        slug = path.stem if path.suffix in SUFFIXES else path.name
        if is_language_file(path) and is_translation_folder(path.parent):
            slug = f"{path.parent.resolve().name}/{slug}"
        problem = slug_problem(slug, out)
        if problem is None and slug in owners:
            problem = f"its output folder {slug}/ is already used by {owners[slug]}"
        owners.setdefault(slug, path)
        topics.append(Topic(path, slug, problem))
    return topics


def slug_problem(slug: str, out: Path) -> str | None:
    """Return why `slug` (a name, or topic/language) cannot name a folder inside `out`, or None when it can."""
    if not all(_SAFE_SLUG.fullmatch(part) and part not in (".", "..") for part in slug.split("/", 1)):
        return (f"cannot use {slug!r} as an output folder name: rename the file to letters, "
                "digits, '-', '_' or '.', not starting with '.' or '-'")
    target = out / slug
    try:
        if target.is_symlink() or not target.absolute().resolve().is_relative_to(out.absolute().resolve()):
            return f"output folder {target} would be outside {out}"
    except (OSError, RuntimeError):  # a symlink loop, a name too long
        return f"output folder {target} cannot be resolved (a symlink loop, or a name too long)"
    return None


def in_shard(topic: Topic, shard: tuple[int, int] | None) -> bool:
    """Return whether `topic` belongs to shard K of N (stable: a hash of its output folder name)."""
    if shard is None:
        return True
    k, n = shard
    number = int.from_bytes(hashlib.sha256(topic.folder.encode()).digest()[:8], "big")
    return number % n == k - 1


def run_batch(topics: list[Topic], out: Path, options, reporter: Reporter, *, strict: bool = False,
              force: bool = False, check: bool = False, jobs: int = 1,
              shard: tuple[int, int] | None = None) -> int:
    """Bring the outputs of `topics` in `out` up to date; return 0, or 1 if anything failed or is stale."""
    manifest = Manifest.load(out)
    if manifest.problem:
        reporter.warn(manifest.problem)
    topics = [t for t in topics if in_shard(t, shard)]
    shared = shared_inputs(options)
    stale, inputs = [], {}
    for topic in topics:
        inputs[topic.folder] = fingerprint(topic.path, shared, manifest.deps(topic.folder), out)
        if force and not check:
            reason: str | None = "rebuild forced"
        elif options.allow_network and not check:  # what a URL serves can change unseen
            reason = "rebuilt: the network is allowed, and the manifest does not track fetched resources"
        else:
            reason = manifest.stale_reason(topic.folder, topic.path, inputs[topic.folder], verify=check)
        if topic.problem or reason:
            stale.append((topic, reason))
        else:
            reporter.skipped(topic)
    wanted = {t.folder for t in topics}
    orphans = {folder: entry for folder, entry in manifest.orphans().items()
               if folder not in wanted and in_shard(Topic(Path(), folder), shard)}
    if check:
        return _report_check(stale, orphans, len(topics), out, reporter)
    for folder, entry in sorted(orphans.items()):
        _remove(manifest, folder, entry, reporter)
    reporter.start(total=len(topics), to_build=len(stale))
    failed = 0
    try:
        for outcome in _build_all([t for t, _ in stale], out, options, strict, jobs):
            if outcome.ok:
                recorded = {**inputs[outcome.topic.folder], "deps": outcome.deps}
                manifest.record(outcome.topic.folder, outcome.topic.path, recorded, outcome.outputs)
            else:
                failed += 1
            reporter.done(outcome, out)
    finally:
        try:
            manifest.save()
        except OSError as exc:
            reporter.warn(f"{out / MANIFEST_NAME}: cannot write the manifest: {exc.strerror or exc}; "
                          "the next build rebuilds the topics built now")
            failed += 1
    reporter.finish()
    return 1 if failed else 0


def _report_check(stale, orphans, total, out, reporter) -> int:
    for topic, reason in stale:
        reporter.line(f"stale: {topic.path} -> {_where(out, topic.folder)}: {topic.problem or reason}")
    for folder, entry in sorted(orphans.items()):
        reporter.line(f"stale: {_where(out, folder)}: built from {_source(out, entry)}, which no longer exists")
    count = len(stale) + len(orphans)
    if count:
        reporter.warn(f"{count} of {total + len(orphans)} topics are stale or missing; "
                      "run `handouts build` to update them")
        return 1
    reporter.line(f"{total} topic{'s' if total != 1 else ''} up to date")
    return 0


def _where(out: Path, folder: str) -> str:
    return f"{out}/" if folder == "." else f"{out / folder}/"


def _source(out: Path, entry: dict) -> str:
    """Return the content file of a manifest entry, as a path from the current folder."""
    return shown(out / entry.get("content", "?"))


def _remove(manifest: Manifest, folder: str, entry: dict, reporter: Reporter) -> None:
    """Delete the outputs the manifest says we wrote for `folder`, and the folder if then empty."""
    if folder != "." and slug_problem(folder, manifest.out):
        reporter.warn(f"{manifest.out / folder}: not removed, the manifest entry is not a plain folder name")
        return
    base = manifest.out / folder
    for name in entry.get("outputs", {}):
        if "/" not in name and "\\" not in name and name not in (".", ".."):
            (base / name).unlink(missing_ok=True)
    if folder != ".":
        try:
            base.rmdir()
        except OSError:
            pass  # something else is in it: leave it
    manifest.forget(folder)
    reporter.removed(_where(manifest.out, folder), _source(manifest.out, entry))


def _build_all(topics: list[Topic], out: Path, options, strict: bool, jobs: int):
    """Yield an `Outcome` for each of `topics` as it finishes, in `jobs` worker processes."""
    ready = [t for t in topics if t.problem]
    for topic in ready:
        yield Outcome(topic, errors=[f"{topic.path}: {topic.problem}"])
    topics = [t for t in topics if not t.problem]
    if min(jobs, len(topics)) <= 1:  # one topic may still use the cores for its three outputs
        for topic in topics:
            yield build_one(topic, out, options, strict, parallel=jobs > 1)
        return
    pool = ProcessPoolExecutor(max_workers=min(jobs, len(topics)), mp_context=_context(), initializer=_warm_up)
    try:  # the longest first: no worker is left with a long topic while the others wait
        futures = {pool.submit(build_one, topic, out, options, strict): topic
                   for topic in sorted(topics, key=_size, reverse=True)}
        for future in as_completed(futures):
            try:
                yield future.result()
            except BrokenProcessPool:
                yield Outcome(futures[future], errors=[f"{futures[future].path}: the worker process building "
                                                       "it stopped unexpectedly"])
    finally:  # on an interrupt too: drop the topics not started rather than build them
        pool.shutdown(wait=True, cancel_futures=True)


def _size(topic: Topic) -> int:
    """Return the size of the topic's file, which is roughly how long it takes to build."""
    try:
        return topic.path.stat().st_size
    except OSError:
        return 0


def _context():
    """Return the start method for workers: a fork server on POSIX (safe and quick), else spawn."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["handouts.build", "handouts.pdf", "handouts.slides"])
        return context
    return multiprocessing.get_context("spawn")


def _warm_up() -> None:
    """Import the PDF and slide stages once per worker, and make its one font configuration."""
    from . import pdf, slides  # noqa: F401

    pdf._fonts()


def build_one(topic: Topic, out: Path, options, strict: bool, parallel: bool = False) -> Outcome:
    """Load, render and write one topic; return its outcome. Expected failures become messages.

    `parallel` makes its outputs side by side in forked processes (see `build.render_topic`).
    """
    import jinja2

    from . import rules
    from .build import build_topic, deck_started
    from .fetch import ResourceError
    from .load import ADDRESS, ContentInvalid, load
    from .manifest import file_hash
    from .output import UnsafeOutput, WriteFailed
    from .slides import ThemeError
    from .translations import load_source

    started = time.perf_counter()
    outcome = Outcome(topic)
    target = out if topic.folder == "." else out / topic.folder
    try:
        loaded = load(topic.path, strict=strict, brand=options.brand, max_bytes=options.max_file_bytes,
                      project=options.project, folders=(options.assets,) if options.assets else ())
        outcome.warnings = [str(w) for w in loaded.warnings]
        with deck_started(loaded, options, parallel) as deck:  # while the topic is checked
            source = load_source(topic.path, brand=options.brand, max_bytes=options.max_file_bytes,
                                 project=options.project, folders=(options.assets,) if options.assets else ())
            line, failed = rules.summary(loaded, options.check, strict=strict, look=options.look, source=source)
            outcome.warnings.append(line if topic.folder == "." else f"{topic.path}: {line}")
            if failed:
                raise ContentInvalid([])

            def warn(message: str) -> None:
                outcome.warnings.append(message)
                if strict:
                    raise ThemeError("warnings are errors with --strict; nothing was written")

            written = build_topic(loaded, target, options, warn, parallel=parallel, deck=deck)
    except ContentInvalid as exc:
        outcome.errors = [str(p) for p in exc.problems]
        errors = sum(p.severity == "error" for p in exc.problems)
        if exc.problems:
            outcome.errors.append(f"{topic.path}: {errors} error{'s' if errors != 1 else ''}; nothing was written")
        else:  # the checks failed under --strict: the summary line in the warnings says so
            outcome.errors.append(f"{topic.path}: nothing was written")
    except ResourceError as exc:
        outcome.errors = [f"{'' if exc.where else f'{topic.path}: '}{exc}; nothing was written"]
    except UnsafeOutput as exc:
        outcome.errors = [f"{topic.path}: {exc}; nothing was written"]
    except jinja2.TemplateSyntaxError as exc:
        where = f"{exc.filename or exc.name}:{exc.lineno}"
        outcome.errors = [f"{where}: template error: {exc.message}; nothing was written"]
    except jinja2.TemplateError as exc:
        outcome.errors = [f"{_template_line(exc) or topic.path}: template error: {exc}; nothing was written"]
    except (ThemeError, ValueError) as exc:
        outcome.errors = [f"{options.theme or topic.path}: {exc}"]
    except WriteFailed as exc:
        outcome.errors = [f"{exc}; the previous outputs are unchanged"]
    except OSError as exc:  # writing is WriteFailed: anything else failed to read (a template, a font)
        outcome.errors = [f"{exc.filename or topic.path}: cannot read: {exc.strerror}; nothing was written"]
    except Exception as exc:  # a bug, not bad input: keep the other topics going, say where
        outcome.errors = [f"{topic.path}: internal error: {exc!r} (run with --verbose for the traceback)"]
        outcome.detail = traceback.format_exc()
    else:
        for path in written:
            data = path.read_bytes()
            outcome.outputs[path.name] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        logo = loaded.content.organisation.logo
        figures = [s.figure.src for s in loaded.content.sections if s.figure]
        files = [topic.path.parent / used for used in filter(None, [logo, *figures])
                 if not ADDRESS.match(used)]  # not an address or a data: URI
        for dep in filter(None, [loaded.brand, *files]):  # the brand file and the pictures: a change rebuilds
            if dep.is_file():
                outcome.deps[relative(dep, out)] = file_hash(dep)
    outcome.seconds = time.perf_counter() - started
    return outcome


def _template_line(exc: BaseException) -> str | None:
    """Return 'file:line' of the template line that raised `exc` (Jinja2 puts it in the traceback), if any."""
    frames = traceback.extract_tb(exc.__traceback__)
    return next((f"{f.filename}:{f.lineno}" for f in reversed(frames) if f.filename.endswith(".j2")), None)


def default_jobs() -> int:
    """Return the number of cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1

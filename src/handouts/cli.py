"""Command line: arguments in, an exit code out (0 ok, 1 failed, 2 usage).

`main(argv)` parses the arguments and runs `build`, `check`, `new`, `templates` or `serve`
(the live preview, `serve.py`). Expected failures (bad
content, a template error, an unwritable folder) print a message a person can act on
and return 1, never a traceback. `build` hands its topics to `batch.py`; the PDF and slide
stages are imported only when a topic needs building. `check` loads and checks every file
it is given and writes one report; it never imports the PDF or slide stages. When the
reader of the output goes away early (`handouts check | head -1`), the command stops
quietly with `EXIT_BROKEN_PIPE`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO, cast

from . import __version__
from .config import CONFIG_NAME, Config, content_files, load_config
from .load import ContentInvalid, load

EXIT_BROKEN_PIPE = 141
"""The exit code when the output's reader closed early: 128 + SIGPIPE, as shells report it."""


def parser() -> argparse.ArgumentParser:
    """Return the argument parser for `handouts`."""
    top = argparse.ArgumentParser(
        prog="handouts",
        description="Turn a YAML file of key points into a patient handout PDF and a slide deck.",
    )
    top.add_argument("--version", action="version", version=f"handouts {__version__}")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build = commands.add_parser("build", help="validate the content and write the handout and slides",
                                description="Validate CONTENT, then write handout.pdf, "
                                "handout-large-print.pdf and slides.pptx into the output folder "
                                "(one content file), or into OUT/<name>/ for each topic (a folder "
                                "of .yaml files, or several files). Topics unchanged since the "
                                "last build are skipped.")
    build.add_argument("content", nargs="*", type=Path,
                       help="content files or folders of them (default: from handouts.yaml, else content.yaml)")
    build.add_argument("--out", type=Path, metavar="DIR",
                       help="the output folder (default: from handouts.yaml, else output)")
    build.add_argument("--paper", choices=["letter", "a4"],
                       help="paper size of the handout (default: from handouts.yaml, else letter)")
    build.add_argument("--theme", type=Path, metavar="PPTX",
                       help="a .pptx whose master and layouts the slides use")
    build.add_argument("--aspect", choices=["16:9", "4:3"],
                       help="slide shape (default: from handouts.yaml, else 16:9)")
    build.add_argument("--strict", action="store_true", help="treat warnings as errors")
    build.add_argument("--allow-network", action="store_true",
                       help="let the handout fetch http(s) resources (never private addresses unless "
                       "allow_private_network is set in handouts.yaml)")
    build.add_argument("--force", action="store_true", help="rebuild every topic, even unchanged ones")
    build.add_argument("--check", action="store_true",
                       help="write nothing; list stale or missing outputs and exit 1 if there are any")
    build.add_argument("--jobs", "-j", type=_positive, metavar="N",
                       help="build N topics at once in worker processes (default: the number of cores)")
    build.add_argument("--shard", type=_shard, metavar="K/N",
                       help="build only share K of N (stable), to split a library across CI runners")
    talk = build.add_mutually_exclusive_group()
    talk.add_argument("--quiet", "-q", action="store_true", help="print only failures")
    talk.add_argument("--verbose", "-v", action="store_true",
                      help="also print skipped topics, timings and tracebacks of internal errors")

    check = commands.add_parser("check", help="validate the content without building",
                                description="Validate CONTENT (files, or folders of .yaml files) and "
                                "report every problem found, in one report covering every file.")
    check.add_argument("content", nargs="*", type=Path,
                       help="content files or folders of them (default: from handouts.yaml, else content.yaml)")
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check.add_argument("--format", choices=["human", "json", "sarif"], default="human",
                       help="how to print the findings (default: human)")
    check.add_argument("--today", type=_date, metavar="YYYY-MM-DD",
                       help="check review dates as of this day (default: today)")
    check.add_argument("--explain", metavar="RULE",
                       help="print what RULE checks, why, its threshold and examples, and exit")
    for sub in (build, check):
        sub.add_argument("--config", type=Path, metavar="FILE",
                         help=f"the project config file (default: the nearest {CONFIG_NAME} here or above)")

    new = commands.add_parser("new", help="start a project: config, a starter topic, brand, CI workflow",
                              description="Write a ready project into FOLDER: handouts.yaml, topics/ with "
                              "a starter topic, brand/, a CI workflow, a pre-commit config and a README.")
    new.add_argument("folder", type=Path, help="the new project's folder (made if missing)")
    new.add_argument("--force", action="store_true", help="write into a folder that is not empty")

    serve = commands.add_parser("serve", help="preview a topic live: handout pages, slides and findings, "
                                "updated on every save",
                                description="Serve a live preview of CONTENT (a topic file, or a folder of "
                                "them) on 127.0.0.1: the handout's pages in standard and large print, the "
                                "slides with their notes, and the check findings marked in the text. It "
                                "updates on every save of the topic, its brand file or a template; "
                                "Ctrl-C stops it. Previews are made in a temporary folder, never in the "
                                "output folder.")
    serve.add_argument("content", nargs="*", type=Path,
                       help="a content file or a folder of them (default: from handouts.yaml, else content.yaml)")
    serve.add_argument("--port", type=_port, default=8000,
                       help="the port to listen on (default: 8000; 0: any free one)")
    serve.add_argument("--host", default="127.0.0.1", metavar="ADDR",
                       help="the address to listen on (default: 127.0.0.1, this computer only)")
    serve.add_argument("--open", action="store_true", help="open the preview in the web browser")
    serve.add_argument("--config", type=Path, metavar="FILE",
                       help=f"the project config file (default: the nearest {CONFIG_NAME} here or above)")

    templates = commands.add_parser("templates", help="list the bundled templates, or copy them to override",
                                    description="`templates list` names the templates a project can "
                                    "override; `templates copy [NAME ...]` copies them (all without a "
                                    "NAME) into the project's templates folder, where your copy wins.")
    templates.add_argument("action", choices=["list", "copy"])
    templates.add_argument("names", nargs="*", metavar="NAME", help="templates to copy (default: all)")
    templates.add_argument("--force", action="store_true", help="replace copies already there")
    templates.add_argument("--config", type=Path, metavar="FILE",
                           help=f"the project config file (default: the nearest {CONFIG_NAME} here or above)")
    return top


def _date(value: str):
    import datetime as dt

    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date like 2026-01-31, got {value!r}") from None


def main(argv: list[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run the command line and return its exit code."""
    guarded = _Guarded(out or sys.stdout)
    err = err or sys.stderr
    args = parser().parse_args(argv)
    commands = {"build": _build, "check": _check, "new": _new, "templates": _templates, "serve": _serve}
    try:
        code = commands[args.command](args, cast(TextIO, guarded), err)
        guarded.flush()
    except BrokenPipeError:
        guarded.failed = guarded.failed or BrokenPipeError()
    if guarded.failed is None:
        return code
    # As Python's docs on SIGPIPE advise, point stdout at devnull so the final flush at
    # exit cannot fail again and print a traceback.
    _discard(guarded.stream)
    if isinstance(guarded.failed, BrokenPipeError):
        return EXIT_BROKEN_PIPE  # the reader went away (`handouts check | head -1`), as a shell reports it
    reason = guarded.failed.strerror or "it is closed"
    print(f"handouts: cannot write to standard output: {reason}", file=err)
    return 1


class _Guarded:
    """A text stream that remembers the first error writing to `stream` and drops the rest.

    `build > /dev/full` still builds every topic, and `check >&-` still checks every
    file; the command then says it could not write its output and exits 1.
    """

    def __init__(self, stream: TextIO | None):
        self.stream = stream
        self.failed: OSError | None = None if stream is not None else OSError(9, "it is closed")

    def write(self, text: str) -> int:
        if self.failed is None and self.stream is not None:
            try:
                return self.stream.write(text)
            except (OSError, ValueError) as exc:  # ValueError: a closed file
                self.failed = exc if isinstance(exc, OSError) else OSError(9, "it is closed")
        return len(text)

    def flush(self) -> None:
        if self.failed is None and self.stream is not None:
            try:
                self.stream.flush()
            except (OSError, ValueError) as exc:
                self.failed = exc if isinstance(exc, OSError) else OSError(9, "it is closed")

    def isatty(self) -> bool:
        try:
            return self.failed is None and self.stream is not None and self.stream.isatty()
        except (OSError, ValueError):
            return False

    def fileno(self) -> int:
        if self.stream is None:
            raise OSError(9, "it is closed")
        return self.stream.fileno()


def _discard(stream: TextIO | None) -> None:
    """Send what is left of `stream` (a real file, such as stdout) to devnull."""
    import os

    if stream is None:
        return
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


def _config(args: argparse.Namespace, err: TextIO) -> Config | None:
    """Return the project config (its warnings printed), or None after printing why it cannot be used."""
    try:
        config = load_config(args.config, strict=getattr(args, "strict", False))
    except ContentInvalid as exc:
        for problem in exc.problems:
            print(problem, file=err)
        return None
    for warning in config.warnings:
        print(warning, file=err)
    return config


def _new(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Return the exit code of `handouts new`: a starter project written, or why not."""
    from .project import ProjectError, new_project

    try:
        written = new_project(args.folder, force=args.force)
    except ProjectError as exc:
        print(exc, file=err)
        return 1
    for path in written:
        print(f"wrote {path}", file=out)
    print(f"\nNext: cd {args.folder} && handouts check && handouts build", file=out)
    return 0


def _templates(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Return the exit code of `handouts templates`: the templates listed, or copied into the project."""
    from .bundled import NAMES
    from .project import ProjectError, copy_templates

    config = _config(args, err)
    if config is None:
        return 1
    if args.action == "list":
        look = config.look()
        for name, what in NAMES.items():
            used = look.find(name)
            where = "bundled" if used.parent == look.folders[-1] else "your copy"
            print(f"{name:18} {what} ({where}: {used})", file=out)
        return 0
    if not config.found:
        print(f"no {CONFIG_NAME} here or in any folder above; run this inside a project "
              "(`handouts new FOLDER` makes one)", file=err)
        return 1
    try:
        written = copy_templates(args.names, config.resolve(config.templates), force=args.force)
    except ProjectError as exc:
        print(exc, file=err)
        return 1
    for path in written:
        print(f"wrote {path}", file=out)
    return 0


def _check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Return the exit code of `handouts check`: every file loaded and checked, one report written."""
    from . import report, rules

    if args.explain is not None:
        if args.explain not in rules.RULES:
            print(f"handouts check: error: --explain: unknown rule {args.explain!r}; the rules are: "
                  f"{', '.join(rules.RULES)}", file=err)
            return 2
        out.write(report.explain(args.explain))
        return 0
    config = _config(args, err)
    if config is None:
        return 1
    unknown = rules.unknown_rules(config.check)
    if unknown:
        print(f"{args.config or CONFIG_NAME}: check.disabled: unknown rule {', '.join(unknown)}; "
              f"rules that can be turned off are: {', '.join(rules.switchable())}", file=err)
        return 1
    paths = args.content or [config.resolve(c) for c in config.content]
    files = content_files(paths)
    if not files:
        print(f"{', '.join(map(str, paths))}: no .yaml content files found", file=err)
        return 1
    brand = config.resolve(config.brand) if config.brand else None
    reports = []
    for file in files:
        try:
            loaded = load(file, strict=args.strict, brand=brand, max_bytes=config.max_file_bytes,
                          project=config.root if config.found else None,
                          folders=(config.resolve(config.assets),) if config.assets else ())
        except ContentInvalid as exc:  # reported as findings, with the others, on stdout
            reports.append(rules.unloaded(file, exc.problems, config.check))
            continue
        reports.append(rules.check(loaded, config.check, today=args.today))  # unknown keys are findings
    report.write(reports, args.format, out)
    return 1 if any(r.fails(args.strict) for r in reports) else 0


def _serve(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Return the exit code of `handouts serve`: 0 after Ctrl-C, 1 when it cannot start."""
    from .build import BuildOptions
    from .serve import run

    config = _config(args, err)
    if config is None:
        return 1
    paths = args.content or [config.resolve(c) for c in config.content]
    missing = [str(p) for p in paths if not p.exists()]
    if missing or not content_files(paths):
        print(f"{', '.join(missing or map(str, paths))}: no .yaml content files found", file=err)
        return 1
    args.allow_network = False  # no flag for it: only `allow_network` in handouts.yaml allows the network
    theme = config.resolve(config.theme) if config.theme else None
    options = BuildOptions(paper=config.paper, theme=theme, aspect=config.aspect,
                           brand=config.resolve(config.brand) if config.brand else None,
                           max_file_bytes=config.max_file_bytes, check=config.check, look=config.look(),
                           **_resource_options(args, config))
    try:
        return run(paths, config, options, config.resolve(config.out), host=args.host, port=args.port,
                   open_browser=args.open, stdout=out, stderr=err)
    except KeyboardInterrupt:  # Ctrl-C while it was still starting: nothing to report
        return 0


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"expected a port number from 0 to 65535, got {text!r}")
    return int(text)


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of 1 or more, got {text!r}")
    return int(text)


def _shard(text: str) -> tuple[int, int]:
    k, _, n = text.partition("/")
    if not (k.isdigit() and n.isdigit() and 1 <= int(k) <= int(n)):
        raise argparse.ArgumentTypeError(f"expected K/N with 1 <= K <= N, e.g. 1/4, got {text!r}")
    return int(k), int(n)


def _build(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Return the exit code of `handouts build`: options and config resolved, topics handed to `batch`."""
    from .batch import default_jobs, find_topics, run_batch
    from .build import BuildOptions
    from .progress import Reporter

    config = _config(args, err)
    if config is None:
        return 1
    paths = args.content or [config.resolve(c) for c in config.content]
    args.out = args.out or config.resolve(config.out)
    args.paper = args.paper or config.paper
    args.theme = args.theme or (config.resolve(config.theme) if config.theme else None)
    args.aspect = args.aspect or config.aspect
    if args.theme is not None and not args.theme.is_file():
        print(f"{args.theme}: theme file not found", file=err)
        return 1
    topics = find_topics(paths, args.out)
    if not topics:
        print(f"{', '.join(map(str, paths))}: no .yaml content files found", file=err)
        return 1
    options = BuildOptions(paper=args.paper, theme=args.theme, aspect=args.aspect,
                           brand=config.resolve(config.brand) if config.brand else None,
                           max_file_bytes=config.max_file_bytes, check=config.check, look=config.look(),
                           **_resource_options(args, config))
    reporter = Reporter(out, err, quiet=args.quiet, verbose=args.verbose, single=topics[0].folder == ".")
    try:
        return run_batch(topics, args.out, options, reporter,
                         strict=args.strict, force=args.force, check=args.check,
                         jobs=args.jobs or default_jobs(), shard=args.shard)
    except KeyboardInterrupt:
        print("\ninterrupted: the topics finished so far are recorded in the manifest", file=err)
        return 130


def _resource_options(args: argparse.Namespace, config: Config) -> dict:
    """Return the BuildOptions that say what a handout may read, from the config and --allow-network."""
    return {
        "assets": config.resolve(config.assets) if config.assets else None,
        "allow_network": args.allow_network or config.allow_network,
        "allow_private_network": config.allow_private_network,
        "max_resource_bytes": config.max_resource_bytes,
        "project": config.root.resolve() if config.found else None,
    }

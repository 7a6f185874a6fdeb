"""Command line: arguments in, an exit code out (0 ok, 1 failed, 2 usage).

`main(argv)` parses the arguments and runs `build` or `check`. Expected failures (bad
content, a template error, an unwritable folder) print a message a person can act on
and return 1, never a traceback. The PDF and slide stages are imported only by `build`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from . import __version__
from .config import CONFIG_NAME, Config, load_config
from .load import ContentInvalid, Loaded, load


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
                                "handout-large-print.pdf and slides.pptx into the output folder.")
    build.add_argument("content", nargs="?", type=Path,
                       help="the content file (default: from handouts.yaml, else content.yaml)")
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

    check = commands.add_parser("check", help="validate the content without building",
                                description="Validate CONTENT and report every problem found.")
    check.add_argument("content", nargs="?", type=Path,
                       help="the content file (default: from handouts.yaml, else content.yaml)")
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check.add_argument("--format", choices=["human", "json", "sarif"], default="human",
                       help="how to print the findings (default: human)")
    check.add_argument("--today", type=_date, metavar="YYYY-MM-DD",
                       help="check review dates as of this day (default: today)")
    for sub in (build, check):
        sub.add_argument("--config", type=Path, metavar="FILE",
                         help=f"the project config file (default: {CONFIG_NAME} if present)")
    return top


def _date(value: str):
    import datetime as dt

    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date like 2026-01-31, got {value!r}") from None


def main(argv: list[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run the command line and return its exit code."""
    out = out or sys.stdout
    err = err or sys.stderr
    args = parser().parse_args(argv)
    try:
        config = load_config(args.config, strict=args.strict)
        if args.content is None:
            args.content = config.resolve(config.content[0])
        brand = config.resolve(config.brand) if config.brand else None
        loaded = load(args.content, strict=args.strict, brand=brand, max_bytes=config.max_file_bytes)
    except ContentInvalid as exc:
        for problem in exc.problems:
            print(problem, file=err)
        errors = sum(p.severity == "error" for p in exc.problems)
        print(f"{args.content}: {errors} error{'s' if errors != 1 else ''}; nothing was written", file=err)
        return 1
    for warning in loaded.warnings:
        print(warning, file=err)
    if args.command == "check":
        return _check(loaded, args, config, out, err)
    from . import rules

    line, failed = rules.summary(loaded, config, strict=args.strict)
    print(line, file=err)
    return 1 if failed else _build(loaded, args, config, out, err)


def _check(loaded: Loaded, args: argparse.Namespace, config: Config, out: TextIO, err: TextIO) -> int:
    from . import report, rules

    unknown = rules.unknown_rules(config.check)
    if unknown:
        print(f"{args.config or CONFIG_NAME}: check.disabled: unknown rule {', '.join(unknown)}; "
              f"rules are: {', '.join(rules.RULES)}", file=err)
        return 1
    result = rules.check(loaded, config.check, today=args.today)
    report.write(result, args.format, out)
    return 1 if result.fails(args.strict) else 0


def _build(loaded: Loaded, args: argparse.Namespace, config: Config, out: TextIO, err: TextIO) -> int:
    import jinja2

    from .build import BuildOptions, build_topic
    from .fetch import ResourceError
    from .output import UnsafeOutput
    from .slides import ThemeError

    args.out = args.out or config.resolve(config.out)
    args.paper = args.paper or config.paper
    args.theme = args.theme or (config.resolve(config.theme) if config.theme else None)
    args.aspect = args.aspect or config.aspect
    if args.theme is not None and not args.theme.is_file():
        print(f"{args.theme}: theme file not found", file=err)
        return 1

    def warn(message: str) -> None:
        print(message, file=err)
        if args.strict:
            raise ThemeError("warnings are errors with --strict; nothing was written")

    try:
        options = BuildOptions(paper=args.paper, theme=args.theme, aspect=args.aspect, warn=warn,
                               **_resource_options(args, config))
        written = build_topic(loaded, args.out, options)
    except (ResourceError, UnsafeOutput) as exc:
        print(f"{loaded.path}: {exc}; nothing was written", file=err)
        return 1
    except jinja2.TemplateSyntaxError as exc:
        print(f"{exc.filename or exc.name}:{exc.lineno}: template error: {exc.message}", file=err)
        return 1
    except jinja2.TemplateError as exc:
        print(f"template error: {exc}", file=err)
        return 1
    except (ThemeError, ValueError) as exc:
        print(f"{args.theme or 'slides'}: {exc}", file=err)
        return 1
    except OSError as exc:
        print(f"{exc.filename or args.out}: cannot write: {exc.strerror}", file=err)
        return 1
    for path in written:
        print(f"wrote {path}", file=out)
    return 0


def _resource_options(args: argparse.Namespace, config: Config) -> dict:
    """Return the BuildOptions that say what a handout may read, from the config and --allow-network."""
    return {
        "assets": config.resolve(config.assets) if config.assets else None,
        "allow_network": args.allow_network or config.allow_network,
        "allow_private_network": config.allow_private_network,
        "max_resource_bytes": config.max_resource_bytes,
        "project": config.root.resolve() if config.found else None,
    }

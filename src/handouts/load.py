"""Load and validate: a YAML file in, a typed `Content` (and its warnings) out.

`load(path)` reads the file with PyYAML's safe composer (libyaml's when PyYAML has it;
nodes keep their line and column), walks the node tree against the dataclasses in
`model.py`, and either returns `Loaded(content, warnings)` or raises `ContentInvalid` carrying every problem found in
the file, each as `file:line:col: key.path: what was expected`.

Content is data: only plain YAML types are accepted, duplicate keys are errors, and the
size of the file, of every text and of every list is capped, so a hostile file fails
fast with a clear message instead of hanging a build.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
import re
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from .colour import MIN_TEXT_CONTRAST, contrast
from .language import TAG, labels
from .model import Cell, Content, Figure, GetHelp, Organisation, Point, Section, Source, Table, Tier

MAX_FILE_BYTES = 1_000_000
MAX_TEXT_CHARS = 5_000
MAX_LIST_ITEMS = 200
MAX_NODES = 20_000
MAX_DEPTH = 20
MAX_TOTAL_CHARS = 2_000_000
"""All the text of a document together, counted after aliases are expanded (each use counts)."""
MAX_PROPERTY_CHARS = 255
"""The longest title, author, organisation name or language: what a deck's document properties hold."""
MAX_URL_BYTES = 1_000
"""The longest page address (UTF-8 bytes) drawn as a QR code; longer ones make codes too dense to scan."""
YEARS = (1980, 2099)
"""Dates (published, review) must fall in these years: a deck's zip entries cannot be dated outside them."""
MAX_LOGO_BYTES = 10_000_000
"""The largest logo file `check` reads (the default resource cap of a build)."""
EXCERPT_CHARS = 60
"""How much of a wrong value a message shows, escaped: enough to find it, never a whole file."""
MAX_FIGURE_BYTES = 10_000_000
"""The largest figure file, the same as the largest resource a build reads (fetch.MAX_RESOURCE_BYTES)."""
FIGURE_TYPES = (".png", ".jpg", ".jpeg", ".svg")

_TAG = "tag:yaml.org,2002:"
_PLAIN_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")}
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
# What YAML accepts unescaped, less NEL (U+0085): control characters and lone surrogates that a
# quoted "\x01" or "\ud800" can make would break the PDF, the deck or the slide plan's YAML.
_UNPRINTABLE = re.compile("[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a content file, located as precisely as we can."""

    file: str
    line: int
    col: int
    path: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.col}" if self.line else self.file
        key = f" {self.path}:" if self.path else ""
        label = "" if self.severity == "error" else f" {self.severity}:"
        return f"{where}:{label}{key} {self.message}"


class ContentInvalid(Exception):
    """Raised with every error found in a content file (warnings ride along)."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Loaded:
    """A validated topic: its content, the file it came from and any warnings."""

    content: Content
    path: Path
    warnings: list[Problem]
    locations: dict[str, tuple[int, int]] = dataclasses.field(default_factory=dict, compare=False)
    """Line and column of every key path, e.g. {"sections[0].points[1]": (6, 38)}."""
    brand: Path | None = dataclasses.field(default=None, compare=False)
    """The brand file merged in, if any: its folder is one a handout may read (its logo)."""
    origins: dict[str, str] = dataclasses.field(default_factory=dict, compare=False)
    """The file of each key path set in another file than the content's (the brand file)."""

    def where(self, key: str) -> str:
        """Return `file:line:col` where a key path is set, as messages locate it (`file` if unknown)."""
        line, col = self.locations.get(key, (0, 0))
        file = self.origins.get(key, str(self.path))
        return f"{file}:{line}:{col}" if line else file


def load(path: str | Path, *, strict: bool = False, max_bytes: int = MAX_FILE_BYTES,
         brand: Path | None = None, project: Path | None = None,
         folders: tuple[Path, ...] = ()) -> Loaded:
    """Return the validated content of `path`, or raise `ContentInvalid`.

    Unknown keys are warnings, or errors when `strict` is true. `brand` is the
    project's brand file, used unless the content names its own (see `brand.py`).
    `project` is the project folder: a content file named inside it, and its brand file,
    must really be inside it once symlinks are resolved (a file named elsewhere, e.g.
    on the command line, must be inside the folder it is named in). A logo file must be
    in a folder a handout may read: the content's, its brand file's, `folders` (the assets), or the
    templates (the project's `templates/`, the bundled ones), as the build's policy says.
    A figure's file must be in the content file's folder (or below it) or in one of
    `folders` (the project's assets), as the build's resource policy will require.
    """
    from .brand import merge_brand  # brand.py builds on this module's parser

    path = Path(path)
    root = parse(path, max_bytes, within=(project,) if project and _inside(path, project) else ())
    if root is None:
        raise ContentInvalid([Problem(str(path), 0, 0, "", "file is empty; expected a mapping with keys such as "
                                      "title, main_message, sections")])
    root, brand = merge_brand(root, path, brand, project)
    from .bundled import BUNDLED

    readable = (path.absolute().parent, *([brand.absolute().parent] if brand else []), *folders,
                *([project / "templates"] if project else []), BUNDLED)
    walker = _Walker(str(path), strict, (path.parent, *folders), readable)
    content = walker.run(root, Content)
    if "get_help.heading" not in walker.locations:  # the default heading, in the topic's language
        heading = labels(content.language)["when_to_get_help"]
        content = dataclasses.replace(content, get_help=dataclasses.replace(content.get_help, heading=heading))
    return Loaded(content, path, walker.problems, walker.locations, brand, walker.origins)


def parse(path: Path, max_bytes: int = MAX_FILE_BYTES, *, within: tuple[Path, ...] = ()) -> yaml.Node | None:
    """Return the YAML node tree of `path` (None when it holds nothing), or raise `ContentInvalid`.

    The file, with every symlink resolved, must be inside one of the folders `within`
    (by default the folder it is named in): a topic linked to `/etc/passwd` or to a `.env`
    elsewhere is refused unread. Any tag that is not plain data (`!!python/...`) is an
    error, wherever it is.
    """
    name = str(path)

    def fail(message: str, line: int = 0, col: int = 0) -> typing.NoReturn:
        raise ContentInvalid([Problem(name, line, col, "", message)])

    try:
        real = path.resolve(strict=True)
        folders = [folder.resolve() for folder in within or (path.absolute().parent,)]
        if not any(real.is_relative_to(folder) for folder in folders):
            fail("the file is outside " + " and ".join(map(str, folders)) + " once links are resolved; not read")
        with real.open("rb") as handle:
            data = handle.read(max_bytes + 1)  # never more: /dev/zero or a huge file cannot exhaust memory
    except FileNotFoundError:
        fail("file not found")
    except IsADirectoryError:
        fail("is a folder, expected a YAML file")
    except RuntimeError:  # a symlink loop, before Python 3.13
        fail("cannot read the file: too many levels of symbolic links")
    except OSError as exc:
        fail(f"cannot read the file: {exc.strerror}")
    if len(data) > max_bytes:
        fail(f"file is more than the limit of {max_bytes:,} bytes")
    text = decode(data, name)
    if not text.strip():
        return None
    try:
        root = compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = f"invalid YAML: {exc.problem or exc.context}"
        if mark is None:
            fail(what)
        fail(what, mark.line + 1, mark.column + 1)
    except yaml.YAMLError as exc:
        fail(f"invalid YAML: {exc}")
    except RecursionError:
        fail("the YAML is nested too deeply")
    if root is not None and (tagged := _foreign_tag(root)):
        mark = tagged.start_mark
        fail(f"the tag {excerpt(tagged.tag)} is not allowed; content is plain text, lists and mappings",
             mark.line + 1, mark.column + 1)
    return root


_LIBYAML = getattr(yaml, "CSafeLoader", None)
ADDRESS = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:")
"""The scheme a reference starts with when it is an address (https:, file:, data:), not a path."""


def compose(text: str) -> yaml.Node | None:
    """Return the YAML node tree of `text`, with libyaml when PyYAML has it (ten times quicker).

    A text libyaml refuses is composed again by PyYAML's own parser, whose result or error
    (its words, line and column) is returned: errors read the same with or without libyaml.
    """
    if _LIBYAML is not None:
        with contextlib.suppress(yaml.YAMLError):
            return yaml.compose(text, Loader=_LIBYAML)
    return yaml.compose(text, Loader=yaml.SafeLoader)


def _inside(path: Path, folder: Path) -> bool:
    """Return whether `path` is named inside `folder` (before any symlink is resolved)."""
    return Path(os.path.normpath(path.absolute())).is_relative_to(os.path.normpath(folder.absolute()))


def each_node(root: yaml.Node) -> Iterator[yaml.Node]:
    """Yield every node under `root` in document order, each once: an alias's node is not walked again."""
    seen, stack = set(), [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        if isinstance(node, yaml.MappingNode):
            stack.extend(item for pair in reversed(node.value) for item in reversed(pair))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))


def _foreign_tag(root: yaml.Node) -> yaml.Node | None:
    """Return the first node with a tag that is not plain data."""
    return next((node for node in each_node(root) if node.tag not in _PLAIN_TAGS), None)


def excerpt(value: object) -> str:
    """Return `value` as a short, escaped, quoted excerpt: a wrong value is shown, a whole file never."""
    text = str(value)
    shown = text[:EXCERPT_CHARS].encode("unicode_escape").decode("ascii").replace("'", "\\'")
    more = f"... ({len(text):,} characters)" if len(text) > EXCERPT_CHARS else ""
    return f"'{shown}'{more}"


def convert(root: yaml.Node, kind: type, name: str, strict: bool = False, folders: tuple[Path, ...] = ()):
    """Return (`kind` instance, warnings, {key path: (line, col)}) for `root`, or raise `ContentInvalid`.

    `folders` are where figure files may be (none given: anywhere)."""
    walker = _Walker(name, strict, folders)
    return walker.run(root, kind), walker.problems, walker.locations


def decode(data: bytes, name: str) -> str:
    """Return `data` as text: UTF-8 with or without a BOM, any line endings."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        offset = exc.start + (3 if data.startswith(b"\xef\xbb\xbf") else 0)  # utf-8-sig counts after the BOM
        raise ContentInvalid(
            [Problem(name, 0, 0, "", f"not valid UTF-8 at byte offset {offset}; save the file as UTF-8")]
        ) from None


def _describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node.tag == _TAG + "null":
        return "nothing"
    return f"{node.tag.removeprefix(_TAG)} {excerpt(node.value)}"


class _Walker:
    """Converts a composed YAML node tree into dataclasses, collecting problems."""

    def __init__(self, file: str, strict: bool, folders: tuple[Path, ...] = (), readable: tuple[Path, ...] = ()):
        self.file = file
        self.strict = strict
        self.folders = [folder.resolve() for folder in folders]
        self.readable = readable
        """The folders a logo file may be in (none given: any)."""
        self.problems: list[Problem] = []
        self.locations: dict[str, tuple[int, int]] = {}
        self.nodes = 0
        self.chars = 0
        self.origins: dict[str, str] = {}
        self.stopped = False
        """A limit (values, depth, text) was reached: what is left is not converted."""

    def run(self, root: yaml.Node, kind: type) -> typing.Any:
        """Return `root` converted to `kind`, or raise `ContentInvalid` with every problem found."""
        value = self.convert(root, kind, "", 0)
        if self.errors():
            raise ContentInvalid(self.problems)
        return value
        """Characters of text so far, counting every use of an alias: bounded by `MAX_TOTAL_CHARS`."""

    def errors(self) -> int:
        return sum(p.severity == "error" for p in self.problems)

    def problem(self, node: yaml.Node, path: str, message: str, severity: str = "error") -> None:
        mark = node.start_mark
        file = self.file if mark.name.startswith("<") else mark.name  # a node from a brand file
        self.problems.append(Problem(file, mark.line + 1, mark.column + 1, path, message, severity))

    def convert(self, node: yaml.Node, kind: typing.Any, path: str, depth: int) -> typing.Any:
        """Return `node` converted to `kind`, or None after recording a problem."""
        self.nodes += 1
        if self.nodes > MAX_NODES or depth > MAX_DEPTH:
            self.stopped = True
            if self.nodes == MAX_NODES + 1 or depth == MAX_DEPTH + 1:
                self.problem(node, path, f"too many or too deeply nested values (limit {MAX_NODES:,} values)")
            return None
        self.locations[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if not node.start_mark.name.startswith("<"):  # a node from a brand file
            self.origins[path] = node.start_mark.name
        if node.tag not in _PLAIN_TAGS:
            self.problem(node, path,
                         f"the tag {excerpt(node.tag)} is not allowed; content is plain text, lists and mappings")
            return None
        if kind is Cell:
            return self.cell(node, path)
        optional = False
        if isinstance(kind, types.UnionType):
            kind = next(a for a in typing.get_args(kind) if a is not type(None))
            optional = True
        if node.tag == _TAG + "null":
            if not optional:
                self.problem(node, path, f"expected {_expected(kind)}, got nothing")
            return None
        if kind is Point:
            return self.point(node, path, depth)
        if isinstance(kind, type) and dataclasses.is_dataclass(kind):
            return self.mapping(node, kind, path, depth)
        if typing.get_origin(kind) is list:
            return self.sequence(node, typing.get_args(kind)[0], path, depth)
        if typing.get_origin(kind) is dict:
            return self.dictionary(node, typing.get_args(kind)[1], path, depth)
        if kind is dt.date:
            return self.date(node, path)
        if kind in (bool, int, float):
            return self.number(node, kind, path)
        return self.text(node, path)

    def dictionary(self, node: yaml.Node, item: typing.Any, path: str, depth: int) -> dict | None:
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, path, f"expected a mapping of names to {_expected(item)}, got {_describe(node)}")
            return None
        errors_before = self.errors()
        result = {}
        for key_node, value_node in node.value:
            key = self.text(key_node, path)
            if key is None:  # not a name (already said), or the walk has stopped
                continue
            where = f"{path}.{key}"
            if key in result:
                self.problem(key_node, where, "duplicate key; keep one")
            result[key] = self.convert(value_node, item, where, depth + 1)
        return None if self.stopped or self.errors() > errors_before else result

    def number(self, node: yaml.Node, kind: type, path: str) -> typing.Any:
        tags = {bool: ("bool",), int: ("int",), float: ("int", "float")}[kind]
        if isinstance(node, yaml.ScalarNode) and node.tag.removeprefix(_TAG) in tags:
            return kind(yaml.safe_load(node.value))
        self.problem(node, path, f"expected {_expected(kind)}, got {_describe(node)}")
        return None

    def mapping(self, node: yaml.Node, kind: type, path: str, depth: int) -> typing.Any:
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, path, f"expected a mapping of {_expected(kind)}, got {_describe(node)}")
            return None
        hints = typing.get_type_hints(kind)
        fields = {f.name: f for f in dataclasses.fields(kind) if f.metadata.get("key", True)}
        values: dict[str, typing.Any] = {}
        seen: dict[str, yaml.Node] = {}
        errors_before = self.errors()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            where = f"{path}.{key}" if path else str(key)
            if key in seen:
                first = seen[key].start_mark.line + 1
                self.problem(key_node, where, f"duplicate key (first set on line {first}); keep one")
                continue
            if key not in fields:
                known = ", ".join(fields)
                severity = "error" if self.strict else "warning"
                self.problem(key_node, where, f"unknown key; expected one of: {known}", severity)
                continue
            seen[key] = key_node
            values[key] = self.convert(value_node, hints[key], where, depth + 1)
        for name, f in fields.items():
            required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
            if required and name not in seen:
                where = f"{path}.{name}" if path else name
                self.problem(node, where, f"missing required key ({_expected(hints[name])})")
        if self.stopped or self.errors() > errors_before:
            return None
        values = {k: v for k, v in values.items() if v is not None}
        return self.finish(kind(**values), node, path)

    def finish(self, obj: typing.Any, node: yaml.Node, path: str) -> typing.Any:
        """Check rules that span a whole object; return it (an organisation's logo as a full path)."""
        prefix = f"{path}." if path else ""
        if isinstance(obj, Organisation):
            if not _COLOUR.fullmatch(obj.colour):
                self.problem(_child(node, "colour"), prefix + "colour",
                             f"expected a colour like #1f4e79, got {excerpt(obj.colour)}")
            elif (ratio := contrast(obj.colour)) < MIN_TEXT_CONTRAST:
                self.problem(_child(node, "colour"), prefix + "colour",
                             f"{obj.colour} on white has a contrast of {ratio:.1f}:1, less than the "
                             f"{MIN_TEXT_CONTRAST}:1 text needs (WCAG 1.4.3); use a darker shade")
            if obj.logo and not obj.logo_alt:
                self.problem(node, prefix + "logo_alt", "a logo needs alt text describing it (logo_alt)")
            if obj.logo:
                obj = self.logo(obj, node, prefix)
        if isinstance(obj, Content) and not TAG.fullmatch(obj.language):
            self.problem(_child(node, "language"), prefix + "language", f"expected a BCP 47 language tag such as "
                         f"en, es, es-US or zh-Hans, got {obj.language!r}")
        if isinstance(obj, (Tier, GetHelp, Section, Table, Figure)):
            obj = self.topic_part(obj, node, prefix)
        for key in ("url", "website"):
            value = getattr(obj, key, None) if isinstance(obj, (Content, Organisation, Source)) else None
            if value and not value.startswith(("https://", "http://")):
                self.problem(_child(node, key), prefix + key,
                             f"expected an address starting with https://, got {excerpt(value)}")
        if isinstance(obj, Content) and obj.url and len(obj.url.encode()) > MAX_URL_BYTES:
            self.problem(_child(node, "url"), prefix + "url", f"the address is {len(obj.url.encode()):,} bytes, more "
                         f"than the {MAX_URL_BYTES:,} a QR code on the handout can hold and still scan")
        for key in ("title", "author", "language", "name"):
            value = getattr(obj, key, None) if isinstance(obj, (Content, Organisation)) else None
            if value and len(value) > MAX_PROPERTY_CHARS:
                self.problem(_child(node, key), prefix + key, f"{len(value):,} characters, more than the limit of "
                             f"{MAX_PROPERTY_CHARS} (a slide deck's document properties hold no more)")
        return obj

    def logo(self, obj: Organisation, node: yaml.Node, prefix: str) -> Organisation:
        """Return `obj` with its logo as a full path, after checking it is an SVG or a PNG of allowed size."""
        from . import pictures

        assert obj.logo is not None
        where, key = _child(node, "logo"), prefix + "logo"
        if obj.logo.lower().startswith("data:"):
            data = _data_uri(obj.logo)
            if data is None or pictures.kind(data) not in ("png", "svg"):
                self.problem(where, key, "expected a data: URI of an SVG or PNG picture (data:image/png;base64,...)")
            elif reason := pictures.problem(data, decode=True) or self.drawn(data):
                self.problem(where, key, f"the data: URI's picture: {reason}")
            return obj
        logo = _local(obj.logo, Path(self.file).parent)
        if logo is None:
            return obj  # a web address: what may be read is decided by the resource policy (fetch.py)
        if logo.suffix.lower() not in (".svg", ".png"):
            self.problem(where, key, f"expected an SVG or PNG file, got {excerpt(logo.name)}")
            return obj
        try:
            logo = logo.resolve(strict=True)
            folders = [folder.resolve() for folder in self.readable]
            if folders and not any(logo.is_relative_to(folder) for folder in folders):
                self.problem(where, key, f"{logo.name}: the file is outside the allowed folders (the content's, "
                             "the brand file's, assets and templates), once links are resolved; not read")
                return obj
            with logo.open("rb") as handle:
                head = handle.read(MAX_LOGO_BYTES + 1)
        except FileNotFoundError:
            self.problem(where, key, f"logo file not found: {logo}")
            return obj
        except RuntimeError:  # a symlink loop, before Python 3.13
            self.problem(where, key, "cannot read the logo: too many levels of symbolic links")
            return obj
        except OSError as exc:
            self.problem(where, key, f"cannot read the logo: {exc.strerror}")
            return obj
        found, expected = pictures.kind(head), logo.suffix.lower()[1:]  # "svg" or "png"
        if found != expected:
            what = "empty" if not head else f"not {'an SVG' if expected == 'svg' else 'a PNG'} picture"
            self.problem(where, key, f"the logo file {logo.name} is {what}")
        elif len(head) > MAX_LOGO_BYTES:
            self.problem(where, key, f"{logo.name} is more than the limit of {MAX_LOGO_BYTES:,} bytes")
        elif reason := pictures.problem(head, decode=True) or self.drawn(head):
            self.problem(where, key, f"{logo.name}: {reason}")
        return dataclasses.replace(obj, logo=str(logo))

    def drawn(self, svg: bytes, depth: int = 0) -> str | None:
        """Return why a picture the SVG `svg` draws cannot be used, naming it; else None.

        A build reads each through the resource policy (fetch.py) and refuses the topic at
        the first it refuses, so `check` says so first: an address without a scheme or with
        one other than file:, data: or http(s):, a file outside the readable folders or
        missing, a picture over the pixel cap. Web addresses are left to the policy; an
        SVG drawn by an SVG is followed three deep.
        """
        from urllib.parse import urlsplit
        from urllib.request import url2pathname

        from . import pictures

        folders = [folder.resolve() for folder in self.readable]
        for link in pictures.svg_links(svg)[:pictures.MAX_SVG_LINKS]:
            scheme = urlsplit(link).scheme.lower() if ADDRESS.match(link) else ""
            name = "a data: URI" if scheme == "data" else excerpt(link)
            if link.startswith("#") or scheme in ("http", "https"):
                continue
            if not scheme:
                return (f"it draws {name}, an address without a scheme, which a build does not follow; "
                        "give the picture as a data: URI or a file: address")
            if scheme not in ("file", "data"):
                return f"it draws {name}; the {scheme}: scheme is not allowed"
            if scheme == "data":
                data = _data_uri(link) or b""
            else:
                try:
                    path = Path(url2pathname(urlsplit(link).path))
                    name = excerpt(path.name)
                    path = path.resolve(strict=True)
                    if folders and not any(path.is_relative_to(folder) for folder in folders):
                        return f"it draws {name}, which is outside the allowed folders once links are resolved"
                    with path.open("rb") as handle:
                        data = handle.read(MAX_FIGURE_BYTES + 1)
                except (OSError, RuntimeError):
                    return f"it draws {name}, which cannot be read (not found, or not a file)"
            reason = pictures.problem(data, decode=True)
            if not reason and depth < 3 and pictures.kind(data) == "svg":
                reason = self.drawn(data, depth + 1)
            if reason:
                return f"it draws {name}: {reason}"
        return None

    def topic_part(self, obj: typing.Any, node: yaml.Node, prefix: str) -> typing.Any:
        """Check the parts of a clinic topic (help tiers, sections, figures, tables); return `obj`."""
        if isinstance(obj, Tier) and not obj.when:
            self.problem(_child(node, "when"), prefix + "when", "a tier needs at least one item saying when to call")
        if isinstance(obj, GetHelp):
            if (obj.phone is None) != (not obj.when):
                missing = "phone" if obj.phone is None else "when"
                self.problem(node, prefix + missing, "missing required key: `phone` and `when` go together "
                             "(the routine tier)")
            elif obj.phone is not None and obj.routine is not None:
                self.problem(_child(node, "routine"), prefix + "routine",
                             "give the routine tier once: either `routine` or `phone` with `when`")
            elif not obj.tiers():
                self.problem(node, prefix.rstrip("."), "expected at least one tier (emergency, urgent, routine) "
                             "or a `phone` with `when`")
        if isinstance(obj, Section) and not (obj.points or obj.steps or obj.figure or obj.table):
            self.problem(node, prefix + "points", "a section needs points, steps, a figure or a table")
        if isinstance(obj, Table):
            width = len(obj.header or [])
            for i, row in enumerate(obj.rows):
                if obj.header and len(row) > width:
                    row_node = _child(node, "rows").value[i]
                    self.problem(row_node, f"{prefix}rows[{i}]",
                                 f"this row has {len(row)} cells, more than the {width} of the header")
            if not obj.rows:
                self.problem(_child(node, "rows"), prefix + "rows", "a table needs at least one row")
        if isinstance(obj, Figure):
            if not obj.alt and not obj.decorative:
                self.problem(node, prefix + "alt", "a figure needs alt text saying what it shows (alt), "
                             "or `decorative: true` if it adds nothing to the text")
            obj = self.figure(obj, node, prefix)
        return obj

    def figure(self, obj: Figure, node: yaml.Node, prefix: str) -> Figure:
        """Return `obj` with its picture as a full path, after checking it is a PNG, JPEG or SVG file of a fair size."""
        where = _child(node, "src")
        local = _local(obj.src, Path(self.file).parent)
        if local is None:
            return obj  # a web address: what may be read is decided by the resource policy (fetch.py)
        from . import pictures

        try:
            picture = local.resolve()
            picture.is_file()
        except (OSError, RuntimeError) as exc:  # a symlink loop, a name too long
            self.problem(where, prefix + "src", f"cannot read the figure: {getattr(exc, 'strerror', None) or exc}")
            return obj
        if picture.suffix.lower() not in FIGURE_TYPES:
            self.problem(where, prefix + "src", f"expected a PNG, JPEG or SVG file, got {excerpt(obj.src)}")
        elif not picture.is_file():
            self.problem(where, prefix + "src", f"figure file not found: {picture}")
        elif self.folders and not any(picture.is_relative_to(folder) for folder in self.folders):
            self.problem(where, prefix + "src", "the figure file is outside the allowed folders ("
                         + ", ".join(map(str, self.folders))
                         + "); put it next to the content file or in the assets folder")
        elif (size := picture.stat().st_size) > MAX_FIGURE_BYTES:
            self.problem(where, prefix + "src", f"the figure file is {size:,} bytes, more than the limit of "
                         f"{MAX_FIGURE_BYTES:,}; make it smaller")
        elif not _is_picture(picture):
            self.problem(where, prefix + "src", f"{excerpt(obj.src)} is not a PNG, JPEG or SVG picture")
        elif reason := (pictures.problem(data := picture.read_bytes(), decode=True)
                        or self.drawn(data)):
            self.problem(where, prefix + "src", f"{picture.name}: {reason}")
        return dataclasses.replace(obj, src=str(picture))

    def cell(self, node: yaml.Node, path: str) -> str | None:
        """Return a table cell's text: empty for "" or nothing, so a log can have blanks to fill in."""
        if isinstance(node, yaml.ScalarNode) and (node.tag == _TAG + "null" or not node.value.strip()):
            return ""
        return self.text(node, path)

    def sequence(self, node: yaml.Node, item: typing.Any, path: str, depth: int) -> list | None:
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, path, f"expected a list of {_expected(item)}, got {_describe(node)}")
            return None
        if len(node.value) > MAX_LIST_ITEMS:
            self.problem(node, path, f"{len(node.value)} items, more than the limit of {MAX_LIST_ITEMS}")
            return None
        errors_before = self.errors()
        items = [self.convert(child, item, f"{path}[{i}]", depth + 1) for i, child in enumerate(node.value)]
        return None if self.stopped or self.errors() > errors_before else items

    def point(self, node: yaml.Node, path: str, depth: int) -> Point | None:
        """Return a bullet point: plain text, or a mapping of its `text` and short `slide` form."""
        if not isinstance(node, yaml.MappingNode):
            text = self.text(node, path)
            return None if text is None else Point(text)
        values: dict[str, str | None] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key not in ("text", "slide") or key in values:
                problem = "duplicate key; keep one" if key in values else "unknown key; expected one of: text, slide"
                self.problem(key_node, f"{path}.{key}", problem,
                             "error" if self.strict or key in values else "warning")
                continue
            values[key] = self.convert(value_node, str, f"{path}.{key}", depth + 1)
        if "text" not in values:
            self.problem(node, f"{path}.text", "missing required key (text)")
        text = values.get("text")
        return None if text is None else Point(text, values.get("slide"))

    def date(self, node: yaml.Node, path: str) -> dt.date | None:
        if isinstance(node, yaml.ScalarNode) and len(node.value) == 10:
            try:
                value = dt.date.fromisoformat(node.value)
            except ValueError:
                pass
            else:
                if YEARS[0] <= value.year <= YEARS[1]:
                    return value
                self.problem(node, path, f"expected a date in the years {YEARS[0]} to {YEARS[1]}, got {value}")
                return None
        self.problem(node, path, f"expected a date like 2026-01-31, got {_describe(node)}")
        return None

    def text(self, node: yaml.Node, path: str) -> str | None:
        if not isinstance(node, yaml.ScalarNode):
            self.problem(node, path, f"expected text, got {_describe(node)}")
            return None
        value = node.value.strip()
        if not value:
            self.problem(node, path, "expected text, got an empty string")
            return None
        if len(value) > MAX_TEXT_CHARS:
            self.problem(node, path, f"text is {len(value):,} characters, more than the limit of {MAX_TEXT_CHARS:,}")
            return None
        self.chars += len(value)
        if self.chars > MAX_TOTAL_CHARS:
            self.stopped = True
            if self.chars - len(value) <= MAX_TOTAL_CHARS:  # say it once
                self.problem(node, path, f"the document's text comes to more than the limit of {MAX_TOTAL_CHARS:,} "
                             "characters (each use of an alias counts)")
            return None
        if bad := _UNPRINTABLE.search(value):
            self.problem(node, path, f"text has the control character U+{ord(bad.group()):04X} at character "
                         f"{bad.start() + 1}; remove it")
            return None
        return value


def _local(reference: str, base: Path) -> Path | None:
    """Return the file a picture reference names (a path from `base`, or a file: URL); None for another address."""
    if not ADDRESS.match(reference):
        return base / reference
    if reference.lower().startswith("file:"):
        from urllib.parse import urlsplit
        from urllib.request import url2pathname

        return Path(url2pathname(urlsplit(reference).path))
    return None


def _data_uri(uri: str) -> bytes | None:
    """Return the bytes of a `data:` URI, or None when it is not a valid one."""
    import base64
    import binascii
    from urllib.parse import unquote_to_bytes

    header, comma, payload = uri[5:].partition(",")
    if not comma:
        return None
    try:
        return base64.b64decode(unquote_to_bytes(payload)) if header.lower().endswith(";base64") \
            else unquote_to_bytes(payload)
    except (binascii.Error, ValueError):
        return None


def _is_picture(path: Path) -> bool:
    """Return whether the file at `path` starts like a PNG, JPEG or SVG picture."""
    from .images import figure_type  # only topics with figures pay for importing the image tools

    try:
        with path.open("rb") as handle:
            return figure_type(handle.read(65536)) is not None
    except OSError:
        return False


def _child(node: yaml.Node, key: str) -> yaml.Node:
    """Return the value node of `key` in `node`, or `node` itself when it has no such key."""
    return next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == key), node)


def _expected(kind: typing.Any) -> str:
    if isinstance(kind, types.UnionType):
        kind = next(a for a in typing.get_args(kind) if a is not type(None))
    if dataclasses.is_dataclass(kind):
        names = [f.name for f in dataclasses.fields(kind)
                 if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING]
        if not names:  # every key optional (get_help): name them all
            return "keys such as " + ", ".join(f.name for f in dataclasses.fields(kind) if f.metadata.get("key", True))
        return "keys " + ", ".join(names)
    if typing.get_origin(kind) is list:
        return "a list of " + _expected(typing.get_args(kind)[0])
    if typing.get_origin(kind) is dict:
        return "a mapping of names to " + _expected(typing.get_args(kind)[1])
    if kind is dt.date:
        return "a date like 2026-01-31"
    return {bool: "true or false", int: "a whole number", float: "a number"}.get(kind, "text")

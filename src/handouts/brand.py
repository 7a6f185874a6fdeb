"""Brand files: a content file's YAML node tree in, the same tree with its brand merged in.

A brand file is a YAML mapping of `Organisation` fields (name, logo, logo_alt, phone,
website, email, colour) that every topic of a clinic shares, so one file drives both
the handout and the slides. The content names it with a top-level `brand:` key
(relative to the content file), or else `handouts.yaml` names it (`brand:`). Its keys
fill in the content's `organisation` mapping, which may then be left out; keys the
content sets itself win. A logo path in a brand file is relative to the brand file.

The merge works on YAML nodes, before validation, and the brand file's nodes carry its
name in their marks: a problem with a brand value is reported at its line in the
brand file, like any other.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from .load import ADDRESS, ContentInvalid, Problem, each_node, parse

_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"


def merge_brand(root: yaml.Node, path: Path, brand: Path | None = None,
                project: Path | None = None) -> tuple[yaml.Node, Path | None]:
    """Return `root` (the content of `path`) with its brand's organisation fields merged in, and the brand file used.

    `brand` is the project's brand file, used when the content names none itself.
    A brand file is content: after resolving symlinks it must be inside `project` (or,
    with no project, the content file's folder), like every file a handout reads.
    Raise `ContentInvalid` when the brand file is missing, outside, unreadable or not a mapping.
    """
    if not isinstance(root, yaml.MappingNode):
        return root, None
    named = _child(root, "brand")
    if isinstance(named, yaml.ScalarNode) and named.tag == _STR and named.value.strip():
        brand = path.parent / named.value.strip()
        try:
            found = brand.is_file()
        except OSError:  # a name too long, a loop: parse() below says which
            found = True
        if not found:
            mark = named.start_mark
            raise ContentInvalid([Problem(str(path), mark.line + 1, mark.column + 1, "brand",
                                          f"brand file not found: {brand}")])
    if brand is None:
        return root, None
    tree = parse(brand, within=(project or path.absolute().parent,))
    if not isinstance(tree, yaml.MappingNode):
        line = tree.start_mark.line + 1 if tree else 0
        raise ContentInvalid([Problem(str(brand), line, 1 if line else 0, "",
                                      "expected a mapping of organisation fields such as name, logo, colour")])
    _name_marks(tree, str(brand))
    fields = [(key, _logo_from(brand.parent, value) if key.value == "logo" else value) for key, value in tree.value]
    own = _child(root, "organisation")
    if own is None:
        key = yaml.ScalarNode(_STR, "organisation", tree.start_mark, tree.start_mark)
        pairs = [*root.value, (key, yaml.MappingNode(_MAP, fields, tree.start_mark, tree.end_mark))]
    elif isinstance(own, yaml.MappingNode):
        mine = {key.value for key, _ in own.value}
        merged = yaml.MappingNode(_MAP, [p for p in fields if p[0].value not in mine] + own.value,
                                  own.start_mark, own.end_mark)
        pairs = [(key, merged if value is own else value) for key, value in root.value]
    else:
        return root, brand  # not a mapping: validation reports it
    return yaml.MappingNode(root.tag, pairs, root.start_mark, root.end_mark), brand


def _child(node: yaml.MappingNode, key: str) -> yaml.Node | None:
    return next((value for k, value in node.value if isinstance(k, yaml.ScalarNode) and k.value == key), None)


def _name_marks(root: yaml.Node, name: str) -> None:
    """Give every node under `root` marks naming the file `name`, each node once (aliases share nodes)."""
    for node in each_node(root):  # libyaml's marks cannot be changed: new ones, with the same place
        node.start_mark, node.end_mark = (yaml.Mark(name, m.index, m.line, m.column, None, 0)
                                          for m in (node.start_mark, node.end_mark))


def _logo_from(folder: Path, node: yaml.Node) -> yaml.Node:
    """Return a logo node whose path is relative to `folder` rewritten as a full path."""
    if not (isinstance(node, yaml.ScalarNode) and node.tag == _STR and node.value.strip()):
        return node
    if ADDRESS.match(node.value.strip()):
        return node  # an address or a data: URI, not a path
    return yaml.ScalarNode(_STR, str(folder.resolve() / node.value.strip()), node.start_mark, node.end_mark)

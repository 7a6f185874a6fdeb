"""Import the modules that load C libraries (WeasyPrint, cairocffi) without the slow library search.

WeasyPrint asks cffi for each library by several names in turn (`libgobject-2.0-0`,
`gobject-2.0-0`, `gobject-2.0`, then the Linux file name `libgobject-2.0.so.0`, ...).
For each name that is not a file the dynamic loader knows, cffi calls
`ctypes.util.find_library`, which on Linux runs `ldconfig -p` and, when that finds
nothing, a C compiler and the linker: about 0.2 s of every import of WeasyPrint and
cairocffi, a third of a cold one-topic build's start.

`import_quickly(name)` imports a module with that search turned off on Linux, so those
names fail at once and the library is loaded by its Linux file name, which the dynamic
loader finds the usual way (`LD_LIBRARY_PATH`, its cache, the system folders). Should
that fail, the module is imported again with the full search, so the outcome (or
WeasyPrint's own message about a missing library) is the same as a plain import.
"""

from __future__ import annotations

import ctypes.util
import importlib
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType


@contextmanager
def no_library_search() -> Iterator[None]:
    """Within the block, `ctypes.util.find_library` finds nothing (on Linux; elsewhere it is untouched)."""
    if not sys.platform.startswith("linux"):
        yield
        return
    original = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        yield
    finally:
        ctypes.util.find_library = original


def import_quickly(name: str) -> ModuleType:
    """Import and return the module `name`, loading its C libraries by file name first (see above)."""
    if name in sys.modules:
        return sys.modules[name]
    try:
        with no_library_search():
            return importlib.import_module(name)
    except OSError:  # a library not under its usual file name: let the full search find it, or say why not
        return importlib.import_module(name)

"""Importing WeasyPrint and cairocffi without the slow library search, with the same outcome."""

import ctypes.util
import json
import subprocess
import sys
import textwrap

import pytest

from handouts.native import import_quickly, no_library_search

linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the search is skipped on Linux only")


def _searches(statement: str) -> list[str]:
    """Return the names `ctypes.util.find_library` is asked for while a new Python runs `statement`."""
    code = textwrap.dedent(f"""
        import ctypes.util, json
        asked, search = [], ctypes.util.find_library
        ctypes.util.find_library = lambda name: asked.append(name) or search(name)
        {statement}
        print(json.dumps(asked))
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


@linux
def test_the_pdf_engine_loads_without_searching_for_libraries():
    assert _searches("import weasyprint")  # a plain import searches (runs ldconfig, a compiler, the linker)
    assert _searches("import handouts.pdf, handouts.fetch") == []
    assert _searches("from handouts.slides import svg_to_png; "
                     "from handouts.native import import_quickly; import_quickly('cairosvg.surface')") == []


@linux
def test_the_search_is_back_after_the_block_even_when_it_fails():
    original = ctypes.util.find_library
    with pytest.raises(RuntimeError), no_library_search():
        assert ctypes.util.find_library("c") is None
        raise RuntimeError
    assert ctypes.util.find_library is original


@linux
def test_a_library_only_the_search_finds_is_still_loaded(tmp_path, monkeypatch):
    (tmp_path / "needs_search.py").write_text(textwrap.dedent("""
        import ctypes.util
        if ctypes.util.find_library("c") is None:
            raise OSError("cannot load library 'libc-by-another-name'")
        FOUND = ctypes.util.find_library("c")
    """))
    monkeypatch.syspath_prepend(str(tmp_path))
    module = import_quickly("needs_search")
    assert module.FOUND
    assert ctypes.util.find_library("c") == module.FOUND
    sys.modules.pop("needs_search", None)


def test_a_missing_library_is_reported_as_a_plain_import_reports_it(tmp_path, monkeypatch):
    (tmp_path / "never_loads.py").write_text("raise OSError(\"cannot load library 'libnothing.so.0'\")\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(OSError, match="libnothing"):
        import_quickly("never_loads")

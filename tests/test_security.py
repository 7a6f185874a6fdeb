"""Safe with any content: what a build may read, content kept as data, nothing lost.

Real components throughout: files on disk, WeasyPrint rendering, a local HTTP server,
`handouts build` in a subprocess killed with SIGKILL, and outputs reopened with
pikepdf and python-pptx.
"""

from __future__ import annotations

import json
import http.server
import io
import os
import random
import signal
import subprocess
import sys
import threading
import time
import tracemalloc
from pathlib import Path

import pikepdf
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape
from pptx import Presentation
from pypdf import PdfReader

from handouts.fetch import Policy, ResourceError, content_keys, fetch, read_picture
from handouts.load import MAX_LIST_ITEMS, MAX_TEXT_CHARS, ContentInvalid, Loaded, load
from handouts.output import UnsafeOutput, output_path
from handouts.bundled import BUNDLED as TEMPLATES
from handouts.render import render_html, render_slide_plan

from .conftest import FIXTURES, run

MINIMAL = (FIXTURES / "minimal.yaml").read_text()
OUTPUTS = ("handout.pdf", "handout-large-print.pdf", "slides.pptx")


def png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "#1f4e79").save(buffer, "PNG")
    return buffer.getvalue()


def with_logo(logo: str) -> str:
    return MINIMAL.replace("  name: Test Clinic", f"  name: Test Clinic\n  logo: {logo}\n  logo_alt: Clinic logo")


def problems_of(path: Path, **kw) -> list[str]:
    with pytest.raises(ContentInvalid) as info:
        load(path, **kw)
    return [str(p) for p in info.value.problems if p.severity == "error"]


def refusal(url: str, policy: Policy) -> str:
    with pytest.raises(ResourceError) as info:
        fetch(url, policy)
    return str(info.value)


class DescribeTheResourcePolicy:
    def it_allows_data_uris_and_files_inside_the_allowed_folders(self, tmp_path):
        (tmp_path / "logo.png").write_bytes(png())
        policy = Policy(folders=(tmp_path,))
        assert fetch((tmp_path / "logo.png").as_uri(), policy) == (png(), "image/png")
        assert fetch("data:text/plain;base64,aGk=", policy) == (b"hi", "text/plain")
        assert fetch("data:,a%20b", policy) == (b"a b", "text/plain")

    @pytest.mark.parametrize("url", ["file:///etc/passwd", "file:///dev/urandom", "file:///proc/self/environ",
                                     "file://otherhost/share/logo.png"])
    def it_refuses_files_outside_the_allowed_folders(self, url, tmp_path):
        message = refusal(url, Policy(folders=(tmp_path,)))
        assert message.startswith(url + ": ")
        assert "outside the allowed folders" in message or "other hosts" in message

    def it_checks_a_symlink_after_resolving_it(self, tmp_path):
        inside, outside = tmp_path / "project", tmp_path / "secrets"
        inside.mkdir(), outside.mkdir()
        (outside / "key.pem").write_text("secret")
        (inside / "logo.png").write_bytes(png())
        (inside / "escape.png").symlink_to(outside / "key.pem")
        (inside / "alias.png").symlink_to(inside / "logo.png")
        (inside / "up").symlink_to(outside, target_is_directory=True)
        policy = Policy(folders=(inside,))
        assert "outside the allowed folders" in refusal((inside / "escape.png").as_uri(), policy)
        assert "outside the allowed folders" in refusal((inside / "up" / "key.pem").as_uri(), policy)
        assert "outside the allowed folders" in refusal(inside.as_uri() + "/../secrets/key.pem", policy)
        assert "outside the allowed folders" in refusal(inside.as_uri() + "/%2e%2e/secrets/key.pem", policy)
        assert fetch((inside / "alias.png").as_uri(), policy)[0] == png()

    def it_refuses_what_is_not_a_regular_file_without_blocking(self, tmp_path):
        os.mkfifo(tmp_path / "pipe.png")
        (tmp_path / "folder.png").mkdir()
        policy = Policy(folders=(tmp_path,))
        assert refusal((tmp_path / "pipe.png").as_uri(), policy).endswith("not a regular file")
        assert "folder.png" in refusal((tmp_path / "folder.png").as_uri(), policy)

    def it_caps_the_size_of_every_resource(self, tmp_path):
        (tmp_path / "big.png").write_bytes(b"x" * 1001)
        (tmp_path / "ok.png").write_bytes(b"x" * 1000)
        policy = Policy(folders=(tmp_path,), max_bytes=1000)
        assert refusal((tmp_path / "big.png").as_uri(), policy).endswith("more than the limit of 1,000 bytes")
        assert len(fetch((tmp_path / "ok.png").as_uri(), policy)[0]) == 1000
        assert "limit" in refusal("data:," + "x" * 1001, policy)
        assert "limit" in refusal("data:;base64," + "eHh4" * 400, policy)

    @pytest.mark.parametrize("url", ["ftp://example.org/logo.png", "gopher://example.org/", "javascript:alert(1)",
                                     "jar:file:///x!/y", "logo.png"])
    def it_refuses_other_schemes(self, url):
        assert "is not allowed" in refusal(url, Policy(folders=()))

    def it_refuses_the_network_unless_allowed(self):
        message = refusal("https://example.org/logo.png", Policy(folders=()))
        assert "network access is off; allow it with --allow-network" in message

    @pytest.mark.parametrize("host", [
        "127.0.0.1", "localhost", "[::1]", "169.254.169.254", "10.0.0.8", "192.168.1.1", "172.16.0.1", "0.0.0.0",
        "100.64.0.1", "224.0.0.1", "[fe80::1]", "[fd00::1]", "[ff02::1]",
        "[::ffff:127.0.0.1]", "[64:ff9b::7f00:1]", "[2002:a00:1::]",  # IPv4 wrapped in IPv6
    ])
    def it_refuses_loopback_link_local_and_private_hosts_even_with_the_network_allowed(self, host):
        message = refusal(f"http://{host}:9/logo.png", Policy(folders=(), allow_network=True))
        assert "loopback, link-local or private address" in message

    def it_reads_slide_pictures_under_the_same_rules(self, tmp_path):
        (tmp_path / "pictures").mkdir()
        (tmp_path / "pictures" / "chart.png").write_bytes(png())
        policy = Policy(folders=(tmp_path,))
        assert read_picture("pictures/chart.png", policy, tmp_path) == png()
        (tmp_path / "pictures" / "50% #1.png").write_bytes(png())
        assert read_picture("pictures/50% #1.png", policy, tmp_path) == png()
        for reference in ("../../../../etc/passwd", "/etc/passwd", "file:///etc/passwd", "http://127.0.0.1/x.png"):
            with pytest.raises(ResourceError):
                read_picture(reference, policy, tmp_path)

    def it_names_the_content_key_that_referenced_a_refused_resource(self, write):
        loaded = load(write(with_logo("http://127.0.0.1/logo.png")))  # an address: left to the policy
        policy = Policy(folders=(TEMPLATES,), keys=content_keys(loaded.content))
        assert refusal("http://127.0.0.1/logo.png", policy).startswith("organisation.logo: http://127.0.0.1/logo.png: ")


def it_finds_every_picture_an_svg_draws_and_nothing_else():
    from handouts.pictures import svg_links

    svg = (b'<svg xmlns="http://www.w3.org/2000/svg"><image href="a.png"/><svg:image width="1"\n xlink:href=\'b.png\'/>'
           b'<filter><feImage href="c&amp;d.png"/></filter><use href="#shape"/><a href="page.html">x</a>'
           b'<IMAGE HREF=" e.svg "/></svg>')
    assert svg_links(svg) == ["a.png", "b.png", "c&d.png", "e.svg"]


def it_follows_an_svg_drawn_by_an_svg_three_deep(write, tmp_path):
    import base64

    from .test_probes import png as blank_png

    bomb = "data:image/png;base64," + base64.b64encode(blank_png(5000, 5000)).decode()
    svg = '<svg xmlns="http://www.w3.org/2000/svg"><image href="{}"/></svg>'
    inner = svg.format(bomb)
    for level in range(4):  # logo.svg draws level-0.svg ... level-3.svg, which draws the bomb
        (tmp_path / f"level-{level}.svg").write_text(inner)
        inner = svg.format((tmp_path / f"level-{level}.svg").as_uri())
    (tmp_path / "logo.svg").write_text(inner)
    content = write(with_logo("logo.svg"))
    assert load(content).content.organisation.logo  # four SVGs deep: left to the build's resource policy
    (tmp_path / "logo.svg").write_text(svg.format((tmp_path / "level-2.svg").as_uri()))
    [problem] = problems_of(content)
    assert problem.endswith("organisation.logo: logo.svg: it draws 'level-2.svg': it draws 'level-1.svg': "
                            "it draws 'level-0.svg': it draws a data: URI: the picture is 5,000 x 5,000 pixels, "
                            "more than the limit of 16,000,000 pixels")


class DescribeTheHandoutRender:
    """Resources WeasyPrint meets while rendering: a refusal or a broken one fails the render."""

    def render(self, html: str, folder: Path):
        from handouts.pdf import Fetcher, write_pdf

        page = f'<html lang="en"><title>Test</title>{html}</html>'
        return write_pdf(page, folder, Fetcher(Policy(folders=(folder,))))

    def it_renders_allowed_pictures(self, tmp_path):
        (tmp_path / "logo.png").write_bytes(png())
        pdf = self.render('<img src="logo.png" alt="Logo"><p>Hello</p>', tmp_path)
        with pikepdf.open(io.BytesIO(pdf)) as document:
            assert document.pages[0].get_images()

    @pytest.mark.parametrize("html", [
        '<img src="file:///etc/passwd" alt="x">',
        '<p style="background: url(file:///etc/hostname)">x</p>',
        '<style>@import url("file:///etc/passwd");</style><p>x</p>',
        '<link rel="stylesheet" href="/etc/passwd"><p>x</p>',
        '<img src="inner.svg" alt="x">',
    ])
    def it_fails_on_a_refused_resource_anywhere_svgs_included(self, html, tmp_path):
        (tmp_path / "inner.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
                                            '<image href="file:///etc/passwd" width="10" height="10"/></svg>')
        with pytest.raises(ResourceError) as info:
            self.render(html, tmp_path)
        assert "/etc/" in str(info.value) and "outside the allowed folders" in str(info.value)

    def it_fails_instead_of_leaving_out_a_picture_it_cannot_read(self, tmp_path):
        (tmp_path / "logo.png").write_bytes(b"not a picture")
        with pytest.raises(ResourceError) as info:
            self.render('<img src="logo.png" alt="Logo">', tmp_path)
        assert str(info.value) == f"{(tmp_path / 'logo.png').as_uri()}: WeasyPrint cannot use it as an image"

    def it_keeps_the_old_signature_with_only_the_templates_folder_allowed(self):
        from handouts.pdf import write_pdf

        page = '<html lang="en"><title>Test</title>{}</html>'
        assert write_pdf(page.format("<p>Hello</p>"), TEMPLATES).startswith(b"%PDF")
        with pytest.raises(ResourceError):
            write_pdf(page.format('<img src="../README.md" alt="x">'), TEMPLATES)


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str]

    def do_GET(self):
        self.requests.append(self.path)
        if self.path == "/moved.png":
            self.send_response(302)
            self.send_header("Location", "/logo.png")
            self.end_headers()
            return
        body = png() if self.path != "/big.png" else b"x" * 5000
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    """A local HTTP server on 127.0.0.1 that records every request; its port and the requests."""
    handler = type("Handler", (_Recorder,), {"requests": []})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield httpd.server_address[1], handler.requests
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


class DescribeABuildThatReferencesTheNetworkOrLocalFiles:
    @pytest.mark.parametrize("flags", [(), ("--allow-network",)])
    def it_never_reaches_a_loopback_server(self, flags, server, write, tmp_path):
        port, requests = server
        path = write(with_logo(f"http://127.0.0.1:{port}/logo.png"))
        result = run("build", str(path), "--out", str(tmp_path / "out"), *flags)
        assert result.code == 1
        assert f"organisation.logo: http://127.0.0.1:{port}/logo.png: " in result.err
        assert ("loopback" if flags else "network access is off") in result.err
        assert "Traceback" not in result.err
        assert requests == []
        assert not (tmp_path / "out").exists()

    def it_reaches_it_only_when_the_private_network_is_allowed_too(self, server, write, tmp_path):
        port, requests = server
        path = write(with_logo(f"http://127.0.0.1:{port}/logo.png"))
        config = write("allow_network: true\nallow_private_network: true\n", "handouts.yaml")
        result = run("build", str(path), "--out", str(tmp_path / "out"), "--config", str(config))
        assert result.code == 0, result.err
        assert requests and set(requests) == {"/logo.png"}

    @pytest.mark.parametrize("flags", [(), ("--allow-network",)])
    def it_refuses_a_local_file_outside_the_project(self, flags, server, write, tmp_path):
        _, requests = server
        path = write(with_logo("file:///etc/passwd"))
        result = run("build", str(path), "--out", str(tmp_path / "out"), *flags)
        assert result.code == 1
        assert f"\n{path}:20:9: organisation.logo: expected an SVG or PNG file, got 'passwd'" in "\n" + result.err
        assert "Traceback" not in result.err and requests == []
        assert not (tmp_path / "out").exists()

    def it_reads_the_configured_assets_folder_within_the_configured_size(self, write, tmp_path):
        (tmp_path / "shared").mkdir()
        (tmp_path / "shared" / "logo.png").write_bytes(png())
        (tmp_path / "topic").mkdir()
        content = write(with_logo(str(tmp_path / "shared" / "logo.png")), "topic/content.yaml")
        out = str(tmp_path / "out")
        refused = run("build", str(content), "--out", out)
        assert refused.code == 1 and "organisation.logo" in refused.err and "outside the allowed folders" in refused.err
        config = write("assets: shared\n", "handouts.yaml")
        assert run("build", str(content), "--out", out, "--config", str(config)).code == 0
        config = write("assets: shared\nmax_resource_bytes: 10\n", "handouts.yaml")
        too_big = run("build", str(content), "--out", out, "--config", str(config))
        assert too_big.code == 1 and "more than the limit of 10 bytes" in too_big.err

    def it_follows_no_redirect_and_caps_what_the_server_sends(self, server):
        port, requests = server
        policy = Policy(folders=(), allow_network=True, allow_private_network=True, max_bytes=1000)
        assert fetch(f"http://127.0.0.1:{port}/logo.png", policy) == (png(), "image/png")
        assert "redirects are not followed" in refusal(f"http://127.0.0.1:{port}/moved.png", policy)
        assert "more than the limit of 1,000 bytes" in refusal(f"http://127.0.0.1:{port}/big.png", policy)
        assert requests == ["/logo.png", "/moved.png", "/big.png"]

    def it_builds_with_a_picture_from_the_content_folder(self, write, tmp_path):
        (tmp_path / "logo.png").write_bytes(png())
        result = run("build", str(write(with_logo(str(tmp_path / "logo.png")))), "--out", str(tmp_path / "out"))
        assert result.code == 0, result.err


def pdf_text(path: Path) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())


def deck_text(path: Path) -> list[str]:
    prs = Presentation(path)
    return [p.text for slide in prs.slides for shape in slide.shapes if shape.has_text_frame
            for p in shape.text_frame.paragraphs]


class DescribeContentIsData:
    HOSTILE = "{{ 7*7 }} and <script>alert(1)</script> &amp; {% raw %}"

    def it_shows_template_syntax_and_markup_literally_in_both_outputs(self, write, tmp_path):
        text = MINIMAL.replace("It keeps you well.", f"'{self.HOSTILE}'")
        result = run("build", str(write(text)), "--out", str(tmp_path / "out"))
        assert result.code == 0, result.err
        assert self.HOSTILE in pdf_text(tmp_path / "out" / "handout.pdf")
        assert self.HOSTILE in deck_text(tmp_path / "out" / "slides.pptx")
        assert "49" not in pdf_text(tmp_path / "out" / "handout.pdf")

    def it_escapes_markup_in_the_html(self, write):
        content = load(write(MINIMAL.replace("It keeps you well.", f"'{self.HOSTILE}'"))).content
        html = render_html(content)
        assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "{{ 7*7 }}" in html

    @pytest.mark.parametrize("tag", ["!!python/object/apply:os.system [ls]", "!!python/name:os.system",
                                     "!custom value", "!!binary aGk=", "!!set {a, b}", "!!omap [a: 1]"])
    def it_refuses_tags_that_are_not_plain_data(self, tag, write):
        [message] = problems_of(write(MINIMAL.replace("title: Test handout", f"title: {tag}")))
        assert "is not allowed; content is plain text, lists and mappings" in message

    def it_refuses_duplicate_keys_at_any_depth(self, write):
        text = MINIMAL.replace("    notes: Talk about water.", "    notes: Talk about water.\n    heading: Again")
        [message] = problems_of(write(text))
        assert message.endswith("sections[0].heading: duplicate key (first set on line 5); keep one")

    def it_fails_fast_on_a_billion_laughs_with_bounded_memory(self, write):
        lines = ['a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]']
        lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
        classic = "\n".join(lines) + "\n" + MINIMAL.replace("summary: [Water helps., Drink often.]", "summary: *a9")
        shaped = ("p: &p [" + ", ".join(["Drink water."] * 200) + "]\ns: &s {heading: Water, points: *p}\n"
                  + MINIMAL.replace("sections:\n", "sections: [" + ", ".join(["*s"] * 200) + "]\nold_sections:\n"))
        for name, text in (("classic.yaml", classic), ("shaped.yaml", shaped)):
            path = write(text, name)
            tracemalloc.start()
            started = time.monotonic()
            messages = problems_of(path)
            elapsed, peak = time.monotonic() - started, tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            assert elapsed < 5 and peak < 50_000_000, (name, elapsed, peak)
            assert messages and len(messages) <= 20_001
        assert any("limit 20,000 values" in m for m in messages)

    def it_refuses_deep_nesting(self, write):
        [message] = problems_of(write("title: " + "[" * 5000 + "]" * 5000))
        assert message.endswith("the YAML is nested too deeply")
        nested = "{a: " * 30 + "x" + "}" * 30
        [message] = problems_of(write(MINIMAL.replace("Drink water every day.", nested)))
        assert "main_message: expected text, got a mapping" in message

    def it_caps_the_file_size_configurably(self, write, tmp_path):
        path = write(MINIMAL)
        assert "more than the limit of 100 bytes" in problems_of(path, max_bytes=100)[0]
        assert len(MINIMAL.encode()) > 100 and load(path, max_bytes=len(MINIMAL.encode()))
        started = time.monotonic()
        [message] = problems_of(Path("/dev/zero"))
        assert message == "/dev/zero: file is more than the limit of 1,000,000 bytes" and time.monotonic() - started < 2
        config = write("max_file_bytes: 100\n", "handouts.yaml")
        result = run("check", str(path), "--config", str(config))
        assert result.code == 1 and "file is more than the limit of 100 bytes" in result.out
        assert run("check", str(path)).code == 0
        assert "max_file_bytes: expected a whole number above 0" in run(
            "check", str(path), "--config", str(write("max_file_bytes: 0\n", "zero.yaml"))).err

    def it_accepts_any_valid_utf8_with_bom_and_crlf(self, write):
        text = MINIMAL.replace("It keeps you well.", "Ça va 😀 مرحبا 水 — «ok»")
        loaded = load(write(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode()))
        assert loaded.content.sections[0].points[1] == "Ça va 😀 مرحبا 水 — «ok»"

    def it_names_the_byte_offset_of_invalid_utf8_counting_a_bom(self, write):
        data = b"\xef\xbb\xbf" + MINIMAL.encode()
        [message] = problems_of(write(data[:20] + b"\xc3\x28" + data[20:]))
        assert message.endswith("not valid UTF-8 at byte offset 20; save the file as UTF-8")

    @pytest.mark.parametrize("escape", ["\\x01", "\\x7f", "\\x85", "\\x9b", "\\ud800", "\\uffff"])
    def it_refuses_control_characters_that_would_break_the_outputs(self, escape, write):
        [message] = problems_of(write(MINIMAL.replace("title: Test handout", f'title: "Test{escape}handout"')))
        assert "title: text has the control character U+" in message and "at character 5" in message

    @pytest.mark.parametrize("what, old, new, expected", [
        ("sections", "sections:\n", "sections: [" + ", ".join(["{heading: H, points: [P.]}"] * 201) + "]\nx:\n",
         f"sections: 201 items, more than the limit of {MAX_LIST_ITEMS}"),
        ("points", "[Your body needs water., It keeps you well.]", "[" + ", ".join(["P."] * 201) + "]",
         f"sections[0].points: 201 items, more than the limit of {MAX_LIST_ITEMS}"),
        ("text", "Drink water every day.", "x" * (MAX_TEXT_CHARS + 1),
         f"main_message: text is {MAX_TEXT_CHARS + 1:,} characters, more than the limit of {MAX_TEXT_CHARS:,}"),
        ("values", "sections:\n", "sections: [" + ", ".join(["{heading: H, points: [" + ", ".join(["P."] * 150) + "]}"]
                                                             * 150) + "]\nx:\n", "limit 20,000 values"),
    ])
    def it_limits_what_a_file_can_make_the_renderer_do(self, what, old, new, expected, write):
        started = time.monotonic()
        messages = problems_of(write(MINIMAL.replace(old, new, 1)))
        assert any(expected in m for m in messages), messages
        assert time.monotonic() - started < 5


class DescribeOutputsStayInTheOutputFolder:
    @pytest.mark.parametrize("name", ["../handout.pdf", "/tmp/handout.pdf", "topic/../../x.pdf", "..", "",
                                      "a\\..\\..\\b.pdf", "x\0.pdf"])
    def it_refuses_names_that_escape(self, name, tmp_path):
        with pytest.raises(UnsafeOutput):
            output_path(tmp_path / "out", name)

    def it_refuses_a_slug_folder_that_is_a_symlink_out(self, tmp_path):
        (tmp_path / "out").mkdir()
        (tmp_path / "elsewhere").mkdir()
        (tmp_path / "out" / "topic").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
        with pytest.raises(UnsafeOutput, match="through a symlink"):
            output_path(tmp_path / "out", "topic/handout.pdf")

    def it_accepts_names_and_slugs_inside(self, tmp_path):
        assert output_path(tmp_path, "water/handout.pdf") == tmp_path / "water" / "handout.pdf"
        assert output_path(tmp_path, "handout.pdf") == tmp_path / "handout.pdf"


def assert_outputs_whole(out: Path, titles: set[str]) -> None:
    """Assert every output opens and is a complete earlier or later build; no temp file looks like one."""
    for entry in out.iterdir():
        if entry.name in OUTPUTS:
            continue
        if entry.name == ".handouts-manifest.json":  # the manifest is replaced atomically too
            json.loads(entry.read_text())
            continue
        assert entry.name.startswith(".") and entry.name.endswith(".tmp"), entry.name
    for name in ("handout.pdf", "handout-large-print.pdf"):
        with pikepdf.open(out / name) as pdf, pdf.open_metadata() as meta:
            assert meta["dc:title"] in titles
    assert Presentation(out / "slides.pptx").core_properties.title in titles


def wait_for_a_temp_file(out: Path, build: subprocess.Popen, deadline: float) -> None:
    """Return once a temporary output file appears in `out`, the build ends, or `deadline` passes."""
    while time.monotonic() < deadline and build.poll() is None:
        if any(name.endswith(".tmp") for name in os.listdir(out)):
            return
        time.sleep(0.001)


class DescribeABuildKilledAtAnyMoment:
    def it_leaves_each_output_the_previous_or_the_new_complete_file(self, tmp_path):
        content, out = tmp_path / "content.yaml", tmp_path / "out"
        content.write_text(MINIMAL)
        command = [sys.executable, "-m", "handouts", "build", str(content), "--out", str(out)]
        started = time.monotonic()
        subprocess.run(command, check=True, capture_output=True, timeout=120)
        duration = time.monotonic() - started
        titles = {"Test handout"}
        seed = random.randrange(2**32)
        rng = random.Random(seed)
        for kill in range(8):
            title = f"Test handout {kill}"
            content.write_text(MINIMAL.replace("Test handout", title))
            titles.add(title)
            build = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if kill % 2:
                time.sleep(rng.uniform(0.0, 1.1) * duration)
            else:  # most of a build is start-up: half the kills aim at the moment outputs are written
                wait_for_a_temp_file(out, build, deadline=time.monotonic() + 3 * duration)
                time.sleep(rng.uniform(0.0, 0.01))
            build.send_signal(signal.SIGKILL)
            build.wait(timeout=30)
            try:
                assert_outputs_whole(out, titles)
            except Exception as exc:  # an output that does not open raises pikepdf's or pptx's own error
                raise AssertionError(f"random seed {seed}, kill {kill}: {exc!r}") from exc


def _yaml_values():
    scalars = (st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30) | st.dates())
    return st.recursive(scalars, lambda children: st.lists(children, max_size=4)
                        | st.dictionaries(st.text(max_size=12), children, max_size=4), max_leaves=25)


KEY_PATHS = ["title", "main_message", "summary", "summary[0]", "sections", "sections[0]", "sections[0].heading",
             "sections[0].points", "sections[0].points[0]", "sections[0].notes", "get_help", "get_help.when",
             "glossary[0]", "glossary[0].term", "sources[0].url", "organisation", "organisation.colour",
             "organisation.logo", "published", "review", "language", "extra"]


def _set(document: dict, path: str, value) -> dict:
    """Return `document` with the value at `path` (e.g. sections[0].points) replaced."""
    parts = path.replace("[", ".").replace("]", "").split(".")
    target = document
    for part in parts[:-1]:
        target = target[int(part)] if part.isdigit() else target[part]
    last = parts[-1]
    target[int(last) if last.isdigit() else last] = value
    return document


def _outcome(path: Path) -> Loaded | None:
    """Return what `load` gives for `path`, or None for ContentInvalid; anything else fails the test."""
    try:
        return load(path)
    except ContentInvalid as exc:
        assert exc.problems and all(str(p) for p in exc.problems)
        return None


PROPERTY = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    """One file that each generated example overwrites."""
    return tmp_path_factory.mktemp("property") / "content.yaml"


class DescribeLeftoversOfAKilledBuild:
    def it_removes_old_temporary_files_of_an_output_when_writing_it_again(self, tmp_path):
        import os
        import time

        from handouts.output import STALE_SECONDS, write_atomic

        target = tmp_path / "handout.pdf"
        old, fresh = tmp_path / ".handout.pdf.abc123.tmp", tmp_path / ".handout.pdf.def456.tmp"
        other = tmp_path / ".notes.txt.abc123.tmp"
        for path in (old, fresh, other):
            path.write_bytes(b"%PDF-partial")
        long_ago = time.time() - STALE_SECONDS - 60
        for path in (old, other):
            os.utime(path, (long_ago, long_ago))
        write_atomic(target, b"%PDF-whole")
        assert target.read_bytes() == b"%PDF-whole"
        assert not old.exists()  # a killed build's leftover
        assert fresh.exists()  # may belong to a build running now
        assert other.exists()  # not this output's


class DescribeTheLoaderOnArbitraryInput:
    @PROPERTY
    @given(data=st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
    def it_gives_content_or_a_content_error_for_any_bytes(self, scratch, data):
        scratch.write_bytes(data)
        _outcome(scratch)

    @PROPERTY
    @given(value=_yaml_values())
    def it_gives_content_or_a_content_error_for_any_yaml_document(self, scratch, value):
        scratch.write_text(yaml.safe_dump(value, allow_unicode=True))
        _outcome(scratch)

    @PROPERTY
    @given(path=st.sampled_from(KEY_PATHS), value=_yaml_values())
    def it_gives_content_or_a_content_error_when_any_key_holds_anything(self, scratch, path, value):
        document = _set(yaml.safe_load(MINIMAL), path, value)
        scratch.write_text(yaml.safe_dump(document, allow_unicode=True))
        _outcome(scratch)

    @PROPERTY
    @given(text=st.text(min_size=1, max_size=60))
    def it_keeps_any_accepted_text_literal_in_the_html_and_the_slide_plan(self, scratch, text):
        document = _set(yaml.safe_load(MINIMAL), "sections[0].points[0]", text)
        scratch.write_text(yaml.safe_dump(document))  # escaped, so a raw NEL is not read back as a line break
        loaded = _outcome(scratch)
        if loaded is None:
            return
        point = loaded.content.sections[0].points[0]
        assert point == text.strip()
        plan = render_slide_plan(loaded.content)
        assert any(slide.get("bullets") and slide["bullets"][0] == point for slide in plan)
        assert str(escape(point)) in render_html(loaded.content)

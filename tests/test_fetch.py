"""Fetching under the policy: what a server or an address can do wrong is refused with its reason.

A real HTTP server on the loopback address answers (the policy allows the private
network for it); name resolution is replaced only where a test needs a host name to
resolve somewhere chosen, or to fail, without depending on the machine's DNS.
"""

from __future__ import annotations

import base64
import dataclasses
import http.server
import ipaddress
import os
import socket
import threading

import pytest

from handouts import fetch as fetching
from handouts.fetch import MAX_RESOURCE_BYTES, Policy, ResourceError, fetch

NETWORK = Policy(folders=(), allow_network=True, allow_private_network=True, max_bytes=1000)
PUBLIC_ONLY = Policy(folders=(), allow_network=True)


def refusal(url: str, policy: Policy = NETWORK) -> str:
    with pytest.raises(ResourceError) as info:
        fetch(url, policy)
    assert info.value.resource == url
    return info.value.reason


class _Server(http.server.BaseHTTPRequestHandler):
    seen: list[dict]

    def do_GET(self):
        self.seen.append({"path": self.path, **{k.lower(): v for k, v in self.headers.items()}})
        if self.path.startswith("/status/"):
            self.send_response(int(self.path.rsplit("/", 1)[1]))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.path == "/endless":
            return self.endless()
        status, body, kind = {
            "/missing.png": (404, b"<html>Not Found</html>", "text/html"),
            "/broken.css": (500, b"body { color: red }", "text/css"),
            "/style.css": (200, b"p { color: navy }", "text/css; charset=utf-8"),
        }.get(self.path.split("?")[0], (200, b"\x89PNG picture", "image/png"))
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def endless(self):
        """Send up to 256 MB without a length; note in `seen` whether the reader hung up first."""
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        chunk = b"x" * 65536
        try:
            for _ in range(4096):
                self.wfile.write(chunk)
            self.seen.append({"path": "sent everything"})
        except OSError:
            self.seen.append({"path": "reader hung up"})

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    """A loopback HTTP server: its port and the requests it saw (path and headers)."""
    handler = type("Handler", (_Server,), {"seen": []})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield httpd.server_address[1], handler.seen
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


@pytest.fixture
def resolver(monkeypatch):
    """Make name resolution answer from a table {host: [addresses]}; record every (name, port) asked."""
    table: dict[str, list[str]] = {}
    asked: list[tuple[str, int]] = []

    def getaddrinfo(host, port, *args, **kwargs):
        try:
            ipaddress.ip_address(host)
            addresses = [host]  # connecting to an address looks it up too
        except ValueError:
            asked.append((host, port))
            addresses = table.get(host)
        if addresses is None:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
                for a in addresses]

    monkeypatch.setattr(fetching.socket, "getaddrinfo", getaddrinfo)
    return table, asked


class DescribeAServer:
    def it_gives_the_body_and_its_content_type(self, server):
        port, seen = server
        assert fetch(f"http://127.0.0.1:{port}/style.css", NETWORK) == (b"p { color: navy }", "text/css")
        assert fetch(f"http://127.0.0.1:{port}/logo.png", NETWORK) == (b"\x89PNG picture", "image/png")

    @pytest.mark.parametrize(("path", "status"), [("/missing.png", 404), ("/broken.css", 500)])
    def it_refuses_an_error_page_as_a_picture_or_stylesheet(self, path, status, server):
        port, _ = server
        assert refusal(f"http://127.0.0.1:{port}{path}") == f"the server answered HTTP {status}"

    @pytest.mark.parametrize(("status", "reason"), [
        (300, "the server redirects (HTTP 300); redirects are not followed"),
        (399, "the server redirects (HTTP 399); redirects are not followed"),
        (400, "the server answered HTTP 400"),
        (204, "the server answered HTTP 204"),
    ])
    def it_follows_no_redirect_and_takes_only_a_200(self, status, reason, server):
        port, _ = server
        assert refusal(f"http://127.0.0.1:{port}/status/{status}") == reason

    def it_stops_reading_a_server_that_sends_without_end_at_the_limit(self, server):
        port, seen = server
        assert refusal(f"http://127.0.0.1:{port}/endless") == "more than the limit of 1,000 bytes"
        for _ in range(100):  # the server notices the hang-up on its next write
            if len(seen) == 2:
                break
            threading.Event().wait(0.05)
        assert seen[1] == {"path": "reader hung up"}

    def it_asks_for_the_path_and_query_plainly_and_names_itself(self, server):
        port, seen = server
        fetch(f"http://127.0.0.1:{port}/logo.png?v=2#top", NETWORK)
        fetch(f"http://127.0.0.1:{port}", NETWORK)
        assert [s["path"] for s in seen] == ["/logo.png?v=2", "/"]
        assert seen[0]["user-agent"] == "handouts" and seen[0]["accept-encoding"] == "identity"
        assert seen[0]["host"] == f"127.0.0.1:{port}"

    def it_connects_to_the_address_it_checked_and_names_the_host(self, server, resolver):
        port, seen = server
        table, asked = resolver
        table["clinic.test"] = ["127.0.0.1"]
        assert fetch(f"http://clinic.test:{port}/logo.png", NETWORK)[0] == b"\x89PNG picture"
        assert asked == [("clinic.test", port)]  # resolved once: no second answer to trust
        assert seen[0]["host"] == f"clinic.test:{port}"

    def it_speaks_tls_to_an_https_address(self, server):
        port, seen = server
        reason = refusal(f"https://127.0.0.1:{port}/logo.png")
        assert reason.startswith("cannot fetch: ") and "SSL" in reason.upper()
        assert seen == []  # the plain-HTTP server never saw a request

    def it_reports_a_closed_port(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]  # nothing listens on it once closed
        reason = refusal(f"http://127.0.0.1:{port}/logo.png")
        assert reason.startswith("cannot fetch: ") and "refused" in reason.lower()


class DescribeAnAddress:
    def it_says_how_to_allow_the_network_when_it_is_off(self):
        assert refusal("https://clinic.test/logo.png", Policy(folders=())) == (
            "network access is off; allow it with --allow-network or allow_network: true in handouts.yaml")

    def it_says_how_to_allow_a_private_address(self, resolver):
        table, _ = resolver
        table["intranet.test"] = ["192.168.1.10"]
        assert refusal("http://intranet.test/logo.png", PUBLIC_ONLY) == (
            "intranet.test is a loopback, link-local or private address (192.168.1.10); allow it with "
            "allow_private_network: true in handouts.yaml")

    def it_reports_a_name_that_does_not_resolve(self, resolver):
        reason = refusal("https://no-such-clinic.test/logo.png")
        assert reason.startswith("cannot resolve 'no-such-clinic.test': ")

    @pytest.mark.parametrize(("url", "port"), [("https://clinic.test/logo.png", 443),
                                               ("http://clinic.test/logo.png", 80),
                                               ("https://clinic.test:8443/logo.png", 8443),
                                               ("HTTPS://clinic.test/logo.png", 443)])
    def it_uses_the_scheme_s_default_port_unless_one_is_given(self, url, port, resolver):
        _, asked = resolver
        refusal(url)
        assert asked == [("clinic.test", port)]

    @pytest.mark.parametrize(("url", "reason"), [
        ("http:///logo.png", "the address has no host name"),
        ("http://clinic.test:99999/logo.png", "Port out of range 0-65535"),
        ("http://[::1/logo.png", "an address without a scheme is not allowed; use a file in the project's "
                                 "folders or a data: URI"),
        ("https://", "the address has no host name"),
    ])
    def it_refuses_a_malformed_address(self, url, reason, resolver):
        assert refusal(url) == reason

    def it_refuses_a_name_when_any_of_its_addresses_is_private(self, resolver):
        table, _ = resolver
        table["mixed.test"] = ["93.184.216.34", "10.0.0.8"]
        assert "loopback, link-local or private address (10.0.0.8)" in refusal("http://mixed.test/", PUBLIC_ONLY)

    def it_refuses_a_global_multicast_address(self, resolver):
        table, _ = resolver
        table["multi.test"] = ["ff0e::1"]
        assert "private address (ff0e::1)" in refusal("http://multi.test/", PUBLIC_ONLY)

    def it_refuses_private_addresses_wrapped_in_ipv6_only_when_not_allowed(self, resolver):
        table, asked = resolver
        table["wrapped.test"] = ["64:ff9b::a00:8"]
        assert "private address (10.0.0.8)" in refusal("http://wrapped.test/", PUBLIC_ONLY)

    @pytest.mark.parametrize(("scheme", "port"), [("http", 80), ("https", 443)])
    def it_connects_to_the_public_address_it_checked_with_a_timeout(self, scheme, port, resolver, monkeypatch):
        table, _ = resolver
        table["public.test"] = ["93.184.216.34", "2606:2800:220:1::"]
        connected = []

        def create_connection(address, timeout=None, *args):
            connected.append((address, timeout))
            raise ConnectionRefusedError(111, "Connection refused")

        monkeypatch.setattr(fetching.socket, "create_connection", create_connection)
        reason = refusal(f"{scheme}://public.test/logo.png", PUBLIC_ONLY)
        assert reason == "cannot fetch: [Errno 111] Connection refused"
        assert connected == [(("93.184.216.34", port), fetching.TIMEOUT_SECONDS)]


class DescribeTheRenderersFetcher:
    def it_gives_the_type_and_records_every_refusal(self):
        from handouts.pdf import Fetcher

        fetcher = Fetcher(Policy(folders=()))
        assert fetcher.fetch("data:text/css,p{}").content_type == "text/css"
        with pytest.raises(ResourceError):
            fetcher.fetch("ftp://clinic.test/a.css")
        assert [e.reason for e in fetcher.errors] == [
            "the ftp: scheme is not allowed; use a file in the project's folders or a data: URI"]


class DescribeContentKeys:
    def it_names_every_text_by_its_first_key_path(self):
        @dataclasses.dataclass
        class Part:
            points: list[str]

        @dataclasses.dataclass
        class Whole:
            title: str
            parts: list[Part]

        keys = fetching.content_keys(Whole("Water", [Part(["a.png", "Water"]), Part(["b.png", "a.png"])]))
        assert keys == {"Water": "title", "a.png": "parts[0].points[0]", "b.png": "parts[1].points[0]"}


class DescribeTheMessage:
    def it_shows_an_address_of_up_to_120_characters_whole(self):
        url = "data:" + "x" * 115
        assert str(ResourceError(url, "why")) == f"{url}: why"

    def it_shortens_a_longer_address_to_120_characters(self):
        url = "data:" + "x" * 116
        assert str(ResourceError(url, "why")) == url[:117] + "...: why"
        assert str(ResourceError(url, "why", "organisation.logo")) == "organisation.logo: " + url[:117] + "...: why"

    @pytest.mark.parametrize(("value", "url"), [
        ("https://clinic.test/logo.png", "https://clinic.test/logo.png"),
        ("pictures/my logo.png", "file:///project/pictures/my%20logo.png"),
        ("./pictures/logo.png", "file:///project/pictures/logo.png#top"),
        ("ab.c", "file:///project/ab.c"),
    ])
    def it_names_the_key_whose_value_refers_to_the_address(self, value, url):
        policy = Policy(folders=(), keys={"Water": "title", value: "organisation.logo"})
        assert policy.key_for(url) == "organisation.logo"

    def it_does_not_match_a_value_of_three_characters_by_its_ending(self):
        assert Policy(folders=(), keys={"a.b": "title"}).key_for("file:///project/a.b") is None


class DescribeADataUri:
    def it_decodes_base64_and_percent_escapes_with_the_type_it_names(self):
        png = base64.b64encode(b"\x89PNG data").decode()
        assert fetch(f"data:image/png;base64,{png}", NETWORK) == (b"\x89PNG data", "image/png")
        assert fetch(f"data:image/png;BASE64,{png}", NETWORK) == (b"\x89PNG data", "image/png")
        assert fetch("data:text/css,p%20%7B%7D", NETWORK) == (b"p {}", "text/css")
        assert fetch("data:,plain", NETWORK) == (b"plain", "text/plain")
        assert fetch("data:;charset=utf-8,plain", NETWORK) == (b"plain", "text/plain")

    def it_refuses_one_without_a_comma(self):
        assert refusal("data:image/png;base64") == "a data: URI needs a comma before its data"

    def it_refuses_invalid_base64(self):
        assert refusal("data:image/png;base64,abc") == "the data: URI is not valid base64"

    @pytest.mark.parametrize("size", [1000, 998, 999])
    def it_accepts_base64_of_exactly_the_limit(self, size):
        payload = base64.b64encode(b"x" * size).decode()
        assert fetch(f"data:;base64,{payload}", NETWORK)[0] == b"x" * size
        too_big = base64.b64encode(b"x" * 1001).decode()
        assert refusal(f"data:;base64,{too_big}") == "more than the limit of 1,000 bytes"

    def it_accepts_percent_escaped_data_of_exactly_the_limit(self):
        assert fetch("data:," + "%41" * 1000, NETWORK)[0] == b"A" * 1000
        assert refusal("data:," + "%41" * 1001) == "more than the limit of 1,000 bytes"
        assert refusal("data:," + "A" * 1001) == "more than the limit of 1,000 bytes"

    def it_accepts_the_default_limit_in_full(self):
        payload = base64.b64encode(bytes(MAX_RESOURCE_BYTES)).decode()
        data, _ = fetch(f"data:;base64,{payload}", Policy(folders=()))
        assert len(data) == MAX_RESOURCE_BYTES

    def it_refuses_an_oversized_one_before_decoding_it(self, monkeypatch):
        decoded = []
        monkeypatch.setattr(fetching, "unquote_to_bytes", lambda text: decoded.append(len(text)) or b"")
        longest = 1000 * 4 // 3 + 4  # the base64 of 1,000 bytes, with room for padding
        assert refusal("data:;base64," + "A" * (longest + 1)) == "more than the limit of 1,000 bytes"
        assert refusal("data:," + "A" * 1001) == "more than the limit of 1,000 bytes"
        assert decoded == []
        fetch("data:;base64," + "A" * longest, NETWORK)
        assert decoded == [longest]


def _open_descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


class DescribeAFile:
    def it_reads_a_file_by_url_with_its_type_and_localhost_as_this_machine(self, tmp_path):
        (tmp_path / "style.css").write_text("p {}")
        (tmp_path / "notes.unknownext").write_bytes(b"?")
        policy = Policy(folders=(tmp_path,))
        assert fetch((tmp_path / "style.css").as_uri(), policy) == (b"p {}", "text/css")
        assert fetch(f"file://localhost{tmp_path}/style.css", policy) == (b"p {}", "text/css")
        assert fetch((tmp_path / "notes.unknownext").as_uri(), policy)[1] == "application/octet-stream"

    def it_names_the_allowed_folders_when_it_refuses_a_file(self, tmp_path):
        (tmp_path / "a").mkdir()
        (tmp_path / "b").mkdir()
        (tmp_path / "secret.css").write_text("p {}")
        policy = Policy(folders=(tmp_path / "a", tmp_path / "b"))
        assert refusal((tmp_path / "secret.css").as_uri(), policy) == (
            f"the file is outside the allowed folders ({tmp_path / 'a'}, {tmp_path / 'b'})")

    def it_refuses_a_file_swapped_for_a_symlink_after_it_was_checked(self, tmp_path, monkeypatch):
        (tmp_path / "project").mkdir()
        (tmp_path / "secret.txt").write_text("secret")
        picture = tmp_path / "project" / "logo.png"
        picture.write_bytes(b"png")
        real = os.open

        def swapped_then_opened(path, flags, *args):
            if str(path) == str(picture):  # the race: replaced between the check and the open
                picture.unlink()
                picture.symlink_to(tmp_path / "secret.txt")
            return real(path, flags, *args)

        monkeypatch.setattr(fetching.os, "open", swapped_then_opened)
        reason = refusal(picture.as_uri(), Policy(folders=(tmp_path / "project",)))
        assert reason == "cannot read the file: Too many levels of symbolic links"

    def it_refuses_a_file_on_another_host_or_missing(self, tmp_path):
        (tmp_path / "style.css").write_text("p {}")
        policy = Policy(folders=(tmp_path,))
        assert refusal(f"file://fileserver{tmp_path}/style.css", policy) == "files on other hosts are not allowed"
        assert refusal((tmp_path / "gone.css").as_uri(), policy) == "file not found"

    def it_reads_no_more_of_a_file_than_the_limit_and_one_byte(self, tmp_path, monkeypatch):
        (tmp_path / "big.png").write_bytes(b"x" * 5000)
        asked = []
        real = os.fdopen

        class Spy:
            def __init__(self, handle):
                self.handle = handle

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                self.handle.close()

            def read(self, size=-1):
                asked.append(size)
                return self.handle.read(size)

        monkeypatch.setattr(fetching.os, "fdopen", lambda *a, **k: Spy(real(*a, **k)))
        assert refusal((tmp_path / "big.png").as_uri(), Policy(folders=(tmp_path,), max_bytes=1000)) == (
            "more than the limit of 1,000 bytes")
        assert asked == [1001]

    def it_accepts_a_file_of_exactly_the_limit(self, tmp_path):
        (tmp_path / "a.png").write_bytes(b"x" * 1000)
        assert fetch((tmp_path / "a.png").as_uri(), Policy(folders=(tmp_path,), max_bytes=1000))[0] == b"x" * 1000

    @pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts open files through /proc")
    def it_closes_every_file_it_opens(self, tmp_path):
        (tmp_path / "style.css").write_text("p {}")
        (tmp_path / "big.png").write_bytes(b"x" * 2000)
        (tmp_path / "folder.png").mkdir()
        policy = Policy(folders=(tmp_path,), max_bytes=1000)
        before = _open_descriptors()
        for _ in range(20):
            fetch((tmp_path / "style.css").as_uri(), policy)
            for refused in ("big.png", "folder.png"):
                with pytest.raises(ResourceError):
                    fetch((tmp_path / refused).as_uri(), policy)
        assert _open_descriptors() == before

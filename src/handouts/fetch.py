"""Fetch resources under a policy: a URL in, its bytes out, or a `ResourceError` naming it.

Every resource of a handout (stylesheets, fonts, images, SVGs and what they link to)
and every picture placed on a slide is read through `fetch(url, policy)`:

- `data:` URIs are always allowed;
- `file:` URLs only for regular files inside the policy's folders, checked after every
  symlink is resolved, so a link out of an allowed folder is refused;
- `http(s):` only when the policy allows the network, never to loopback, link-local,
  private or other reserved addresses unless it also allows the private network, and
  the address checked is the one connected to; redirects are not followed;
- any other scheme (`ftp:`, `gopher:` ...) never;
- every resource is capped at `max_bytes`, and a raster picture at `pictures.MAX_PIXELS`
  pixels, read from its header before anything decodes it.

`pdf.Fetcher(policy)` is the WeasyPrint URL fetcher applying it; it stops the render at
the first refusal. `read_picture(reference, policy, base)` applies it to a slide
picture. This module does not import WeasyPrint: a deck can be made without it.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import http.client
import ipaddress
import mimetypes
import os
import socket
import ssl
import stat
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes, urlsplit
from urllib.request import url2pathname

from . import pictures

MAX_RESOURCE_BYTES = 10_000_000
TIMEOUT_SECONDS = 10


class ResourceError(Exception):
    """A resource was refused or could not be read; says which, and which content key named it."""

    def __init__(self, resource: str, reason: str, key: str | None = None, where: str | None = None):
        self.resource, self.reason, self.key, self.where = resource, reason, key, where
        """`where` is the `file:line:col` the key is set at, when known."""
        shown = resource if len(resource) <= 120 else resource[:117] + "..."
        super().__init__(f"{where + ': ' if where else ''}{key + ': ' if key else ''}{shown}: {reason}")


@dataclasses.dataclass(frozen=True)
class Policy:
    """What a build may read: folders, the network, and how much."""

    folders: tuple[Path, ...]
    """Files may be read only inside these folders (after resolving symlinks)."""
    allow_network: bool = False
    """Allow http and https resources."""
    allow_private_network: bool = False
    """Also allow loopback, link-local and private addresses (needs `allow_network`)."""
    max_bytes: int = MAX_RESOURCE_BYTES
    """The largest resource accepted, in bytes."""
    keys: dict[str, str] = dataclasses.field(default_factory=dict, compare=False)
    """Text values of the content and their key paths, to name the key behind a resource."""

    def key_for(self, url: str) -> str | None:
        """Return the content key whose value refers to `url`, if any."""
        plain = unquote(url.split("#")[0])
        for value, key in self.keys.items():
            if value in (url, plain) or (len(value) > 3 and plain.endswith("/" + value.lstrip("./"))):
                return key
        return None


def content_keys(value: object, path: str = "") -> dict[str, str]:
    """Return {text: key path} for every text value of a content dataclass (first path wins)."""
    found: dict[str, str] = {}
    if isinstance(value, str):
        found[value] = path
    elif dataclasses.is_dataclass(value):
        for f in dataclasses.fields(value):
            child = content_keys(getattr(value, f.name), f"{path}.{f.name}" if path else f.name)
            found.update({k: v for k, v in child.items() if k not in found})
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found.update({k: v for k, v in content_keys(item, f"{path}[{i}]").items() if k not in found})
    return found


def policy_for(content_file: Path, content: object, folders: tuple[Path, ...], *, allow_network: bool = False,
               allow_private_network: bool = False, max_bytes: int | None = None) -> Policy:
    """Return the policy for one topic: `folders` plus the content file's folder, keys from `content`."""
    return Policy(
        folders=(*folders, content_file.parent),
        allow_network=allow_network,
        allow_private_network=allow_private_network,
        max_bytes=max_bytes or MAX_RESOURCE_BYTES,
        keys=content_keys(content),
    )


def fetch(url: str, policy: Policy) -> tuple[bytes, str]:
    """Return (bytes, MIME type) of `url` if `policy` allows it, else raise `ResourceError`."""
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        scheme = ""
    try:
        if scheme == "data":
            data, mime = _data(url, policy)
        elif scheme == "file":
            data, mime = _file(url, policy)
        elif scheme in ("http", "https"):
            data, mime = _http(url, policy)
        else:
            what = f"the {scheme}: scheme" if scheme else "an address without a scheme"
            raise ValueError(f"{what} is not allowed; use a file in the project's folders or a data: URI")
        if reason := pictures.problem(data):
            raise ValueError(reason)
    except ValueError as exc:
        raise ResourceError(url, str(exc), policy.key_for(url)) from None
    return data, mime


def read_picture(reference: str, policy: Policy, base: Path) -> bytes:
    """Return the bytes of a slide picture: a path relative to `base`, or a URL, under `policy`."""
    url = reference if urlsplit(reference).scheme else (base.resolve() / reference).as_uri()
    data, _ = fetch(url, policy)
    return data


def _data(url: str, policy: Policy) -> tuple[bytes, str]:
    header, comma, payload = url[5:].partition(",")
    if not comma:
        raise ValueError("a data: URI needs a comma before its data")
    is_base64 = header.lower().endswith(";base64")
    unquoted = len(payload) - 2 * payload.count("%")  # at most the length once %XX escapes are decoded
    if unquoted > (policy.max_bytes * 4 // 3 + 4 if is_base64 else policy.max_bytes):  # before decoding it all
        raise ValueError(f"more than the limit of {policy.max_bytes:,} bytes")
    mime = header.split(";")[0].strip() or "text/plain"
    try:
        data = base64.b64decode(unquote_to_bytes(payload)) if is_base64 else unquote_to_bytes(payload)
    except binascii.Error:
        raise ValueError("the data: URI is not valid base64") from None
    return _capped(data, policy), mime


def _file(url: str, policy: Policy) -> tuple[bytes, str]:
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        raise ValueError("files on other hosts are not allowed")
    try:
        path = Path(url2pathname(parts.path)).resolve(strict=True)
    except FileNotFoundError:
        raise ValueError("file not found") from None
    except RuntimeError:  # a symlink loop, before Python 3.13
        raise ValueError("cannot read the file: too many levels of symbolic links") from None
    except OSError as exc:
        raise ValueError(f"cannot read the file: {exc.strerror}") from None
    folders = [folder.resolve() for folder in policy.folders]
    if not any(path.is_relative_to(folder) for folder in folders):
        raise ValueError("the file is outside the allowed folders (" + ", ".join(map(str, folders)) + ")")
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise ValueError(f"cannot read the file: {exc.strerror}") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ValueError("not a regular file")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = _capped(handle.read(policy.max_bytes + 1), policy)
    finally:
        os.close(fd)
    return data, mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def _http(url: str, policy: Policy) -> tuple[bytes, str]:
    if not policy.allow_network:
        raise ValueError("network access is off; allow it with --allow-network or allow_network: true "
                         "in handouts.yaml")
    parts = urlsplit(url)
    host = parts.hostname
    if not host:
        raise ValueError("the address has no host name")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = _checked_address(host, port, policy)
    connection: http.client.HTTPConnection
    if parts.scheme == "https":
        connection = _PinnedHTTPS(host, port, address, timeout=TIMEOUT_SECONDS,
                                  context=ssl.create_default_context())
    else:
        connection = _PinnedHTTP(host, port, address, timeout=TIMEOUT_SECONDS)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    response = None
    try:
        connection.request("GET", target, headers={"User-Agent": "handouts", "Accept-Encoding": "identity"})
        response = connection.getresponse()
        if 300 <= response.status < 400:
            raise ValueError(f"the server redirects (HTTP {response.status}); redirects are not followed")
        if response.status != 200:
            raise ValueError(f"the server answered HTTP {response.status}")
        data = _capped(response.read(policy.max_bytes + 1), policy)
        return data, response.headers.get_content_type()
    except (OSError, http.client.HTTPException) as exc:
        raise ValueError(f"cannot fetch: {exc}") from None
    finally:
        if response is not None:
            response.close()
        connection.close()


def _checked_address(host: str, port: int, policy: Policy) -> str:
    """Return the address to connect to for `host`, refusing private ones unless allowed."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise ValueError(f"cannot resolve {host!r}: {exc}") from None
    addresses = [str(info[4][0]) for info in infos]
    for address in addresses:
        ip = _embedded_ipv4(ipaddress.ip_address(address.split("%")[0]))
        if not policy.allow_private_network and (not ip.is_global or ip.is_multicast):
            raise ValueError(f"{host} is a loopback, link-local or private address ({ip}); allow it with "
                             "allow_private_network: true in handouts.yaml")
    return addresses[0]


_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def _embedded_ipv4(ip: _Address) -> _Address:
    """Return the IPv4 address an IPv6 one stands for (mapped, 6to4, NAT64), else `ip`."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is not None:
            return embedded
        if ip in _NAT64:
            return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip


class _PinnedHTTP(http.client.HTTPConnection):
    """An HTTP connection to an address already checked, not a second DNS answer."""

    def __init__(self, host: str, port: int, address: str, **kw):
        super().__init__(host, port, **kw)
        self.address = address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """An HTTPS connection to an address already checked; the certificate is checked for the host."""

    def __init__(self, host: str, port: int, address: str, *, context: ssl.SSLContext, **kw):
        super().__init__(host, port, context=context, **kw)
        self.address, self.ssl_context = address, context

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self.ssl_context.wrap_socket(sock, server_hostname=self.host)


def _capped(data: bytes, policy: Policy) -> bytes:
    if len(data) > policy.max_bytes:
        raise ValueError(f"more than the limit of {policy.max_bytes:,} bytes")
    return data

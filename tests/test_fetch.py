"""`checker scan URL` against a local server on 127.0.0.1: pages, redirects, limits, refusals."""

from __future__ import annotations

import gzip
import re
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from checker.errors import InputError
from checker.ingest import load_page, netguard
from checker.ingest.fetch import MAX_REDIRECTS, fetch


def deflate(data: bytes, wbits: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, wbits)
    return packer.compress(data) + packer.flush()


PAGE = b"<html><head><title>Knee clinic</title></head><body><p>Our stem cells cure knee arthritis.</p></body></html>"
SEEN_AGENTS: list[str] = []


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # keep test output clean
        pass

    def do_GET(self):
        SEEN_AGENTS.append(self.headers.get("User-Agent", ""))
        routes = {
            "/page": (200, "text/html; charset=utf-8", PAGE),
            "/notes.md": (200, "text/markdown", b"# Notes\n\nPRP may help knee pain."),
            "/image": (200, "image/png", b"\x89PNG\r\n\x1a\n" + b"\0" * 100),
            "/big": (200, "text/html", b"<p>" + b"x" * 5000 + b"</p>"),
            "/missing": (404, "text/html", b"not here"),
        }
        encoded = {  # path: (Content-Encoding, body)
            "/gzip": ("gzip", gzip.compress(PAGE)),
            "/deflate": ("deflate", deflate(PAGE, zlib.MAX_WBITS)),
            "/raw-deflate": ("deflate", deflate(PAGE, -zlib.MAX_WBITS)),
            "/gzip-big": ("gzip", gzip.compress(b"<p>" + b"x" * 5000 + b"</p>")),
            "/bomb": ("gzip", gzip.compress(b"\0" * 3_000_000)),  # 1,000:1
            "/double-bomb": ("gzip, gzip", gzip.compress(gzip.compress(b"\0" * 3_000_000))),
            "/br": ("br", b"\x1b\x03\x00\xf8\x05"),
        }
        if self.path in encoded:
            coding, body = encoded[self.path]
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Encoding", coding)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            return self.wfile.write(body)
        if self.path.startswith("/trickle"):
            return self._trickle(headers=self.path == "/trickle-headers")
        if self.path.startswith("/to?"):
            return self._redirect(self.path[4:].replace("PORT", str(self.server.server_address[1])))
        if self.path == "/redirect":
            return self._redirect("/page")
        if self.path.startswith("/loop"):
            return self._redirect(f"/loop{int(self.path[5:] or 0) + 1}")
        if self.path == "/to-file":
            return self._redirect("file:///etc/passwd")
        if self.path == "/slow":
            threading.Event().wait(3)
        status, ctype, body = routes.get(self.path, (200, "text/html", PAGE))
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _trickle(self, headers):
        """One byte every 0.1 s, of the headers or of the body, for up to 10 s."""
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100\r\n\r\n"
        slow, fast = (head, b"") if headers else (b"x" * 100, head)
        try:
            self.wfile.write(fast)
            for i in range(len(slow)):
                self.wfile.write(slow[i:i + 1])
                self.wfile.flush()
                time.sleep(0.1)
        except OSError:  # the client gave up
            pass
        self.close_connection = True

    def _redirect(self, location):
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_fetches_and_scans_a_page(server, check):
    page = load_page(f"{server}/page", allow_private=True)
    assert page.format == "html" and "cure knee arthritis" in page.text and page.title == "Knee clinic"
    assert SEEN_AGENTS[-1].startswith("checker/")


def test_markdown_by_content_type(server):
    assert load_page(f"{server}/notes.md", allow_private=True).format == "markdown"


def test_follows_a_redirect(server):
    assert "cure knee arthritis" in load_page(f"{server}/redirect", allow_private=True).text


@pytest.mark.parametrize("path,message", [
    ("/image", "content type 'image/png'"),
    ("/big", "over the 1,000-byte limit"),
    ("/missing", "HTTP 404"),
    ("/loop", f"more than {MAX_REDIRECTS} redirects"),
    ("/to-file", "only http and https"),
])
def test_refusals_are_input_errors(server, path, message):
    with pytest.raises(InputError, match=message):
        load_page(f"{server}{path}", max_bytes=1000, allow_private=True)


def test_timeout(server):
    from checker.ingest.fetch import fetch

    with pytest.raises(InputError, match="no answer within"):
        fetch(f"{server}/slow", max_bytes=10_000, timeout=0.5, allow_private=True)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://x/"])
def test_other_schemes_are_refused(url):
    with pytest.raises(InputError, match="only http and https"):
        load_page(url)


# --- decompression, bounded while decoding ---------------------------------------------------


@pytest.mark.parametrize("path", ["/gzip", "/deflate", "/raw-deflate"])
def test_compressed_pages_are_decoded(server, path):
    assert fetch(f"{server}{path}", max_bytes=10_000, allow_private=True).data == PAGE


@pytest.mark.parametrize("path,message", [
    ("/gzip-big", "decoded page is over the 1,000-byte limit"),
    ("/bomb", r"expands more than 100:1 .*decompression bomb"),
    ("/double-bomb", r"stacked content encodings \(gzip, gzip\) are refused"),
    ("/br", "content encoding 'br' is not supported"),
])
def test_compression_refusals(server, path, message):
    max_bytes = 1000 if path == "/gzip-big" else 50 * 1024 * 1024
    started = time.monotonic()
    with pytest.raises(InputError, match=message):
        fetch(f"{server}{path}", max_bytes=max_bytes, allow_private=True)
    assert time.monotonic() - started < 2


def test_only_bounded_encodings_are_asked_for(server):
    from checker.ingest.fetch import ACCEPTED_ENCODINGS

    assert ACCEPTED_ENCODINGS == "gzip, deflate"  # br and zstd would be refused when they came


# --- addresses: loopback, private, link-local ... refused unless allowed -----------------------


def test_loopback_refused_by_default_and_allowed_with_the_switch(server):
    with pytest.raises(InputError, match="127.0.0.1 is a loopback address: refused"):
        load_page(f"{server}/page")
    assert "cure knee arthritis" in load_page(f"{server}/page", allow_private=True).text


@pytest.mark.parametrize("host,shown", [
    ("2130706433", r"2130706433 \(127.0.0.1\)"),  # 127.0.0.1 as one decimal number
    ("0x7f.1", r"0x7f.1 \(127.0.0.1\)"),
    ("[::ffff:127.0.0.1]", "::ffff:127.0.0.1"),  # IPv4-mapped IPv6
    ("localhost", "localhost"),
])
def test_loopback_spellings_are_refused(server, host, shown):
    url = server.replace("127.0.0.1", host) + "/page"
    with pytest.raises(InputError, match=f"{shown}.* is a loopback address"):
        fetch(url, max_bytes=10_000)
    if host != "localhost":  # the same spellings do reach the local server when allowed
        assert fetch(url, max_bytes=10_000, allow_private=True).data == PAGE


@pytest.mark.parametrize("address,reason", [
    ("169.254.169.254", "link-local"), ("::ffff:169.254.169.254", "link-local"), ("fe80::1", "link-local"),
    ("10.1.2.3", "private"), ("172.16.0.1", "private"), ("192.168.1.1", "private"), ("fd00::1", "private"),
    ("100.64.0.1", "non-public"), ("224.0.0.1", "multicast"), ("ff02::1", "multicast"),
    ("0.0.0.0", "unspecified"), ("::", "unspecified"), ("::1", "loopback"), ("127.8.9.10", "loopback"),
    ("240.0.0.1", "reserved"),
    ("93.184.216.34", None), ("2606:4700:4700::1111", None), ("::ffff:8.8.8.8", None),
])
def test_address_classes(address, reason):
    import ipaddress

    assert netguard.address_refusal(ipaddress.ip_address(address)) == reason


@pytest.fixture
def loopback_one_is_public(monkeypatch):
    """Pretend 127.0.0.1 (the test server) is a public address; every other address keeps its class."""
    real = netguard.address_refusal
    monkeypatch.setattr(netguard, "address_refusal", lambda ip: None if str(ip) == "127.0.0.1" else real(ip))


@pytest.mark.parametrize("target,shown", [
    ("http://127.0.0.2:PORT/page", "127.0.0.2 is a loopback address"),
    ("http://2130706434:PORT/page", r"2130706434 \(127.0.0.2\) is a loopback address"),
    ("http://[::ffff:127.0.0.2]:PORT/page", "::ffff:127.0.0.2 is a loopback address"),
    ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
    ("http://10.0.0.1/admin", "10.0.0.1 is a private address"),
])
def test_redirect_hops_are_checked(server, loopback_one_is_public, target, shown):
    assert fetch(f"{server}/page", max_bytes=10_000).data == PAGE  # the first hop is "public"
    with pytest.raises(InputError, match=f"{shown}: refused .*\\(redirected to {re.escape(target.split(':PORT')[0])}"):
        fetch(f"{server}/to?{target}", max_bytes=10_000)


def test_every_resolved_address_is_checked(server, monkeypatch):
    monkeypatch.setattr(netguard, "resolve", lambda host, port: ["93.184.216.34", "10.0.0.7"])
    with pytest.raises(InputError, match=r"mixed.test \(10.0.0.7\) is a private address"):
        fetch("http://mixed.test/", max_bytes=10_000)


def test_connects_to_the_address_it_checked(server, loopback_one_is_public, monkeypatch):
    """DNS rebinding: the name is resolved once; the connection goes to that checked address and
    no second lookup can swap in another (rebind.test itself resolves nowhere)."""
    answers = iter([["127.0.0.1"], ["127.0.0.2"]])  # a rebinding resolver's first and second answers
    calls = []

    def rebinding(host, port):
        calls.append(host)
        return next(answers)

    monkeypatch.setattr(netguard, "resolve", rebinding)
    port = server.rsplit(":", 1)[1]
    assert fetch(f"http://rebind.test:{port}/page", max_bytes=10_000).data == PAGE
    assert calls == ["rebind.test"]


def test_https_checks_the_certificate_of_the_name_and_connects_to_the_checked_address(tmp_path, monkeypatch):
    """TLS over the checked address: SNI and certificate verification use the URL's host name."""
    import shutil
    import ssl
    import subprocess

    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=clinic.test",
                    "-addext", "subjectAltName=DNS:clinic.test"], check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        monkeypatch.setattr(netguard, "resolve", lambda host, port: ["127.0.0.1"])
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # trust the test certificate
        url = f"https://clinic.test:{httpd.server_address[1]}/page"
        assert fetch(url, max_bytes=10_000, allow_private=True).data == PAGE
        with pytest.raises(InputError, match="CERTIFICATE_VERIFY_FAILED"):  # the name, not the address, is verified
            fetch(url.replace("clinic.test", "other.test"), max_bytes=10_000, allow_private=True)
    finally:
        httpd.shutdown()


# --- a deadline for the whole fetch --------------------------------------------------------------


@pytest.mark.parametrize("path", ["/trickle", "/trickle-headers"])
def test_trickling_server_meets_the_deadline(server, path):
    started = time.monotonic()
    with pytest.raises(InputError, match="not fetched within the 1-second deadline"):
        fetch(f"{server}{path}", max_bytes=10_000, deadline=1, allow_private=True)
    assert time.monotonic() - started < 2


# --- redirects to other schemes ----------------------------------------------------------------


@pytest.mark.parametrize("target,scheme", [
    ("data:text/html,<p>hi</p>", "data"), ("javascript:alert(1)", "javascript"), ("file:///etc/passwd", "file"),
])
def test_redirect_to_other_schemes_is_refused(server, target, scheme):
    with pytest.raises(InputError, match=f"only http and https URLs are fetched, not {scheme}: \\(redirected to"):
        fetch(f"{server}/to?{target}", max_bytes=10_000, allow_private=True)


def test_redirect_to_an_invalid_url_is_an_input_error(server):
    with pytest.raises(InputError, match="invalid URL"):
        fetch(f"{server}/to?http://[nope/", max_bytes=10_000, allow_private=True)


# --- the command line ------------------------------------------------------------------------------


@pytest.fixture
def cli(analyzer, monkeypatch):
    """`checker` in-process, over the session's analyzer (its fetch settings restored afterwards)."""
    from typer.testing import CliRunner

    from checker.cli import scan as scan_cli
    from checker.cli.app import app

    for name in ("max_bytes", "allow_private", "fetch_deadline"):  # scan sets them on the analyzer
        monkeypatch.setattr(analyzer, name, getattr(analyzer, name))
    monkeypatch.setattr(scan_cli, "configured_analyzer", lambda *args: analyzer)
    return lambda *args: CliRunner().invoke(app, list(args))


def test_scan_allow_private(server, cli):
    refused = cli("scan", f"{server}/page")
    assert refused.exit_code == 2 and "127.0.0.1 is a loopback address: refused (allow with --allow-private)" in refused.output
    allowed = cli("scan", "--allow-private", "--format", "json", f"{server}/page")
    assert allowed.exit_code == 0 and '"schema": "checker.report/1"' in allowed.output


def test_scan_fetch_deadline(server, cli):
    late = cli("scan", "--allow-private", "--fetch-deadline", "0.5", f"{server}/trickle")
    assert late.exit_code == 2 and "not fetched within the 0.5-second deadline" in late.output

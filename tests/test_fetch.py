"""`checker scan URL` against a local server on 127.0.0.1: pages, redirects, limits, refusals."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from checker.errors import InputError
from checker.ingest import load_page
from checker.ingest.fetch import MAX_REDIRECTS

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

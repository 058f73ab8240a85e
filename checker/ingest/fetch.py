"""Fetch a page over HTTP(S) for `checker scan URL`: a timeout, a size cap, a content-type
check, redirects followed by hand (each hop's scheme checked, at most MAX_REDIRECTS) and a
User-Agent that says who is asking. Only http and https: file:// and every other scheme are
refused, so a URL cannot read local files."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from checker.errors import InputError

MAX_REDIRECTS = 5
TIMEOUT_SECONDS = 15.0
ACCEPTED_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "text/markdown", "text/x-markdown")


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    data: bytes
    content_type: str
    format: str  # html | markdown | text


def is_url(source: str) -> bool:
    return "://" in source[:16] or source.lower().startswith(("http:", "https:"))


def user_agent() -> str:
    from checker import __version__

    return f"checker/{__version__} (clinic-claim credibility checker; one page per request)"


def fetch(url: str, *, max_bytes: int, timeout: float = TIMEOUT_SECONDS) -> Fetched:
    import httpx  # lazy: only `scan URL` needs it

    current = url
    with httpx.Client(timeout=timeout, follow_redirects=False, headers={"User-Agent": user_agent()}) as client:
        for _ in range(MAX_REDIRECTS + 1):
            _check_scheme(current, original=url)
            try:
                with client.stream("GET", current) as response:
                    if response.is_redirect:
                        location = response.headers.get("location")
                        if not location:
                            raise InputError(f"redirect without a location (HTTP {response.status_code})", path=url)
                        current = urljoin(current, location)
                        continue
                    if response.status_code >= 400:
                        raise InputError(f"HTTP {response.status_code} {response.reason_phrase}", path=url)
                    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
                    if content_type and content_type not in ACCEPTED_TYPES:
                        raise InputError(f"content type {content_type!r} is not a web page or text", path=url)
                    declared = response.headers.get("content-length")
                    if declared and declared.isdigit() and int(declared) > max_bytes:
                        raise InputError(f"page is {int(declared):,} bytes, over the {max_bytes:,}-byte limit", path=url)
                    data = bytearray()
                    for piece in response.iter_bytes():
                        data.extend(piece)
                        if len(data) > max_bytes:
                            raise InputError(f"page is over the {max_bytes:,}-byte limit", path=url)
                    return Fetched(str(response.url), bytes(data), content_type, _format(content_type, current))
            except httpx.TimeoutException:
                raise InputError(f"no answer within {timeout:g} s", path=url) from None
            except httpx.HTTPError as exc:
                raise InputError(f"could not fetch: {type(exc).__name__}: {exc}", path=url) from None
    raise InputError(f"more than {MAX_REDIRECTS} redirects", path=url)


def _check_scheme(url: str, *, original: str) -> None:
    parts = urlsplit(url)
    if parts.scheme.lower() not in {"http", "https"}:
        where = "" if url == original else f" (redirected to {url})"
        raise InputError(f"only http and https URLs are fetched, not {parts.scheme or 'no scheme'}:{where}", path=original)
    if not parts.hostname:
        raise InputError("URL has no host", path=original)


def _format(content_type: str, url: str) -> str:
    if content_type in {"text/html", "application/xhtml+xml"}:
        return "html"
    if "markdown" in content_type or urlsplit(url).path.lower().endswith((".md", ".markdown")):
        return "markdown"
    return "text" if content_type == "text/plain" else "html"

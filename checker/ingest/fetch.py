"""Fetch a page over HTTP(S) for `checker scan URL`: a timeout per read and a deadline for the
whole fetch, a size cap on the decoded bytes (enforced while decompressing, with a ratio cap
against decompression bombs), a content-type check, redirects followed by hand (each hop's
scheme checked, at most MAX_REDIRECTS) and a User-Agent that says who is asking. Only http and
https: file:// and every other scheme are refused, so a URL cannot read local files.

Server-side request forgery: every host (first request and each redirect) is resolved once
here, every address it resolves to is checked (loopback, private, link-local, multicast,
unspecified and reserved addresses are refused unless allow_private), and the connection is
made to the checked address itself, so a second DNS answer (rebinding) is never used. This sits
in the httpcore network backend under httpx (checker.ingest.netguard). Proxies from the
environment are not used: a proxy would connect on our behalf to addresses we never checked."""

from __future__ import annotations

import time
import zlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from checker.errors import Errors, InputError

MAX_REDIRECTS = 5
TIMEOUT_SECONDS = 15.0  # per connect, read or write
DEADLINE_SECONDS = 60.0  # for the whole fetch, redirects included
RATIO_LIMIT = 100  # decoded bytes per compressed byte, beyond the first RATIO_FREE_BYTES
RATIO_FREE_BYTES = 1024 * 1024
ACCEPTED_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "text/markdown", "text/x-markdown")
ACCEPTED_ENCODINGS = "gzip, deflate"  # decoded here, bounded; br and zstd are never asked for
_STEP = 64 * 1024  # decoded bytes per decompression step, between two checks


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


def fetch(
    url: str, *, max_bytes: int, timeout: float = TIMEOUT_SECONDS, deadline: float = DEADLINE_SECONDS,
    allow_private: bool = False,
) -> Fetched:
    import httpx  # lazy: only `scan URL` needs them

    from checker.ingest.netguard import AddressRefused, DeadlinePassed, GuardedBackend, guarded_transport

    end = time.monotonic() + deadline
    headers = {"User-Agent": user_agent(), "Accept": "*/*", "Accept-Encoding": ACCEPTED_ENCODINGS}
    current = url
    try:
        with guarded_transport(GuardedBackend(end=end, allow_private=allow_private)) as transport:
            for _ in range(MAX_REDIRECTS + 1):
                _check_scheme(current, original=url)
                request = httpx.Request("GET", current, headers=headers,
                                        extensions={"timeout": httpx.Timeout(timeout).as_dict()})
                response = transport.handle_request(request)  # no httpx.Client: it parses every Location itself
                try:
                    if response.is_redirect:
                        if not response.headers["location"]:
                            raise InputError(Errors.E401.format(status=response.status_code), path=url)
                        current = _join(current, response.headers["location"], original=url)
                        continue
                    return _read(response, url=url, final=current, max_bytes=max_bytes)
                finally:
                    response.close()
    except AddressRefused as exc:
        raise InputError(Errors.E402.format(reason=exc, where=_where(current, url)), path=url) from None
    except DeadlinePassed:
        raise InputError(Errors.E403.format(deadline=deadline), path=url) from None
    except httpx.TimeoutException:
        if time.monotonic() >= end:
            raise InputError(Errors.E403.format(deadline=deadline), path=url) from None
        raise InputError(Errors.E404.format(timeout=timeout), path=url) from None
    except httpx.InvalidURL as exc:
        raise InputError(Errors.E405.format(where=_where(current, url), reason=exc), path=url) from None
    except httpx.HTTPError as exc:
        raise InputError(Errors.E406.format(kind=type(exc).__name__, reason=exc), path=url) from None
    raise InputError(Errors.E407.format(limit=MAX_REDIRECTS), path=url)


def _read(response: Any, *, url: str, final: str, max_bytes: int) -> Fetched:
    if response.status_code >= 400:
        raise InputError(Errors.E408.format(status=response.status_code, reason=response.reason_phrase), path=url)
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type and content_type not in ACCEPTED_TYPES:
        raise InputError(Errors.E409.format(content_type=content_type), path=url)
    declared = response.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise InputError(Errors.E410.format(size=int(declared), limit=max_bytes), path=url)
    decoder = _Decoder(response.headers.get("content-encoding", ""), limit=max_bytes, source=url)
    for raw in response.iter_raw():  # the bytes as sent: httpx's own decoding has no bound
        decoder.feed(raw)
    return Fetched(final, decoder.finish(), content_type, _format(content_type, final))


def _join(base: str, location: str, *, original: str) -> str:
    try:
        return urljoin(base, location)
    except ValueError as exc:  # e.g. an unclosed [IPv6 address
        raise InputError(Errors.E411.format(location=location, reason=exc), path=original) from None


def _check_scheme(url: str, *, original: str) -> None:
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise InputError(Errors.E405.format(where=_where(url, original), reason=exc), path=original) from None
    if parts.scheme.lower() not in {"http", "https"}:
        raise InputError(Errors.E412.format(scheme=parts.scheme or "no scheme", where=_where(url, original)),
                         path=original)
    if not parts.hostname:
        raise InputError(Errors.E413, path=original)


def _where(url: str, original: str) -> str:
    return "" if url == original else f" (redirected to {url})"


def _format(content_type: str, url: str) -> str:
    if content_type in {"text/html", "application/xhtml+xml"}:
        return "html"
    if "markdown" in content_type or urlsplit(url).path.lower().endswith((".md", ".markdown")):
        return "markdown"
    return "text" if content_type == "text/plain" else "html"


# --- decoding, bounded ----------------------------------------------------------------------


class _Decoder:
    """Undoes one Content-Encoding (identity, gzip or deflate) as the bytes arrive, never holding
    more than `limit` decoded bytes and never expanding more than RATIO_LIMIT:1 past the first MB."""

    def __init__(self, header: str, *, limit: int, source: str) -> None:
        codings = [c for c in (part.strip().lower() for part in header.split(",")) if c and c != "identity"]
        if len(codings) > 1:
            raise InputError(Errors.E414.format(header=header.strip()), path=source)
        self.coding = codings[0] if codings else "identity"
        if self.coding not in {"identity", "gzip", "x-gzip", "deflate"}:
            raise InputError(Errors.E415.format(coding=self.coding), path=source)
        wbits = 16 + zlib.MAX_WBITS if self.coding in {"gzip", "x-gzip"} else zlib.MAX_WBITS
        self.inflate = None if self.coding == "identity" else zlib.decompressobj(wbits)
        self.limit, self.source = limit, source
        self.out = bytearray()
        self.consumed = 0  # compressed bytes decoded so far
        self.started = False

    def feed(self, raw: bytes) -> None:
        if self.inflate is None:
            self.consumed += len(raw)
            self._add(raw)
            return
        if not self.started and self.coding == "deflate" and raw:
            self.started = True
            try:  # "deflate" is meant to be zlib-wrapped; some servers send it raw
                zlib.decompressobj().decompress(raw[:2], 1)
            except zlib.error:
                self.inflate = zlib.decompressobj(-zlib.MAX_WBITS)
        data = raw
        try:
            while data and not self.inflate.eof:
                piece = self.inflate.decompress(data, min(_STEP, self.limit - len(self.out) + 1))
                self.consumed += len(data) - len(self.inflate.unconsumed_tail)
                data = self.inflate.unconsumed_tail
                self._add(piece)
        except zlib.error as exc:
            raise InputError(Errors.E416.format(coding=self.coding, reason=exc), path=self.source) from None

    def finish(self) -> bytes:
        if self.inflate is not None:
            while not self.inflate.eof:  # output still held for want of room
                piece = self.inflate.decompress(b"", min(_STEP, self.limit - len(self.out) + 1))
                if not piece:
                    break
                self._add(piece)
        return bytes(self.out)

    def _add(self, piece: bytes) -> None:
        self.out += piece
        size = len(self.out)
        if size > self.limit:
            decoded = "" if self.inflate is None else "decoded "
            raise InputError(Errors.E417.format(decoded=decoded, limit=self.limit), path=self.source)
        if size > RATIO_FREE_BYTES and size > RATIO_LIMIT * max(self.consumed, 1):
            raise InputError(Errors.E418.format(coding=self.coding, ratio=RATIO_LIMIT, consumed=self.consumed, size=size),
                             path=self.source)

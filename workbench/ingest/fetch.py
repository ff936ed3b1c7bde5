"""Fetch a page over HTTP(S) with the standard library: timeouts, a size limit, redirects
followed and recorded, retries with backoff on 429 and 5xx, a User-Agent that names us.

urllib does all a news page needs; a new HTTP dependency would buy nothing here. Every failure
is a `FetchError` whose message is the one line a user reads after the URL: the HTTP status,
"timed out", "too large", or what the response is when it is not a page (a PDF, an image).
"""

from __future__ import annotations

import email.message
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from http.client import HTTPResponse

from workbench import __version__
from workbench.ingest.article import MAX_IMPORT_BYTES, IngestError
from workbench.records import FetchedPage

USER_AGENT = f"workbench/{__version__} (terminal workbench for foreign-language news; Python urllib)"
PAGE_TYPES = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "text/plain": ".txt",
    "text/markdown": ".md",
}
"""Content types imported as articles, and the suffix whose rules parse them."""
FEED_TYPES = frozenset(
    "application/rss+xml application/atom+xml application/xml text/xml application/rdf+xml".split()
)
_RETRIED = frozenset({429, 500, 502, 503, 504})
_CHUNK = 64 * 1024


class FetchError(IngestError):
    """A URL that gave no page; the message names the status or the reason."""


@dataclass(frozen=True)
class FetchOptions:
    timeout: float = 20.0
    """Seconds for the connection and for each read."""
    max_bytes: int = MAX_IMPORT_BYTES
    retries: int = 3
    """Further tries after a 429 or 5xx answer (or a reset connection)."""
    backoff: float = 1.0
    """Seconds before the first retry, doubled for each next one; a Retry-After up to
    `max_backoff` is honoured instead."""
    max_backoff: float = 30.0
    user_agent: str = USER_AGENT


def is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


def fetch(
    url: str,
    options: FetchOptions | None = None,
    accept: Callable[[str], bool] = lambda kind: kind in PAGE_TYPES,
    sleep: Callable[[float], None] = time.sleep,
) -> FetchedPage:
    """The page at `url`, or FetchError. `accept` says which content types are wanted."""
    options = options or FetchOptions()
    for attempt in range(options.retries + 1):
        try:
            return _fetch_once(url, options, accept)
        except _Retry as retry:
            if attempt == options.retries:
                raise FetchError(f"{retry.reason} (after {options.retries + 1} tries)") from None
            sleep(
                min(
                    retry.after if retry.after is not None else options.backoff * 2**attempt,
                    options.max_backoff,
                )
            )
    raise AssertionError("unreachable")  # pragma: no cover


class _Retry(Exception):
    def __init__(self, reason: str, after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.after = after


class _Recorder(urllib.request.HTTPRedirectHandler):
    """Follows redirects (urllib's limit of 10) and notes every address passed through."""

    def __init__(self) -> None:
        self.passed: list[str] = []

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        self.passed.append(req.full_url)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _fetch_once(url: str, options: FetchOptions, accept: Callable[[str], bool]) -> FetchedPage:
    recorder = _Recorder()
    opener = urllib.request.build_opener(recorder)
    request = urllib.request.Request(
        url, headers={"User-Agent": options.user_agent, "Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    )
    try:
        with opener.open(request, timeout=options.timeout) as response:
            content_type = response.headers.get("Content-Type")
            kind = response.headers.get_content_type()
            if not accept(kind):
                raise FetchError(f"not an HTML or text page: {kind}{_what(kind)}")
            body = _read(response, options.max_bytes)
            return FetchedPage(url, response.geturl(), tuple(recorder.passed), content_type, body)
    except FetchError:
        raise
    except urllib.error.HTTPError as error:
        reason = f"HTTP {error.code} {error.reason}"
        if error.code in _RETRIED:
            raise _Retry(reason, _retry_after(error.headers)) from None
        raise FetchError(reason) from None
    except TimeoutError:
        raise FetchError(f"timed out after {options.timeout:g} s") from None
    except ConnectionResetError:
        raise _Retry("connection reset") from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            raise FetchError(f"timed out after {options.timeout:g} s") from None
        raise FetchError(
            f"cannot connect: {getattr(error.reason, 'strerror', None) or error.reason}"
        ) from None
    except ValueError as error:  # "unknown url type"
        raise FetchError(str(error)) from None


def _read(response: HTTPResponse, limit: int) -> bytes:
    """At most `limit` bytes: a larger Content-Length is refused before the body is read."""
    length = response.headers.get("Content-Length")
    if length and length.isdigit() and int(length) > limit:
        raise FetchError(f"too large: {int(length):,} bytes, over the limit of {limit:,}")
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read(_CHUNK):
        size += len(chunk)
        if size > limit:
            raise FetchError(f"too large: over the limit of {limit:,} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _retry_after(headers: email.message.Message | None) -> float | None:
    value = headers.get("Retry-After") if headers else None
    return float(value) if value and value.strip().isdigit() else None


def _what(kind: str) -> str:
    if kind == "application/pdf":
        return " (a PDF document)"
    if kind.startswith("image/"):
        return " (an image)"
    return ""


def charset_of(content_type: str | None) -> str | None:
    """The charset parameter of a Content-Type header, if any."""
    if not content_type:
        return None
    message = email.message.Message()
    message["Content-Type"] = content_type
    charset = message.get_content_charset()
    return str(charset) if charset else None


def suffix_of(content_type: str | None) -> str:
    """The file suffix whose rules parse a response of this type (HTML when it says nothing)."""
    if not content_type:
        return ".html"
    message = email.message.Message()
    message["Content-Type"] = content_type
    return PAGE_TYPES.get(message.get_content_type(), ".html")

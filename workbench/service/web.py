"""Articles from the web, beside files: pages by URL, and the entries of RSS/Atom feeds.

Fetching is ingest/fetch.py, parsing ingest/article.py and ingest/feed.py; this part of
the service decides what is new, changed or unchanged, and keeps the fetched bytes with their
article (store `pages`). Every page is committed as it is imported, so a feed refresh that stops
halfway goes on from where it stopped the next time (known entries are skipped).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.ingest.article import article_from_bytes, bytes_digest, read_bytes
from workbench.ingest.feed import FeedEntry, parse_feed
from workbench.ingest.fetch import FEED_TYPES, PAGE_TYPES, FetchOptions, charset_of, fetch, is_url, suffix_of
from workbench.service.articles import ImportResult
from workbench.service.models import Session
from workbench.store.database import ImportOutcome, Store

UrlProgress = Callable[[int, int, str], None]
"""(done, total, url) after each URL: the TUI's import dialog shows it."""


@dataclass
class FeedReport:
    """One feed's refresh: each entry's result, and the entries skipped as already known."""

    source: str
    title: str = ""
    results: list[ImportResult] = field(default_factory=list)
    known: int = 0
    error: str | None = None
    """The feed itself could not be read."""

    def counts(self) -> dict[str, int]:
        outcomes = [r.outcome.value if r.outcome else "failed" for r in self.results]
        return {
            "new": outcomes.count(ImportOutcome.NEW.value),
            "changed": outcomes.count(ImportOutcome.REVISED.value),
            "unchanged": outcomes.count(ImportOutcome.UNCHANGED.value) + self.known,
            "failed": outcomes.count("failed") + (self.error is not None),
        }

    def line(self) -> str:
        counts = ", ".join(f"{n} {what}" for what, n in self.counts().items())
        return f"{self.title or self.source}: {counts}"


class WebImports:
    """Pages by URL and feed entries into the store, as `Articles` imports files."""

    def __init__(self, session: Session, store: Store) -> None:
        self.session = session
        self.store = store

    def fetch_options(self) -> FetchOptions:
        s = self.session.settings
        return FetchOptions(timeout=s.fetch_timeout, retries=s.fetch_retries, backoff=s.fetch_backoff)

    def import_urls(self, urls: Iterable[str], on_progress: UrlProgress | None = None) -> list[ImportResult]:
        """Fetch and import pages; a URL that fails is reported and the rest go on. The same
        bytes as last time are a no-op; a changed page becomes a new revision."""
        wanted = list(dict.fromkeys(url.strip() for url in urls))
        results = []
        for done, url in enumerate(wanted, 1):
            results.append(self._import_url(url))
            if on_progress:
                on_progress(done, len(wanted), url)
        return results

    def _import_url(self, url: str) -> ImportResult:
        try:
            page = fetch(url, self.fetch_options())
            note = f"redirected to {page.final_url}" if page.redirects else None
            known = self.store.article_id_for_content(url, bytes_digest(page.body))
            if known is not None:
                return ImportResult(url, known, ImportOutcome.UNCHANGED, note=note)
            article = article_from_bytes(
                page.body,
                url,
                suffix_of(page.content_type),
                charset=charset_of(page.content_type),
                url=page.final_url,
            )
        except WorkbenchError as error:
            return ImportResult(url, None, None, error=str(error))
        article_id, outcome = self.store.save_page(article, page)
        return ImportResult(url, article_id, outcome, warnings=article.warnings, note=note)

    def import_feed(self, source: str, on_progress: UrlProgress | None = None) -> FeedReport:
        """Import every entry of an RSS/Atom feed (a URL or a file). An entry already imported is
        skipped unless the feed says it was updated since; the rest are fetched as pages."""
        report = FeedReport(source)
        try:
            data, base = self._feed_bytes(source)
            report.title, entries = parse_feed(data, base)
        except (WorkbenchError, OSError) as error:
            report.error = str(error)
            return report
        wanted = [entry.link for entry in entries if not self._known(entry)]
        report.known = len(entries) - len(wanted)
        report.results = self.import_urls(wanted, on_progress)
        return report

    def _feed_bytes(self, source: str) -> tuple[bytes, str | None]:
        if is_url(source):
            page = fetch(source, self.fetch_options(), accept=_feed_type)
            return page.body, page.final_url
        return read_bytes(Path(source).expanduser()), None

    def _known(self, entry: FeedEntry) -> bool:
        article_id = self.store.article_id_for_url(entry.link)
        if article_id is None:
            return False
        imported = self.store.imported_at(article_id)
        return entry.updated is None or imported is None or entry.updated <= imported


def _feed_type(kind: str) -> bool:
    """Feeds come as RSS/Atom types, plain XML, or (misconfigured servers) text or HTML."""
    return kind in FEED_TYPES or kind.endswith("+xml") or kind in PAGE_TYPES

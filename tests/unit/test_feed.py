"""Feeds (issue 18): RSS 2.0, RSS 1.0 and Atom entries; no entity expansion; settings for feeds
and fetching fail in one line naming the field."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from workbench.ingest.feed import FeedError, parse_feed
from workbench.settings import SettingsError, resolve_settings

RDF = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
  xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Verband</title></channel>
<item><title>Eins</title><link>https://verband.example/eins</link><dc:date>2025-03-01T10:00:00+01:00</dc:date></item>
<item><title>Ohne Link</title></item>
</rdf:RDF>"""


def test_rss1_entries_with_dublin_core_dates() -> None:
    title, entries = parse_feed(RDF)
    assert title == "Verband"
    assert [(e.link, e.title) for e in entries] == [("https://verband.example/eins", "Eins")]
    assert entries[0].updated == datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def test_rss2_guid_permalink_and_rfc822_date() -> None:
    rss = b"""<rss version="2.0"><channel><title>T</title>
    <item><guid>https://x.example/a</guid><pubDate>Fri, 14 Mar 2025 09:30:00 +0100</pubDate></item>
    <item><guid isPermaLink="false">id-7</guid></item></channel></rss>"""
    _, entries = parse_feed(rss)
    assert [e.link for e in entries] == ["https://x.example/a"]
    assert entries[0].updated == datetime(2025, 3, 14, 8, 30, tzinfo=UTC)


def test_entities_are_not_expanded(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("GEHEIM")
    xxe = f"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file://{secret}">]>
    <rss version="2.0"><channel><title>&x;</title><item><link>https://x.example/&x;</link></item></channel></rss>"""
    title, entries = parse_feed(xxe.encode())
    assert "GEHEIM" not in title and all("GEHEIM" not in e.link for e in entries)


@pytest.mark.parametrize("data", [b"<html><body><p>Eine Seite</p></body></html>", b"", b"kein XML"])
def test_not_a_feed_is_one_line(data: bytes) -> None:
    with pytest.raises(FeedError, match="not an RSS or Atom feed"):
        parse_feed(data)


def test_feed_and_fetch_settings(tmp_path: Path) -> None:
    toml = tmp_path / "workbench.toml"
    toml.write_text('fetch_timeout = 5\nfetch_retries = 0\n[feeds]\nrb = "https://rb.example/rss"\n')
    settings = resolve_settings(toml, {}, {"WORKBENCH_FETCH_BACKOFF": "0.5"})
    assert (settings.fetch_timeout, settings.fetch_retries, settings.fetch_backoff) == (5.0, 0, 0.5)
    assert settings.feeds == {"rb": "https://rb.example/rss"}
    assert resolve_settings(toml, {}, {"WORKBENCH_FEEDS": "a=https://a.example/rss"}).feeds == {
        "a": "https://a.example/rss"
    }


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"WORKBENCH_FETCH_TIMEOUT": "0"}, "WORKBENCH_FETCH_TIMEOUT must be a number of seconds above 0"),
        ({"WORKBENCH_FETCH_RETRIES": "11"}, "WORKBENCH_FETCH_RETRIES must be an integer from 0 to 10"),
        ({"WORKBENCH_FETCH_BACKOFF": "bald"}, "WORKBENCH_FETCH_BACKOFF must be a number of seconds"),
        ({"WORKBENCH_FEEDS": "ohne-adresse"}, "WORKBENCH_FEEDS must be a table of names to feed URLs"),
    ],
)
def test_bad_fetch_settings_are_one_line(tmp_path: Path, env: dict, message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        resolve_settings(tmp_path / "none.toml", {}, env)

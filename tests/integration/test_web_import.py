"""Import by URL and from feeds against a real HTTP server on 127.0.0.1 (issue 18): pages in the
style of German news sites, redirects, 404, 500-then-200, a slow answer, an oversized body, a
PDF; each failure is one line, stores nothing and changes nothing already stored."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.local_web import LocalSite, Response
from tests.paths import ROOT
from workbench.records import BlockKind
from workbench.service import Workbench
from workbench.settings import load_workspace
from workbench.store.database import ImportOutcome

PAGES = ROOT / "tests" / "fixtures" / "web"
WORKBENCH = Path(sys.executable).parent / "workbench"
FAST = {"fetch_backoff": "0.01", "fetch_timeout": "1", "fetch_retries": "2"}
HAFEN = (PAGES / "rheinblick_hafen.html").read_bytes()
RADWEG = (PAGES / "ohne_head_ende.html").read_bytes()


@pytest.fixture
def site():
    with LocalSite() as running:
        yield running


@pytest.fixture
def bench(tmp_path: Path):
    with Workbench(load_workspace(str(tmp_path / "ws"), FAST, env={})) as opened:
        yield opened


def _stored(bench: Workbench) -> list[tuple]:
    """Everything a failed import must leave as it was: articles, revisions, blocks."""
    return [(a.id, a.path, a.revision, a.title) for a in bench.articles()] + [
        tuple(s.source for s in bench.segments(a.id)) for a in bench.articles()
    ]


def test_a_page_by_url_with_its_metadata_and_bytes(site: LocalSite, bench: Workbench) -> None:
    url = site.route("/wirtschaft/hafen.html", HAFEN)
    [result] = bench.import_urls([url])
    assert result.outcome is ImportOutcome.NEW and result.error is None
    info = bench.article(result.article_id)
    assert (info.path, info.outlet, info.author, info.date) == (
        url,
        "Rheinblick",
        "Anna Schröder",
        "2025-03-14",
    )
    assert info.url == "https://www.rheinblick.example/wirtschaft/hafen-duisburg-containerbruecke-100.html"
    assert bench.store.page(result.article_id).body == HAFEN
    assert site.requests[0][1].startswith("workbench/")
    body = [s.source for s in bench.segments(info.id) if s.kind is BlockKind.BODY]
    assert any(s.startswith("Nach zwei Jahren Bauzeit hat der Duisburger Hafen am Freitag") for s in body)
    assert not any("twittern" in s or "Impressum" in s for s in body)
    assert bench.find_article(url) == info.id == bench.find_article(info.url)


def test_same_page_again_is_a_no_op_and_a_changed_page_a_revision(site: LocalSite, bench: Workbench) -> None:
    changed = HAFEN.replace(b"bis 2027 auszubauen", b"bis 2028 auszubauen")
    url = site.route("/hafen", HAFEN, HAFEN, changed)
    first = bench.import_urls([url])[0]
    assert bench.import_urls([url])[0].outcome is ImportOutcome.UNCHANGED
    third = bench.import_urls([url])[0]
    assert (third.outcome, third.article_id) == (ImportOutcome.REVISED, first.article_id)
    assert bench.article(first.article_id).revision == 2
    assert bench.store.page(first.article_id).body == changed


def test_redirects_are_followed_and_recorded(site: LocalSite, bench: Workbench) -> None:
    target = site.route("/neu/radweg", RADWEG)
    old = site.redirect("/alt/radweg", "/zwischen/radweg")
    site.redirect("/zwischen/radweg", "/neu/radweg", status=302)
    [result] = bench.import_urls([old])
    assert result.note == f"redirected to {target}"
    page = bench.store.page(result.article_id)
    assert page.final_url == target
    assert page.redirects == (old, site.url("/zwischen/radweg"))
    assert bench.article(result.article_id).path == old


def test_500_then_200_is_retried(site: LocalSite, bench: Workbench) -> None:
    url = site.route(
        "/wackelig",
        Response(b"", status=500),
        Response(b"", status=429, headers={"Retry-After": "0"}),
        RADWEG,
    )
    [result] = bench.import_urls([url])
    assert result.outcome is ImportOutcome.NEW
    assert [path for path, _ in site.requests] == ["/wackelig"] * 3


@pytest.mark.parametrize(
    ("response", "reason"),
    [
        (Response(b"nein", status=404), "HTTP 404 Not Found"),
        (Response(b"", status=503), "HTTP 503 Service Unavailable (after 3 tries)"),
        (
            Response(b"%PDF-1.7 ...", content_type="application/pdf"),
            "not an HTML or text page: application/pdf (a PDF document)",
        ),
        (
            Response(b"\x89PNG....", content_type="image/png"),
            "not an HTML or text page: image/png (an image)",
        ),
        (Response(RADWEG, delay=2.5), "timed out after 1 s"),
        (
            Response(b"x" * (32 * 1024 * 1024 + 1)),
            "too large: 33,554,433 bytes, over the limit of 33,554,432",
        ),
    ],
    ids=["404", "503", "pdf", "image", "timeout", "too-large"],
)
def test_each_failure_is_one_line_and_stores_nothing(
    site: LocalSite, bench: Workbench, response: Response, reason: str
) -> None:
    good = site.route("/gut", HAFEN)
    bench.import_urls([good])
    before = _stored(bench)
    bad = site.route("/schlecht", response)
    results = bench.import_urls([bad, good])
    assert (results[0].path, results[0].error, results[0].article_id) == (bad, reason, None)
    assert results[1].outcome is ImportOutcome.UNCHANGED
    assert _stored(bench) == before


def test_declared_windows_1252_and_a_bad_utf8_byte(site: LocalSite, bench: Workbench) -> None:
    legacy = (
        '<html><head><meta charset="windows-1252"><title>Größere Schäden in Köln</title></head><body>'
        "<p>Die Standardausführung der Brücke hält größere Lasten aus, sagte der Ingenieur am Montag.</p>"
        "</body></html>"
    ).encode("cp1252")
    one_bad = RADWEG.replace(b"Heilbronner", b"Heilbr\xf6nner")
    results = bench.import_urls(
        [site.route("/alt", Response(legacy, content_type="text/html")), site.route("/kaputt", one_bad)]
    )
    legacy_text = " ".join(s.source for s in bench.segments(results[0].article_id))
    assert "Die Standardausführung der Brücke hält größere Lasten aus" in legacy_text
    assert not results[0].warnings
    utf8_text = " ".join(s.source for s in bench.segments(results[1].article_id))
    assert "Oberbürgermeister" in utf8_text and "Ã" not in utf8_text
    assert "decoded as utf-8" in results[1].warnings[0]


RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Rheinblick – Wirtschaft</title><link>{base}/</link>
<item><title>Hafen</title><link>{base}/hafen</link><pubDate>Fri, 14 Mar 2025 09:30:00 +0100</pubDate></item>
<item><title>Radweg</title><link>{base}/radweg</link><pubDate>Mon, 03 Feb 2025 08:00:00 +0100</pubDate></item>
<item><title>Weg</title><link>{base}/geloescht</link></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Neckar-Bote</title>
<entry><title>Radweg</title><link href="/radweg"/><updated>2025-02-03T08:00:00Z</updated></entry>
<entry><title>Hafen</title><link rel="alternate" href="/hafen"/>
  <link rel="enclosure" href="/bild.jpg"/></entry>
</feed>"""


def test_rss_feed_reports_new_unchanged_and_failed(site: LocalSite, bench: Workbench) -> None:
    site.route("/hafen", HAFEN)
    site.route("/radweg", RADWEG)
    feed = site.route(
        "/rss", Response(RSS.format(base=site.base).encode(), content_type="application/rss+xml")
    )
    report = bench.import_feed(feed)
    assert report.title == "Rheinblick – Wirtschaft"
    assert report.counts() == {"new": 2, "changed": 0, "unchanged": 0, "failed": 1}
    assert [r.error for r in report.results if r.error] == ["HTTP 404 Not Found"]
    asked = len(site.requests)
    again = bench.import_feed(feed)
    assert again.counts() == {"new": 0, "changed": 0, "unchanged": 2, "failed": 1}
    assert [path for path, _ in site.requests[asked:]] == ["/rss", "/geloescht"]  # known ones skipped


def test_atom_feed_from_a_file_with_relative_links(site: LocalSite, bench: Workbench, tmp_path: Path) -> None:
    site.route("/hafen", HAFEN)
    site.route("/radweg", RADWEG)
    feed = site.route("/atom", Response(ATOM.encode(), content_type="application/atom+xml"))
    report = bench.import_feed(feed)
    assert report.counts()["new"] == 2
    assert [r.path for r in report.results] == [site.url("/radweg"), site.url("/hafen")]
    local = tmp_path / "feed.xml"
    local.write_text(RSS.format(base=site.base), encoding="utf-8")
    assert bench.import_feed(str(local)).counts() == {"new": 0, "changed": 0, "unchanged": 2, "failed": 1}
    assert bench.import_feed(str(tmp_path / "fehlt.xml")).error


def test_a_page_is_not_a_feed(site: LocalSite, bench: Workbench) -> None:
    report = bench.import_feed(site.route("/seite", HAFEN))
    assert report.error and "not an RSS or Atom feed" in report.error
    assert report.counts()["failed"] == 1 and not bench.articles()


def _cli(*args: str, cwd: Path, **extra: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WORKBENCH_")}
    env.update({f"WORKBENCH_{k.upper()}": v for k, v in FAST.items()}, COLUMNS="100", **extra)
    return subprocess.run(
        [str(WORKBENCH), *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=120
    )


def test_cli_import_urls_show_and_list_as_json(site: LocalSite, tmp_path: Path) -> None:
    hafen, radweg = site.route("/hafen", HAFEN), site.route("/radweg", RADWEG)
    missing = site.url("/fehlt")
    done = _cli("import", hafen, missing, radweg, cwd=tmp_path)
    assert done.returncode == 1
    assert done.stdout.splitlines() == [f"new       #1  {hafen}", f"new       #2  {radweg}"]
    assert done.stderr.splitlines() == [f"error: {missing}: HTTP 404 Not Found"]
    shown = json.loads(_cli("show", hafen, "--format", "json", cwd=tmp_path).stdout)
    assert {k: shown[k] for k in ("id", "path", "outlet", "author", "date", "language")} == {
        "id": 1,
        "path": hafen,
        "outlet": "Rheinblick",
        "author": "Anna Schröder",
        "date": "2025-03-14",
        "language": "de",
    }
    assert shown["url"].startswith("https://www.rheinblick.example/")
    kinds = {(b["kind"], b["reason"]) for b in shown["blocks"]}
    assert {("body", "title"), ("boilerplate", "menu"), ("boilerplate", "comments")} <= kinds
    listed = json.loads(_cli("articles", "--format", "json", cwd=tmp_path).stdout)
    assert [(a["id"], a["date"]) for a in listed] == [(1, "2025-03-14"), (2, "2025-02-03")]  # newest first
    table = _cli("articles", cwd=tmp_path).stdout.splitlines()
    assert "2025-03-14  Rheinblick" in table[1] and "2025-02-03  Neckar-Bote" in table[2]
    text = _cli("show", radweg, cwd=tmp_path).stdout.splitlines()
    assert text[1] == f"  Jonas Keller · 2025-02-03 · {radweg}"  # no canonical link: the address fetched


def test_cli_feeds_from_the_settings_quietly(site: LocalSite, tmp_path: Path) -> None:
    site.route("/hafen", HAFEN)
    site.route("/radweg", RADWEG)
    site.route("/rss", Response(RSS.format(base=site.base).encode(), content_type="application/rss+xml"))
    (tmp_path / ".workbench").mkdir()
    (tmp_path / ".workbench" / "workbench.toml").write_text(f'[feeds]\nrheinblick = "{site.url("/rss")}"\n')
    done = _cli("import", "--feeds", "--quiet", cwd=tmp_path)
    assert done.returncode == 1  # the entry whose page is gone
    assert done.stdout.splitlines() == ["Rheinblick – Wirtschaft: 2 new, 0 changed, 0 unchanged, 1 failed"]
    assert done.stderr.splitlines() == [f"error: {site.url('/geloescht')}: HTTP 404 Not Found"]
    assert _cli("import", "--feeds", "--quiet", cwd=tmp_path).stdout.splitlines() == [
        "Rheinblick – Wirtschaft: 0 new, 0 changed, 2 unchanged, 1 failed"
    ]


def test_translate_url_writes_exports_that_carry_the_metadata(
    site: LocalSite, tmp_path: Path, tiny_model
) -> None:
    from lxml import etree
    from translate.storage.tmx import tmxfile
    from translate.storage.xliff2 import Xliff2File

    url = site.route("/hafen", HAFEN)
    env_model = {"WORKBENCH_MODEL": str(tiny_model), "WORKBENCH_MODELS_DIR": str(tmp_path / "models")}
    done = _cli(
        "translate", url, "--out", "out", "--format", "jsonl,tmx,xliff", "--quiet", cwd=tmp_path, **env_model
    )
    assert done.returncode == 0, done.stderr
    [jsonl] = (tmp_path / "out").glob("*.jsonl")
    record = json.loads(jsonl.read_text(encoding="utf-8").splitlines()[0])
    assert (record["source_path"], record["outlet"], record["author"], record["date"]) == (
        url,
        "Rheinblick",
        "Anna Schröder",
        "2025-03-14",
    )
    assert record["url"].startswith("https://www.rheinblick.example/")
    [tmx] = (tmp_path / "out").glob("*.tmx")
    assert tmxfile.parsestring(tmx.read_bytes()).units
    props = {
        p.get("type"): p.text for p in etree.fromstring(tmx.read_bytes()).find("body/tu").findall("prop")
    }
    assert (props["x-outlet"], props["x-author"], props["x-date"]) == (
        "Rheinblick",
        "Anna Schröder",
        "2025-03-14",
    )
    [xliff] = (tmp_path / "out").glob("*.xlf")
    assert Xliff2File.parsestring(xliff.read_bytes()).units
    notes = etree.fromstring(xliff.read_bytes()).findall(".//{*}file/{*}notes/{*}note")
    assert {n.get("category"): n.text for n in notes}["date"] == "2025-03-14"

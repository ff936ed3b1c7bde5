"""HTML pages through trafilatura (issue 18): main text, metadata, and the rest kept as
boilerplate with a reason, on hand-written pages in the style of German news sites."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.paths import ROOT
from workbench.ingest.article import article_from_bytes, parse_article, read_article
from workbench.ingest.boilerplate import classify_blocks
from workbench.records import Article, BlockKind

PAGES = ROOT / "tests" / "fixtures" / "web"


def _body(article: Article) -> list[str]:
    return [b.text for b in article.blocks if b.kind is BlockKind.BODY and not b.is_title]


def _left_out(article: Article) -> dict[str, str]:
    return {b.text: b.reason for b in article.blocks if b.kind is BlockKind.BOILERPLATE}


def test_news_page_main_text_in_order_with_metadata() -> None:
    article = read_article(PAGES / "rheinblick_hafen.html")
    assert article.title == "Hafen Duisburg: Neue Containerbrücke geht in Betrieb"
    assert (article.outlet, article.author, article.date) == ("Rheinblick", "Anna Schröder", "2025-03-14")
    assert article.url == "https://www.rheinblick.example/wirtschaft/hafen-duisburg-containerbruecke-100.html"
    assert article.language == "de"
    body = _body(article)
    assert body[0].startswith("Der größte Binnenhafen Europas")  # the lead, in <strong class=teaser>
    assert "Mehr Verkehr auf dem Rhein erwartet" in body  # a subheading
    assert body[-1].startswith("Die Stadt Duisburg kündigte an")  # after the related box
    assert len(body) == 7
    assert not any(word in " ".join(body) for word in ("Cookies", "twittern", "Impressum", "Rotterdam"))


def test_what_trafilatura_leaves_out_is_kept_with_a_reason() -> None:
    article = read_article(PAGES / "rheinblick_hafen.html")
    left_out = _left_out(article)
    assert left_out["Kommentar"] == "menu"
    assert left_out["Teilen twittern Mailen"] == "share buttons"
    assert left_out["Binnenschifffahrt: Niedrigwasser bremst Frachter aus"] == "related links"
    assert left_out["Ähnliche Beiträge"] == "related links"
    assert (
        left_out["28 Millionen für eine Brücke? Das Geld hätte man besser in Schulen gesteckt."] == "comments"
    )
    assert left_out["Impressum"] == "footer"
    assert "Wir verwenden Cookies" in next(t for t, r in left_out.items() if r == "cookie banner")
    # the blocks keep the page's order: menu before the article, comments after it
    texts = [b.text for b in article.blocks]
    assert texts.index("Kommentar") < texts.index(_body(article)[0]) < texts.index("Kommentare")


def test_svg_icon_titles_never_reach_the_text() -> None:
    article = read_article(PAGES / "rheinblick_hafen.html")
    everything = " ".join(b.text for b in article.blocks)
    assert "Rheinblick Startseite" not in everything
    assert "Facebook" not in everything


def test_comment_counter_and_menu_item_do_not_swallow_the_article() -> None:
    article = read_article(PAGES / "ohne_head_ende.html")  # "3 Kommentare" byline, "Kommentar" menu
    assert len(_body(article)) == 5
    assert _left_out(article)[
        "Fritz H.: Wurde auch Zeit, auf der Weinsberger Straße ist es lebensgefährlich."
    ]


def test_page_without_head_end_keeps_its_text_and_metadata() -> None:
    article = read_article(PAGES / "ohne_head_ende.html")
    assert article.title == "Stadtrat beschließt Radweg-Offensive"
    assert (article.outlet, article.author, article.date) == ("Neckar-Bote", "Jonas Keller", "2025-02-03")
    assert _body(article)[0].startswith("Der Heilbronner Gemeinderat")


def test_stray_script_end_tag_loses_nothing() -> None:
    article = read_article(PAGES / "kaputtes_script.html")
    body = _body(article)
    assert [text.split()[0] for text in body] == ["Im", "Bildungsministerin", "Die"]
    assert not any("Werbung" in b.text or "document.write" in b.text for b in article.blocks)
    assert _left_out(article)["Von Petra Lindner"] == "byline"


def test_tiny_page_falls_back_to_every_block() -> None:
    article = parse_article(
        "<p>Der Kreml schweigt.</p><p>Die Lage bleibt unklar.</p>", "x.html", "h", suffix=".html"
    )
    assert [b.text for b in article.blocks] == ["Der Kreml schweigt.", "Die Lage bleibt unklar."]


def test_meta_charset_windows_1252_is_honoured() -> None:
    html = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
        "<title>Größere Schäden</title></head><body><p>Die Standardausführung kostet 5 € mehr.</p>"
        "</body></html>"
    ).encode("cp1252")
    article = article_from_bytes(html, "x.html", ".html")
    assert article.encoding == "cp1252" and not article.warnings
    assert "Die Standardausführung kostet 5 € mehr." in [b.text for b in article.blocks]


def test_one_bad_byte_does_not_turn_utf8_into_cp1252() -> None:
    html = "<html><body><p>Die Standardausführung für Köln ist größer.</p></body></html>".encode()
    broken = html.replace(b"Stand", b"St\xffand")
    article = article_from_bytes(broken, "x.html", ".html")
    assert article.encoding == "utf-8"
    assert "Standardausführung" not in article.blocks[0].text  # the bad byte is marked, not hidden
    assert "ausführung für Köln ist größer" in article.blocks[0].text
    assert "U+FFFD" in article.warnings[0] and "byte" in article.warnings[0]


_ARTICLE = "Der Rat hat am Montag neue Regeln für den Hafen beschlossen."


@pytest.mark.parametrize(
    ("texts", "reasons"),
    [
        (
            ["Titel", "0 Kommentare", _ARTICLE, "Gut so."],
            ["engagement counter", "article text", "article text"],
        ),
        (["Titel", "Kommentar", _ARTICLE, "Gut so."], ["article text", "article text", "article text"]),
        (
            ["Titel", "Kommentare", _ARTICLE, "Gut so."],
            ["comment thread link: 'Kommentare'", "article text", "article text"],
        ),
        (
            ["Titel", _ARTICLE, "Kommentare", "Gut so."],
            ["article text", "comment thread: 'Kommentare'", "comment thread"],
        ),
    ],
)
def test_comment_zone_opens_only_after_article_text(texts: list[str], reasons: list[str]) -> None:
    """A counter under the byline or a menu item cannot open a zone that takes the article; a
    comment heading after the article text still takes the thread."""
    assert [v.reason for v in classify_blocks(texts)][1:] == reasons


def test_txt_files_keep_the_project_rules(tmp_path: Path) -> None:
    path = tmp_path / "meldung.txt"
    path.write_text(
        "Titel der Meldung\n0 Kommentare\nDer Rat hat am Montag beschlossen, den Hafen auszubauen.\n"
    )
    article = read_article(path)
    assert [b.reason for b in article.blocks] == ["title", "engagement counter", "article text"]
    assert article.url is None and article.date is None

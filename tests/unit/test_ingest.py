"""Decoding, paragraphs, title/outlet, boilerplate and language on the five seeds and edge cases."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from tests.paths import SEEDS
from workbench.ingest.article import IngestError, parse_article, read_article
from workbench.ingest.decode import DecodeError, decode_bytes
from workbench.records import BlockKind

# Gold labels: the start of every block that must be boilerplate, per seed. Every other block of
# the seed must be body, so the test fails both when furniture slips through and when article
# text is dropped.
BOILERPLATE = {
    "000_bb1e4186efedc55e.txt": ["bur/mhe/cp", "Welcome!", "infobud.news is an AI-driven"],
    "001_41deaae23a4276fc.txt": [
        "Keystone-SDA",
        "Keystone-SDA",
        "Russland hat zum ersten Mal die Beteiligung nordkoreanischer Soldaten bestätigt. - Alexander",
        "Mehr zum Thema:",
        "Kommentare",
        "User #1698 (nicht angemeldet)",
        "Mal Gucken was der kleine Zarensky",
        "User #4245 (nicht angemeldet)",
        "Der Kursk Move war närrisch",
        "Weiterlesen",
        "9 Interaktionen",
        "Laut Kreml",
        "D",
        "Strände & Co.",
        "MEHR IN NEWS",
        "Explosion im Iran",
        "Im Iran",
        "Mahmud Abbas",
        "Ramallah",
        "Donald Trump",
        "82 Interaktionen",
        "Am 100. Tag",
        "MEHR AUS RUSSLAND",
        "14 Interaktionen",
        "Laut Kreml",
        "US-Sondergesandter Steve Witkoff",
        "11 Interaktionen",
        "Verhandlungen",
        "US-Sondergesandter Steve Witkoff",
        "In Moskau",
        "zentralbank",
        "Trotz Bedenken",
    ],
    "002_e2235c48d83a146a.txt": [
        "CNN",
        "Siehe auch  Zwei Kriegsschiffe",
        "Siehe auch  Menschenmassen",
        "Schreibe einen Kommentar",
        "Deine E-Mail-Adresse wird nicht veröffentlicht",
    ],
    "003_56bf65ee1d3c5807.txt": [
        "Der Artikel wird von einem Drittanbieter bereitgestellt",
        "Branchen: Top-Story",
        "SeaPRwire liefert Echtzeit-Pressemitteilungsverteilung",
    ],
    "004_83012bf74d01115b.txt": [
        "NachrichtenNordkoreas Truppen",
        "Nordkorea hat Soldaten nach Russland entsandt. Es gibt eine Reaktion der USA.",
        "Bildquelle: © East News",
        "Für Sie ausgewählt",
    ],
}
TITLES = {
    "000_bb1e4186efedc55e.txt": ("Russland lehnt Kommentar zu nordkoreanischen Soldaten ab", "AFP"),
    "001_41deaae23a4276fc.txt": ("Russland bestätigt Beteiligung nordkoreanischer Soldaten", "Keystone-SDA"),
    "002_e2235c48d83a146a.txt": (
        "Kiew teilte mit, nordkoreanische Streitkräfte seien in der Region Kursk",
        "CNN",
    ),
    "003_56bf65ee1d3c5807.txt": ("Nordkorea will 10.000 Soldaten zur Unterstützung", "SeaPRwire"),
    "004_83012bf74d01115b.txt": ("Nordkoreas Truppen unterstützen Russlands Krieg gegen die Ukraine", None),
}


@pytest.mark.parametrize("name", sorted(BOILERPLATE))
def test_seed_boilerplate_matches_the_gold_labels(name: str) -> None:
    article = read_article(SEEDS / name)
    flagged = [b for b in article.blocks if b.kind is BlockKind.BOILERPLATE]
    assert len(flagged) == len(BOILERPLATE[name]), [b.text[:50] for b in flagged]
    for block, expected_start in zip(flagged, BOILERPLATE[name], strict=True):
        assert " ".join(block.text.split()).startswith(" ".join(expected_start.split()))
        assert block.reason  # every verdict says why


@pytest.mark.parametrize("name", sorted(BOILERPLATE))
def test_seed_article_sentences_are_body(name: str) -> None:
    article = read_article(SEEDS / name)
    body = [b for b in article.blocks if b.kind is BlockKind.BODY]
    assert len(body) + len(BOILERPLATE[name]) == len(article.blocks)
    assert all(b.sentences for b in body)
    assert all(b.language == "de" for b in body)


@pytest.mark.parametrize("name", sorted(TITLES))
def test_seed_title_and_outlet(name: str) -> None:
    article = read_article(SEEDS / name)
    title, outlet = TITLES[name]
    assert article.title.startswith(title)
    assert article.outlet == outlet
    assert article.language == "de"
    assert sum(b.is_title for b in article.blocks) == 1


def test_english_blurb_is_marked_english() -> None:
    article = read_article(SEEDS / "000_bb1e4186efedc55e.txt")
    blurb = next(b for b in article.blocks if b.text.startswith("infobud.news"))
    assert blurb.language == "en"


def test_boilerplate_keeps_its_text_and_sentences() -> None:
    article = read_article(SEEDS / "003_56bf65ee1d3c5807.txt")
    disclaimer = next(b for b in article.blocks if b.reason == "press-release disclaimer")
    assert "Drittanbieter" in disclaimer.text
    assert len(disclaimer.sentences) == 2


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("Grüße aus Köln".encode(), "utf-8"),
        (codecs.BOM_UTF8 + "Grüße aus Köln".encode(), "utf-8-sig"),
        ("Grüße aus Köln".encode("utf-16"), "utf-16"),
        ("Grüße aus Köln".encode("utf-16-be").join([codecs.BOM_UTF16_BE, b""]), "utf-16"),
    ],
)
def test_decodes_utf8_and_boms(data: bytes, encoding: str) -> None:
    decoded = decode_bytes(data)
    assert decoded.text == "Grüße aus Köln"
    assert decoded.encoding == encoding
    assert decoded.warning is None


def test_cp1252_fallback_warns() -> None:
    decoded = decode_bytes("Grüße „Köln“ – 5 €".encode("cp1252"))
    assert decoded.text == "Grüße „Köln“ – 5 €"
    assert decoded.encoding == "cp1252"
    assert "not valid UTF-8" in decoded.warning


def test_latin1_when_cp1252_cannot_decode() -> None:
    decoded = decode_bytes(b"Gr\xfc\xdfe \x81")  # 0x81 is undefined in cp1252
    assert decoded.encoding == "latin-1"
    assert decoded.text.startswith("Grüße")


def test_newlines_nfc_and_controls_are_normalised() -> None:
    decoded = decode_bytes("Zeile 1\r\nZeile 2\rZeile\x07 3 Mu\u0308nchen".encode())
    assert decoded.text == "Zeile 1\nZeile 2\nZeile 3 München"


def test_binary_is_refused() -> None:
    with pytest.raises(DecodeError, match="a PNG image, not a text file"):
        decode_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(DecodeError, match="binary content"):
        decode_bytes(b"Titel\nDer Kreml\x00 schweigt.")


def test_empty_file_is_a_clear_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n\n")
    with pytest.raises(IngestError, match="no text"):
        read_article(empty)


def test_hard_wrapped_text_is_joined_into_paragraphs() -> None:
    text = (
        "Titel der Meldung\n\n"
        "Der Kreml hat am Freitag eine Stellungnahme dazu abgelehnt, ob nordkoreanische\n"
        "Soldaten bereits an der Seite der russischen Armee gegen die Ukraine kämpfen.\n"
        "Das Ministerium antwortet in der Regel nicht auf Presseanfragen zur Offensive.\n\n"
        "Dort hatten ukrainische Truppen im August eine Offensive gestartet, hieß es am\n"
        "Abend aus Kiew.\n"
    )
    blocks = [b.text for b in parse_article(text, "x.txt", "hash").blocks]
    assert len(blocks) == 3
    assert blocks[1].startswith("Der Kreml") and blocks[1].endswith("zur Offensive.")
    assert blocks[2] == (
        "Dort hatten ukrainische Truppen im August eine Offensive gestartet, hieß es am Abend aus Kiew."
    )


def test_one_paragraph_per_line_files_keep_short_lines_apart() -> None:
    text = (
        "Titel\n" + "Ein langer Absatz, der weit über hundert Zeichen hinausgeht, " * 3 + "\nLaut Kreml\nD\n"
    )
    assert [b.text for b in parse_article(text, "x.txt", "hash").blocks][2:] == ["Laut Kreml", "D"]


def test_html_paragraphs_and_title() -> None:
    html = (
        "<html><head><title>Russland bestätigt Beteiligung</title><script>var x = 1;</script></head>"
        "<body><h1>Russland bestätigt Beteiligung</h1><p>Der Kreml hat am Freitag eine Stellungnahme"
        " abgelehnt.</p><p>Die Lage ist ernst &amp; unklar.</p></body></html>"
    )
    article = parse_article(html, "x.html", "hash", suffix=".html")
    assert article.title == "Russland bestätigt Beteiligung"
    texts = [b.text for b in article.blocks]
    assert "Die Lage ist ernst & unklar." in texts
    assert not any("var x" in t for t in texts)


def test_markdown_headings_become_plain_text() -> None:
    article = parse_article("# Titel der Meldung\n\nEin Absatz über\ndie Lage.", "x.md", "h", suffix=".md")
    assert article.title == "Titel der Meldung"
    assert article.blocks[1].text == "Ein Absatz über die Lage."

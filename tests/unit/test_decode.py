"""Decoding order (issue 18): BOM, the server's charset, the page's meta charset, UTF-8 (a stray
byte replaced, not a reason for cp1252), detection; each fallback names what it used."""

from __future__ import annotations

import codecs

from workbench.ingest.decode import decode_bytes

TEXT = "Die Standardausführung für Köln kostet 5 € mehr als die größere."


def test_bom_beats_every_declaration() -> None:
    data = codecs.BOM_UTF8 + f'<meta charset="iso-8859-2"><p>{TEXT}</p>'.encode()
    decoded = decode_bytes(data, declared="windows-1252", markup=True)
    assert decoded.encoding == "utf-8-sig" and TEXT in decoded.text


def test_server_charset_beats_the_meta_tag() -> None:
    data = f'<meta charset="utf-8"><p>{TEXT}</p>'.encode("cp1252")
    decoded = decode_bytes(data, declared="windows-1252", markup=True)
    assert decoded.encoding == "cp1252" and TEXT in decoded.text and decoded.warning is None


def test_meta_charset_read_in_markup_only() -> None:
    data = f'<html><head><meta charset="ISO-8859-15"></head><p>{TEXT}</p>'.encode("iso-8859-15")
    assert decode_bytes(data, markup=True).encoding == "iso8859-15"
    assert TEXT in decode_bytes(data, markup=True).text
    assert decode_bytes(data).warning  # a text file's bytes are not searched for tags


def test_latin1_label_read_as_windows_1252_as_browsers_do() -> None:
    data = '<meta charset="iso-8859-1"><p>„Zitat“ – 5 €</p>'.encode("cp1252")
    decoded = decode_bytes(data, markup=True)
    assert decoded.encoding == "cp1252" and "„Zitat“ – 5 €" in decoded.text


def test_wrong_declaration_does_not_win_over_the_bytes() -> None:
    data = f'<meta charset="ascii"><p>{TEXT}</p>'.encode()  # declared ascii, really UTF-8
    decoded = decode_bytes(data, markup=True)
    assert decoded.encoding == "utf-8" and TEXT in decoded.text


def test_utf8_with_one_bad_byte_stays_utf8() -> None:
    data = (TEXT * 3).encode().replace(b"Stand", b"St\x96and", 1)
    decoded = decode_bytes(data)
    assert decoded.encoding == "utf-8"
    assert "Ã" not in decoded.text and decoded.text.count("ü") == 6
    assert "1 bad byte" in decoded.warning and "the first at 6" in decoded.warning


def test_undeclared_legacy_text_is_detected_and_named() -> None:
    data = ("Grüße aus Köln. " + TEXT + " Über die Gebühren wird später entschieden. ") * 4
    decoded = decode_bytes(data.encode("cp1252"))
    assert decoded.text.startswith("Grüße aus Köln.")
    assert f"decoded as {decoded.encoding} (detected)" in decoded.warning

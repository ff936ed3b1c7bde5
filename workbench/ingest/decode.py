"""Bytes to clean text: BOMs, declared charsets, UTF-8, detection, NFC and one newline style.

News files arrive from scrapers, e-mail and Windows editors; a wrong guess here corrupts every
later step, so the rules are explicit and each fallback is reported as a warning.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# File signatures of formats that are not text, even when their bytes happen to decode.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive (or an office document)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x7fELF", "an executable"),
)
# C0/C1 control characters other than tab and newline carry no text and confuse the model.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class DecodeError(ValueError):
    """The bytes are not text in any encoding we accept."""


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str
    warning: str | None = None


def decode_bytes(data: bytes, declared: str | None = None, markup: bool = False) -> DecodedText:
    """Decode contents: a BOM, then the charset the server declared (HTTP `Content-Type`), then
    the page's own `<meta charset>`/`http-equiv` (markup only), then strict UTF-8, then UTF-8
    with the odd bad byte replaced, then detection (charset-normalizer), then cp1252/latin-1.

    Every step past a BOM, a declaration or valid UTF-8 is a warning that names what was used:
    one stray byte must not turn a whole UTF-8 page into cp1252 mojibake ("StandardausfÃ¼hrung").
    """
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            raise DecodeError(f"{kind}, not a text file")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return DecodedText(_clean(data.decode(encoding)), encoding)
    if b"\x00" in data:
        raise DecodeError("binary content (NUL bytes), not a text file")
    for label in (declared, _meta_charset(data) if markup else None):
        if label and (decoded := _declared(data, label)):
            return decoded
    try:
        return DecodedText(_clean(data.decode("utf-8")), "utf-8")
    except UnicodeDecodeError as error:
        where = error.start
    if _mostly_utf8(data):
        text = data.decode("utf-8", "replace")
        bad = text.count("\ufffd")
        warning = (
            f"not valid UTF-8 ({bad} bad byte(s), the first at {where}); "
            "decoded as utf-8, bad bytes replaced by U+FFFD"
        )
        return DecodedText(_clean(text), "utf-8", warning)
    return _detected(data, where)


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE)
_META_SCAN_BYTES = 4096
"""HTML5 asks for the declaration within the first 1024 bytes; pages put it later, so read more."""
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_HIGH_BYTE = re.compile(rb"[\x80-\xff]")
_WESTERN = ("cp1252", "latin-1")


def _meta_charset(data: bytes) -> str | None:
    """The charset a page declares in `<meta charset>` or `<meta http-equiv="Content-Type">`."""
    match = _META_CHARSET.search(data[:_META_SCAN_BYTES])
    return match.group(1).decode("ascii") if match else None


def _declared(data: bytes, label: str) -> DecodedText | None:
    """The bytes in a declared encoding; a declaration that is unknown or does not fit the bytes
    is passed over (the next rule decides), never trusted into mojibake."""
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    if name == "utf-8":  # strict UTF-8, or the one-bad-byte rule below, decides
        return None
    try:
        text = data.decode(name)
    except UnicodeDecodeError:
        return None
    if name in ("iso8859-1", "ascii"):  # browsers read both as windows-1252 (WHATWG Encoding)
        name = "cp1252" if _decodes(data, "cp1252") else name
        text = data.decode(name)
    return DecodedText(_clean(text), name)


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _mostly_utf8(data: bytes) -> bool:
    """Most bytes above 0x7f form valid UTF-8 sequences: a UTF-8 text with a few stray bytes."""
    high = len(_HIGH_BYTE.findall(data))
    in_sequences = sum(len(m) for m in _UTF8_SEQUENCE.findall(data))
    return high > 0 and in_sequences >= 0.9 * high


def _detected(data: bytes, where: int) -> DecodedText:
    """Neither declared nor UTF-8: charset-normalizer's best guess, else cp1252 (then latin-1,
    which decodes any byte); the warning names the encoding used."""
    guess = _normalizer_guess(data)
    for encoding, how in ((guess, "detected"), *((name, "assumed") for name in _WESTERN)):
        if encoding and _decodes(data, encoding):
            warning = f"not valid UTF-8 (byte {where}) and no charset declared; decoded as {encoding} ({how})"
            return DecodedText(_clean(data.decode(encoding)), encoding, warning)
    raise DecodeError("undecodable bytes")  # pragma: no cover - latin-1 decodes any byte


def _normalizer_guess(data: bytes) -> str | None:
    """charset-normalizer's encoding when it is sure enough; short texts are left to cp1252,
    the encoding of the Western European text this fallback mostly meets."""
    from charset_normalizer import from_bytes  # imported here: most files never get this far

    best = from_bytes(data, cp_isolation=None).best()
    if best is None or len(data) < _DETECTION_MIN_BYTES:
        return None
    return codecs.lookup(best.encoding).name


_DETECTION_MIN_BYTES = 200


def _clean(text: str) -> str:
    """NFC, '\\n' newlines, no control characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    return unicodedata.normalize("NFC", text)

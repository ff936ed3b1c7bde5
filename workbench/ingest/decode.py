"""Bytes to clean text: BOMs, UTF-8, a cp1252/latin-1 fallback, NFC and one newline style.

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


def decode_bytes(data: bytes) -> DecodedText:
    """Decode file contents, trying BOMs, then strict UTF-8, then cp1252 and latin-1."""
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            raise DecodeError(f"{kind}, not a text file")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return DecodedText(_clean(data.decode(encoding)), encoding)
    if b"\x00" in data:
        raise DecodeError("binary content (NUL bytes), not a text file")
    try:
        return DecodedText(_clean(data.decode("utf-8")), "utf-8")
    except UnicodeDecodeError as error:
        where = error.start
    for fallback in ("cp1252", "latin-1"):
        try:
            text = data.decode(fallback)
        except UnicodeDecodeError:
            continue
        warning = f"not valid UTF-8 (byte {where}); decoded as {fallback}"
        return DecodedText(_clean(text), fallback, warning)
    raise DecodeError("undecodable bytes")  # pragma: no cover - latin-1 decodes any byte


def _clean(text: str) -> str:
    """NFC, '\\n' newlines, no control characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    return unicodedata.normalize("NFC", text)

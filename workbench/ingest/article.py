"""File to Article: decode, paragraphs, title and outlet, boilerplate, language, sentences."""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import replace
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.ingest.boilerplate import BODY, Verdict, classify_blocks, outlet_of
from workbench.ingest.decode import DecodeError, decode_bytes
from workbench.ingest.language import detect_language
from workbench.ingest.markup import paragraphs
from workbench.ingest.segment import split_sentences
from workbench.records import Article, Block, BlockKind

HTML_SUFFIXES = (".html", ".htm")
SUFFIXES = (".txt", ".md", ".markdown", *HTML_SUFFIXES)
MAX_IMPORT_BYTES = 32 * 1024 * 1024
"""Parsing holds about ten times a file's size in memory; 32 MB of text is ~80,000 sentences."""
_OUTLET_SEARCH_BLOCKS = 6
_LANGUAGE_SAMPLE_CHARS = 3000


class IngestError(WorkbenchError, ValueError):
    """A file that cannot become an article; the message names the reason, not the file."""


def read_bytes(path: Path, limit: int = MAX_IMPORT_BYTES) -> bytes:
    """A regular file's bytes, at most `limit` of them; anything else raises IngestError with a
    one-line reason. Opened without blocking and checked on the open descriptor, so a FIFO
    cannot hang the import and a device (a link to /dev/zero) is refused before a byte is read."""
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as error:
        raise IngestError(error.strerror or str(error)) from None
    with os.fdopen(handle, "rb") as stream:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            raise IngestError(f"{_kind(info.st_mode)}, not a regular file")
        if info.st_size > limit:
            raise IngestError(_too_big(info.st_size, limit))
        try:
            data = stream.read(limit + 1)
        except OSError as error:
            raise IngestError(error.strerror or str(error)) from None
    if len(data) > limit:  # grew while read, or a size the file system does not report
        raise IngestError(_too_big(len(data), limit))
    return data


def path_text(path: Path | str) -> str:
    """A path as text that SQLite and a terminal take: an undecodable byte in a file name (0xff)
    becomes `\\xff` instead of a lone surrogate that fails to encode."""
    text = str(path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(path).decode("utf-8", "backslashreplace")
    return text


def _too_big(size: int, limit: int) -> str:
    return f"{size:,} bytes, over the import limit of {limit:,} bytes (split the file)"


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a special file"


def bytes_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_article(path: Path, data: bytes | None = None) -> Article:
    """Parse one file (its bytes, when the caller has read them already); raises IngestError."""
    data = read_bytes(path) if data is None else data
    return article_from_bytes(data, path_text(path), path.suffix.lower())


def article_from_bytes(
    data: bytes, path: str, suffix: str, charset: str | None = None, url: str | None = None
) -> Article:
    """Bytes of a file or a fetched page (`charset` from its Content-Type, `url` where it came
    from) parsed into an Article; raises IngestError."""
    try:
        decoded = decode_bytes(data, declared=charset, markup=suffix in HTML_SUFFIXES)
    except DecodeError as error:
        raise IngestError(str(error)) from error
    warnings = (decoded.warning,) if decoded.warning else ()
    return parse_article(
        decoded.text,
        path=path,
        content_hash=bytes_digest(data),
        suffix=suffix,
        encoding=decoded.encoding,
        warnings=warnings,
        url=url,
    )


def parse_article(
    text: str,
    path: str,
    content_hash: str,
    suffix: str = ".txt",
    encoding: str = "utf-8",
    warnings: tuple[str, ...] = (),
    url: str | None = None,
) -> Article:
    """Text into an Article: HTML through trafilatura (main text and metadata), .txt and .md
    through the project's own paragraph and boilerplate rules."""
    if suffix in HTML_SUFFIXES:
        return _html_article(text, path, content_hash, encoding, warnings, url)
    texts = paragraphs(text, suffix)
    if not texts:
        raise IngestError("no text in file")
    title_index = _title_index(texts)
    verdicts = _verdicts(texts, title_index)
    outlet = _outlet(texts[: _OUTLET_SEARCH_BLOCKS + title_index])
    shell = Article(path, "", None, "", content_hash, (), encoding, warnings)
    return _assemble(texts, verdicts, title_index, outlet, shell)


def _html_article(
    text: str, path: str, content_hash: str, encoding: str, warnings: tuple[str, ...], url: str | None
) -> Article:
    """A page's title, then every block in page order: trafilatura's main text as body (the line
    rules still catch a photo credit in it), what it left out as boilerplate with its region."""
    from workbench.ingest.webpage import extract_page

    page = extract_page(text, url)
    if not page.blocks and not page.title:
        raise IngestError("no text in page")
    shell = Article(path, "", None, "", content_hash, (), encoding, warnings)
    shell = replace(shell, url=page.url or url, author=page.author, date=page.date)
    if not page.extracted:  # too little for trafilatura: the line rules decide every block
        texts = [b.text for b in page.blocks]
        if page.title and (not texts or texts[0] != page.title):
            texts.insert(0, page.title)
        verdicts = _verdicts(texts, 0)
        return _assemble(texts, verdicts, 0, page.outlet or _outlet(texts[:_OUTLET_SEARCH_BLOCKS]), shell)
    main = classify_blocks([b.text for b in page.blocks if b.main])
    verdicts = [Verdict(False, "title")]
    verdicts += [main.pop(0) if b.main else Verdict(True, b.reason) for b in page.blocks]
    texts = [page.title or page.blocks[0].text, *(b.text for b in page.blocks)]
    outlet = page.outlet or _outlet([b.text for b in page.blocks if b.main][:_OUTLET_SEARCH_BLOCKS])
    return _assemble(texts, verdicts, 0, outlet, shell)


def _assemble(
    texts: list[str], verdicts: list[Verdict], title_index: int, outlet: str | None, shell: Article
) -> Article:
    """The Article of classified texts: its language, blocks and sentences; `shell` carries the
    fields that do not depend on the text (path, hash, encoding, warnings, page metadata)."""
    language = _article_language(texts, verdicts)
    blocks = tuple(
        _block(position, block_text, verdict, language, position == title_index)
        for position, (block_text, verdict) in enumerate(zip(texts, verdicts, strict=True))
    )
    return replace(shell, title=texts[title_index], outlet=outlet, language=language, blocks=blocks)


def _title_index(texts: list[str]) -> int:
    """The first block, unless it is the second glued to a breadcrumb ("Nachrichten" + title)."""
    if len(texts) > 1 and len(texts[1]) > 10 and texts[0] != texts[1] and texts[0].endswith(texts[1]):
        return 1
    return 0


def _verdicts(texts: list[str], title_index: int) -> list[Verdict]:
    verdicts = classify_blocks(texts)
    verdicts[title_index] = Verdict(False, "title")
    if title_index == 1:
        verdicts[0] = Verdict(True, "breadcrumb glued to the title")
    return verdicts


def _article_language(texts: list[str], verdicts: list[Verdict]) -> str:
    body = " ".join(t for t, v in zip(texts, verdicts, strict=True) if not v.boilerplate)
    return detect_language(body[:_LANGUAGE_SAMPLE_CHARS] or " ".join(texts)[:_LANGUAGE_SAMPLE_CHARS])


def _block(position: int, text: str, verdict: Verdict, language: str, is_title: bool) -> Block:
    block_language = detect_language(text, default=language)
    sentences = tuple(s.strip() for s in split_sentences(text, block_language) if s.strip())
    return Block(
        position=position,
        text=text,
        kind=BlockKind.BOILERPLATE if verdict.boilerplate else BlockKind.BODY,
        reason=verdict.reason if verdict is not BODY else BODY.reason,
        language=block_language,
        sentences=sentences,
        is_title=is_title,
    )


def _outlet(texts: list[str]) -> str | None:
    for text in texts:
        if outlet := outlet_of(text):
            return outlet
    return None


def find_files(paths: list[Path]) -> list[Path]:
    """Files named directly, plus supported files found recursively in named directories.

    A dangling symlink with a supported suffix is kept, so the user hears about it (reading it
    fails with a one-line error) instead of it vanishing from the batch.
    """
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if _candidate(p)))
        else:
            found.append(path)
    return found


def _candidate(path: Path) -> bool:
    return path.suffix.lower() in SUFFIXES and (path.is_file() or (path.is_symlink() and not path.exists()))

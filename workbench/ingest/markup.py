"""Turn .txt, .md and .html text into paragraph lines, one block per line.

Scraped news text files put one paragraph on a line; Markdown and hard-wrapped text spread a
paragraph over several lines, and HTML hides it in tags. Each becomes the same shape here.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_LIST_ITEM = re.compile(r"^\s*([-*+•]|\d+[.)])\s+")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_MIN_WRAP_WIDTH = 50
_MAX_WRAP_WIDTH = 100


def paragraphs(text: str, suffix: str) -> list[str]:
    """Paragraph texts of a file's content, by its file suffix."""
    if suffix in (".html", ".htm"):
        return _html_paragraphs(text)
    if suffix in (".md", ".markdown"):
        return _joined_paragraphs("\n".join(_MD_HEADING.sub("", line) for line in text.split("\n")))
    if _is_hard_wrapped(text):
        return _joined_paragraphs(text)
    return [line.strip() for line in text.split("\n") if line.strip()]


def _is_hard_wrapped(text: str) -> bool:
    """Lines all within a column limit and most of them near it: text broken at a fixed width.

    Scraped news puts a whole paragraph on one line, so such files have long lines and stay
    one block per line; short link-list lines never make a file look wrapped on their own.
    """
    lengths = [len(line.rstrip()) for line in text.split("\n") if line.strip()]
    if len(lengths) < 3 or max(lengths) > _MAX_WRAP_WIDTH:
        return False
    return sum(length >= _MIN_WRAP_WIDTH for length in lengths) >= len(lengths) / 2


def _joined_paragraphs(text: str) -> list[str]:
    """Blank lines separate paragraphs; the lines of one paragraph are joined, list items kept apart."""
    result: list[str] = []
    previous_blank = True
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            previous_blank = True
            continue
        if result and not previous_blank and not _LIST_ITEM.match(raw):
            result[-1] += " " + line
        else:
            result.append(line)
        previous_blank = False
    return result


_BLOCK_TAGS = frozenset(
    "p h1 h2 h3 h4 h5 h6 li blockquote figcaption td th dt dd title pre br div section article".split()
)
_SKIPPED_TAGS = frozenset("script style noscript template svg head".split())


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.title: str | None = None
        self._current: list[str] = []
        self._skipping = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        elif tag in _SKIPPED_TAGS:
            self._skipping += 1
        elif tag in _BLOCK_TAGS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag in _SKIPPED_TAGS:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCK_TAGS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title = (self.title or "") + data
        elif not self._skipping:
            self._current.append(data)

    def _flush(self) -> None:
        text = " ".join("".join(self._current).split())
        if text:
            self.blocks.append(text)
        self._current = []

    def close(self) -> None:
        super().close()
        self._flush()


def _html_paragraphs(text: str) -> list[str]:
    collector = _TextCollector()
    collector.feed(text)
    collector.close()
    title = " ".join((collector.title or "").split())
    if title and (not collector.blocks or collector.blocks[0] != title):
        return [title, *collector.blocks]
    return collector.blocks

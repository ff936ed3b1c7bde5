"""Turn .txt and .md text into paragraph lines, one block per line (HTML: ingest/webpage.py).

Scraped news text files put one paragraph on a line; Markdown and hard-wrapped text spread a
paragraph over several lines. Each becomes the same shape here.
"""

from __future__ import annotations

import re

_LIST_ITEM = re.compile(r"^\s*([-*+•]|\d+[.)])\s+")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_MIN_WRAP_WIDTH = 50
_MAX_WRAP_WIDTH = 100


def paragraphs(text: str, suffix: str) -> list[str]:
    """Paragraph texts of a .txt or .md file's content, by its file suffix."""
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

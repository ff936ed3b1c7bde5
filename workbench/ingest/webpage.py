"""An HTML page → its main text and metadata (trafilatura), with the rest kept as boilerplate.

trafilatura decides what the article is: its paragraphs and headings, title, author, date,
site name and canonical URL. A reviewer must still see everything the page said, so the page is
also walked block by block (lxml, which recovers from a missing `</head>` or a stray `</script`
as browsers do) and every block trafilatura left out is kept as boilerplate, in page order, with
a reason taken from where it sat (menu, share buttons, comments, related links, footer…).

trafilatura is imported inside `extract_page`, never at module level: the TUI's start-up and the
commands that do not read HTML stay free of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree
from lxml import html as lxml_html

_BLOCK_TAGS = frozenset(
    "p h1 h2 h3 h4 h5 h6 li blockquote figcaption td th dt dd pre br div section article aside "
    "header footer nav main ul ol table tr form figure address details summary".split()
)
_SKIPPED_TAGS = frozenset(
    "script style noscript template svg head title iframe object select textarea".split()
)
_HEADINGS = frozenset("h1 h2 h3 h4 h5 h6".split())
_ZONE_TAGS = {
    "nav": "menu",
    "footer": "footer",
    "aside": "related links",
    "header": "page header",
    "form": "form",
}
_ZONE_WORDS: tuple[tuple[frozenset[str], str], ...] = tuple(
    (frozenset(words.split()), reason)
    for words, reason in (
        ("cookie cookies consent gdpr dsgvo", "cookie banner"),
        ("comment comments kommentar kommentare disqus replies", "comments"),
        ("share sharing social teilen sharebar", "share buttons"),
        ("related similar aehnliche weitere more teaser recommended empfehlungen", "related links"),
        ("nav navigation menu menue breadcrumb breadcrumbs", "menu"),
        ("footer impressum fuss fusszeile", "footer"),
        ("tags tag keywords schlagworte topics", "category tags"),
        ("byline author autor meta dateline", "byline"),
        ("ad ads advert werbung anzeige banner sponsored", "advertising"),
        ("newsletter subscribe abo paywall", "subscription box"),
    )
)
_TOKEN = re.compile(r"[a-z]+")
_FURNITURE = frozenset({"menu", "footer", "share buttons", "cookie banner", "form"})
"""Regions whose blocks stay boilerplate even when trafilatura keeps them."""
LEFT_OUT = "not main text"
"""The reason of a left-out block that sits in no recognisable page region."""
_MIN_CONTAINED = 20
"""Shorter texts match only exactly: a 'Hafen' menu item is not part of a paragraph on the port."""


@dataclass(frozen=True)
class PageBlock:
    text: str
    main: bool
    """Part of the main text trafilatura found."""
    reason: str
    """Where a left-out block sat ("menu", "comments"…); empty for main text."""
    heading: bool = False


@dataclass(frozen=True)
class Page:
    title: str | None
    blocks: list[PageBlock]
    """Every text block of the page in reading order, the title's own heading excepted."""
    author: str | None = None
    date: str | None = None
    """The publication date, YYYY-MM-DD."""
    outlet: str | None = None
    url: str | None = None
    """The canonical URL the page names, if any."""
    language: str | None = None
    """The language the page declares (`<html lang>`), if any."""
    extracted: bool = True
    """False when trafilatura found no main text: every block is then left to the line rules."""


@dataclass
class _Walk:
    """State of one walk over the page tree: finished blocks and the text gathered so far."""

    blocks: list[tuple[str, str, bool]] = field(default_factory=list)
    """(text, region reason, heading)"""
    current: list[str] = field(default_factory=list)
    reason: str = ""
    heading: bool = False

    def flush(self) -> None:
        text = " ".join("".join(self.current).split())
        if text:
            self.blocks.append((text, self.reason, self.heading))
        self.current = []


def extract_page(markup: str, url: str | None = None) -> Page:
    """The page's main text (trafilatura) merged in page order with every block it left out."""
    import trafilatura  # lazily: see the module docstring
    from trafilatura.settings import Document

    tree = _parse(markup)
    page_blocks = _page_blocks(tree) if tree is not None else []
    language = _language(tree.get("lang") if tree is not None else None)
    document = trafilatura.bare_extraction(
        markup,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        favor_recall=True,
        deduplicate=False,
    )
    main = _main_blocks(document.body) if isinstance(document, Document) and document.body is not None else []
    if not isinstance(document, Document) or not main:
        blocks = [PageBlock(text, False, reason, heading) for text, reason, heading in page_blocks]
        return Page(_first_heading(page_blocks), blocks, language=language, extracted=False)
    title = document.title or _first_heading(page_blocks)
    return Page(
        title=title,
        blocks=_merge(main, page_blocks, title),
        author=document.author or None,
        date=document.date or None,
        outlet=document.sitename or None,
        url=document.url or None,
        language=language,
    )


def _parse(markup: str) -> etree._Element | None:
    try:
        return lxml_html.document_fromstring(markup)
    except (etree.ParserError, ValueError):  # empty, or an XML declaration in a str
        try:
            return lxml_html.document_fromstring(markup.encode("utf-8"))
        except (etree.ParserError, ValueError):
            return None


def _language(code: str | None) -> str | None:
    code = (code or "").strip().lower()
    return code.split("-")[0] if re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]+)*", code) else None


def _first_heading(blocks: list[tuple[str, str, bool]]) -> str | None:
    return next((text for text, _, heading in blocks if heading), blocks[0][0] if blocks else None)


# --- the page, block by block ---------------------------------------------------------------


def _page_blocks(tree: etree._Element) -> list[tuple[str, str, bool]]:
    """Every visible text block of the page: (text, the region it sits in, is a heading)."""
    walk = _Walk()
    body = tree.find("body")
    _walk(body if body is not None else tree, walk, "")
    walk.flush()
    return walk.blocks


def _walk(element: etree._Element, walk: _Walk, reason: str) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag.lower() in _SKIPPED_TAGS or not tag:  # comments and processing instructions too
        if element.tail:
            walk.current.append(element.tail)
        return
    tag = tag.lower()
    inherited = reason
    reason = _region(element, tag) or reason
    block = tag in _BLOCK_TAGS
    if block:
        walk.flush()
        walk.reason, walk.heading = reason, tag in _HEADINGS
    if element.text:
        walk.current.append(element.text)
    for child in element:
        _walk(child, walk, reason)
    if block:
        walk.flush()
        walk.reason, walk.heading = inherited, False  # the tail belongs to the parent's block
    if element.tail:
        walk.current.append(element.tail)


def _region(element: etree._Element, tag: str) -> str:
    """The kind of page region an element opens, by its tag or the words of its class and id."""
    if tag in _ZONE_TAGS:
        return _ZONE_TAGS[tag]
    words = set(_TOKEN.findall(f"{element.get('class', '')} {element.get('id', '')}".lower()))
    return next((reason for keys, reason in _ZONE_WORDS if words & keys), "")


# --- trafilatura's main text ----------------------------------------------------------------


def _main_blocks(body: etree._Element) -> list[tuple[str, bool]]:
    """(text, is a heading) of each paragraph, heading, list item, quote and table cell."""
    found: list[tuple[str, bool]] = []
    for text, heading in _main_texts(body):
        for line in text.split("\n"):  # a line break, or the baseline's lines
            if cleaned := " ".join(line.split()):
                found.append((cleaned, heading))
    return found


_CONTAINERS = frozenset({"list", "table", "row", "cell", "div"})


def _main_texts(element: etree._Element) -> Iterator[tuple[str, bool]]:
    """trafilatura's containers opened down to the elements a page shows as one block each;
    text loose in a container (a cell's first line before its paragraphs) is a block too."""
    for child in element:
        if child.tag in _CONTAINERS or (child.tag == "quote" and len(child)):
            if child.text and child.text.strip():
                yield child.text, False
            yield from _main_texts(child)
        else:
            yield "".join(child.itertext()), child.tag == "head"
        if child.tail and child.tail.strip() and element.tag in _CONTAINERS:
            yield child.tail, False


# --- the merge --------------------------------------------------------------------------------


def _merge(
    main: list[tuple[str, bool]], page: list[tuple[str, str, bool]], title: str | None
) -> list[PageBlock]:
    """Main blocks and left-out page blocks in page order.

    Each main block is found in the page at or after the last one found (equal, or one contains
    the other); the page blocks passed over on the way are what trafilatura left out. Where a
    main block holds several page blocks (table cells and <br> runs come out glued), the page's
    own blocks are kept, with their spaces. A block in a menu, footer, share bar, cookie banner
    or form stays furniture even when trafilatura took it. A main block not found in the page is
    kept where it falls in trafilatura's order.
    """
    keys = [_key(text) for text, _, _ in page]
    used = [False] * len(page)
    title_key = _key(title or "")
    result: list[PageBlock] = []
    cursor = 0
    for text, heading in main:
        key = _key(text)
        match = _find(keys, key, cursor)
        if match is None:
            if key != title_key:
                result.append(PageBlock(text, True, "", heading))
            continue
        result.extend(_left_out(page, used, cursor, match, title_key))
        run = [match]
        while run[-1] + 1 < len(page) and keys[run[-1] + 1] and keys[run[-1] + 1] in key:
            run.append(run[-1] + 1)
        kept = (
            [(page[i][0], page[i][1], page[i][2]) for i in run]
            if len(run) > 1
            else [(text, page[match][1], heading)]
        )
        result.extend(_kept(block) for block in kept if _key(block[0]) != title_key)
        for index in run:
            used[index] = True
        cursor = match if len(run) == 1 and len(key) < len(keys[match]) else run[-1] + 1
    result.extend(_left_out(page, used, cursor, len(page), title_key))
    return result


def _kept(block: tuple[str, str, bool]) -> PageBlock:
    text, region, heading = block
    if region in _FURNITURE:
        return PageBlock(text, False, region, heading)
    return PageBlock(text, True, "", heading)


def _left_out(
    page: list[tuple[str, str, bool]], used: list[bool], start: int, stop: int, title_key: str
) -> Iterator[PageBlock]:
    for index in range(start, stop):
        if used[index]:
            continue
        used[index] = True
        text, reason, heading = page[index]
        if _key(text) != title_key:
            yield PageBlock(text, False, reason or LEFT_OUT, heading)


def _find(keys: list[str], key: str, start: int) -> int | None:
    """The page block a main block is: equal, else the first of a run of blocks glued into it,
    else one that holds it or that it holds."""
    for index in range(start, len(keys)):
        if keys[index] == key:
            return index
    for index in range(start, len(keys)):
        if keys[index] and key.startswith(keys[index]) and _glued(keys, index, key):
            return index
    for index in range(start, len(keys)):
        if _within(keys[index], key) or _within(key, keys[index]):
            return index
    return None


def _glued(keys: list[str], index: int, key: str) -> bool:
    """Page blocks from `index` on, joined, make up `key` (a cell of menu items run together)."""
    joined = ""
    while index < len(keys) and len(joined) < len(key):
        joined += keys[index]
        index += 1
    return joined == key


def _within(part: str, whole: str) -> bool:
    return len(part) >= _MIN_CONTAINED and part in whole


def _key(text: str) -> str:
    """Text compared without case or whitespace: extractors glue cells and drop spaces."""
    return "".join(text.split()).casefold()

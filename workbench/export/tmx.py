"""TMX 1.4: a translation unit per translated segment, for CAT tools and translation memories."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from lxml import etree

from workbench import __version__
from workbench.export.document import ExportArticle

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass(frozen=True)
class Unit:
    """One translation unit: an id, the two texts and its properties (x-status, x-origin...)."""

    tuid: str
    source: str
    target: str
    props: tuple[tuple[str, str], ...] = ()


def render_tmx(articles: Iterable[ExportArticle], created: datetime | None = None) -> bytes:
    """The translated body segments of articles, each with its review status."""
    articles = list(articles)
    source_language = articles[0].source_language if articles else "de"
    target_language = articles[0].target_language if articles else "en"
    units = (
        Unit(
            f"{article.info.id}-{s.id}", s.source, s.target, (("x-status", s.status.value), *_origin(article))
        )
        for article in articles
        for s in article.body()
        if s.target
    )
    return render_units(units, source_language, target_language, created)


def _origin(article: ExportArticle) -> tuple[tuple[str, str], ...]:
    """x-url, x-outlet, x-author, x-date: a memory built from these units can tell its sources."""
    return tuple((f"x-{name}", value) for name, value in article.metadata().items())


def render_units(
    units: Iterable[Unit], source_language: str, target_language: str, created: datetime | None = None
) -> bytes:
    root = etree.Element("tmx", version="1.4")
    header = {
        "creationtool": "workbench",
        "creationtoolversion": __version__,
        "creationdate": (created or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ"),
        "datatype": "plaintext",
        "segtype": "sentence",
        "adminlang": "en",
        "srclang": source_language,
        "o-tmf": "workbench",
    }
    etree.SubElement(root, "header", header)
    body = etree.SubElement(root, "body")
    for unit in units:
        element = etree.SubElement(body, "tu", tuid=unit.tuid)
        for name, value in unit.props:
            etree.SubElement(element, "prop", type=name).text = value
        for language, text in ((source_language, unit.source), (target_language, unit.target)):
            variant = etree.SubElement(element, "tuv", {XML_LANG: language})
            etree.SubElement(variant, "seg").text = text
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)

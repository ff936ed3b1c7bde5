"""TMX 1.4: a translation unit per translated segment, for CAT tools and translation memories."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from lxml import etree

from workbench import __version__
from workbench.export.document import ExportArticle

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def render_tmx(articles: Iterable[ExportArticle], created: datetime | None = None) -> bytes:
    articles = list(articles)
    source_language = articles[0].source_language if articles else "de"
    root = etree.Element("tmx", version="1.4")
    etree.SubElement(
        root,
        "header",
        creationtool="workbench",
        creationtoolversion=__version__,
        creationdate=(created or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ"),
        datatype="plaintext",
        segtype="sentence",
        adminlang="en",
        srclang=source_language,
        **{"o-tmf": "workbench"},
    )
    body = etree.SubElement(root, "body")
    for article in articles:
        for segment in article.body():
            if not segment.target:
                continue
            unit = etree.SubElement(body, "tu", tuid=f"{article.info.id}-{segment.id}")
            etree.SubElement(unit, "prop", type="x-status").text = segment.status.value
            for language, text in (
                (article.source_language, segment.source),
                (article.target_language, segment.target),
            ):
                variant = etree.SubElement(unit, "tuv", {XML_LANG: language})
                etree.SubElement(variant, "seg").text = text
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)

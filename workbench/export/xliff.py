"""XLIFF 2.1: a unit per paragraph, a segment per sentence, the review state on each segment."""

from __future__ import annotations

from lxml import etree

from workbench.export.document import ExportArticle
from workbench.records import BlockKind, Status

NAMESPACE = "urn:oasis:names:tc:xliff:document:2.0"  # XLIFF 2.1 keeps the 2.0 core namespace
_STATES = {
    Status.UNTRANSLATED: "initial",
    Status.MT: "translated",
    Status.EDITED: "reviewed",
    Status.APPROVED: "final",
    Status.NEEDS_WORK: "translated",  # XLIFF has no such state; subState says which it is
}


def _element(parent: etree._Element, tag: str, **attributes: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{NAMESPACE}}}{tag}", attributes)


def render_xliff(article: ExportArticle) -> bytes:
    root = etree.Element(
        f"{{{NAMESPACE}}}xliff",
        nsmap={None: NAMESPACE},
        version="2.1",
        srcLang=article.source_language,
        trgLang=article.target_language,
    )
    file = _element(root, "file", id=f"f{article.info.id}", original=article.info.path)
    if metadata := article.metadata():  # where the text comes from, before the units
        notes = _element(file, "notes")
        for name, value in metadata.items():
            _element(notes, "note", category=name).text = value
    for paragraph in article.paragraphs():
        first = paragraph[0]
        unit = _element(file, "unit", id=f"p{first.block_position}")
        if first.kind is BlockKind.BOILERPLATE:
            unit.set("translate", "no")
            notes = _element(unit, "notes")
            _element(notes, "note", category="boilerplate").text = first.reason
        for segment in paragraph:
            node = _element(unit, "segment", id=f"s{segment.id}", state=_STATES[segment.status])
            if segment.status is Status.NEEDS_WORK:
                node.set("subState", "workbench:needs-work")
            _element(node, "source").text = segment.source
            if segment.target:
                _element(node, "target").text = segment.target
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)

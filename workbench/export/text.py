"""Plain text: the translated article in reading order, body only unless asked otherwise."""

from __future__ import annotations

from workbench.export.document import ExportArticle
from workbench.records import BlockKind


def render_text(article: ExportArticle, include_boilerplate: bool = False) -> bytes:
    paragraphs = []
    for paragraph in article.paragraphs():
        if paragraph[0].kind is BlockKind.BOILERPLATE:
            if include_boilerplate:
                paragraphs.append(" ".join(s.source for s in paragraph))
            continue
        # An untranslated sentence keeps its source text rather than leaving a hole.
        paragraphs.append(" ".join(s.target or s.source for s in paragraph))
    return ("\n\n".join(paragraphs) + "\n").encode()

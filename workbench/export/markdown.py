"""Markdown: the article as paragraph pairs, source then translation, boilerplate marked."""

from __future__ import annotations

from workbench.export.document import ExportArticle
from workbench.records import BlockKind, Segment


def _joined(segments: list[Segment], translated: bool) -> str:
    texts = [(s.target or f"[untranslated] {s.source}") if translated else s.source for s in segments]
    return " ".join(texts)


def render_markdown(article: ExportArticle) -> bytes:
    info = article.info
    lines = [f"# {info.title}", ""]
    languages = f"{article.source_language} → {article.target_language}"
    meta = ", ".join(part for part in (info.outlet, info.author, info.date, languages) if part)
    lines += [f"*{meta}*", ""]
    source_tag, target_tag = article.source_language, article.target_language
    for paragraph in article.paragraphs():
        if paragraph[0].kind is BlockKind.BOILERPLATE:
            lines += [f"> *boilerplate ({paragraph[0].reason}):* {_joined(paragraph, translated=False)}", ""]
            continue
        lines += [f"**{source_tag}:** {_joined(paragraph, translated=False)}", ""]
        lines += [f"**{target_tag}:** {_joined(paragraph, translated=True)}", ""]
    return "\n".join(lines).encode()

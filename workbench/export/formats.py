"""The output formats by name, each with its file extension and its writer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from workbench.export.document import ExportArticle
from workbench.export.jsonl import render_jsonl
from workbench.export.markdown import render_markdown
from workbench.export.text import render_text
from workbench.export.tmx import render_tmx
from workbench.export.xliff import render_xliff


@dataclass(frozen=True)
class Format:
    extension: str
    render: Callable[[ExportArticle, bool], bytes]
    """(article, include boilerplate) -> file contents."""


FORMATS: dict[str, Format] = {
    "jsonl": Format("jsonl", lambda article, _: render_jsonl([article])),
    "md": Format("md", lambda article, _: render_markdown(article)),
    "tmx": Format("tmx", lambda article, _: render_tmx([article])),
    "xliff": Format("xlf", lambda article, _: render_xliff(article)),
    "txt": Format("txt", render_text),
}


def parse_formats(text: str) -> list[str]:
    """'jsonl,md' -> ['jsonl', 'md']; an unknown name raises ValueError naming it."""
    names = [name.strip().lower() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in FORMATS]
    if unknown or not names:
        raise ValueError(f"unknown format '{unknown[0] if unknown else text}' (known: {', '.join(FORMATS)})")
    return list(dict.fromkeys(names))

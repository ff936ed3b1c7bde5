"""The plain data every writer reads: an article and its segments, human text first."""

from __future__ import annotations

import json
from dataclasses import dataclass
from itertools import groupby

from workbench.records import ArticleInfo, BlockKind, Segment


@dataclass(frozen=True)
class ExportArticle:
    info: ArticleInfo
    segments: tuple[Segment, ...]
    target_language: str

    @property
    def source_language(self) -> str:
        return self.info.language

    def paragraphs(self) -> list[list[Segment]]:
        """Segments grouped by source block, in reading order."""
        return [list(group) for _, group in groupby(self.segments, key=lambda s: s.block_position)]

    def body(self) -> list[Segment]:
        return [s for s in self.segments if s.kind is BlockKind.BODY]

    def metadata(self) -> dict[str, str]:
        """Where the article comes from, as the writers carry it: url, outlet, author, date
        (YYYY-MM-DD), those that are known."""
        info = self.info
        found = {"url": info.url, "outlet": info.outlet, "author": info.author, "date": info.date}
        return {name: value for name, value in found.items() if value}


def model_name(segment: Segment) -> str | None:
    """The model id named in a segment's machine-translation cache key."""
    return key_model_name(segment.mt_key)


def key_model_name(mt_key: str | None) -> str | None:
    """The model a cache key names; "a + b" for a route through English."""
    if not mt_key:
        return None
    try:
        key = json.loads(mt_key)
    except ValueError:
        return None
    if not isinstance(key, dict):
        return None
    if "pivot" in key:
        return " + ".join(str(step.get("model")) for step in key.get("steps", []))
    return key.get("model")

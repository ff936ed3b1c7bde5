"""The plain data every writer reads: an article and its segments, human text first."""

from __future__ import annotations

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
    key = segment.cache_key
    return key.model_name if key else None

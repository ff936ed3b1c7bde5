"""JSONL: one object per segment, for pipelines and fine-tuning data."""

from __future__ import annotations

import json
from collections.abc import Iterable

from workbench.export.document import ExportArticle, model_name


def render_jsonl(articles: Iterable[ExportArticle]) -> bytes:
    lines = []
    for article in articles:
        for segment in article.segments:
            record = {
                "article_id": article.info.id,
                "source_path": article.info.path,
                **{name: article.metadata().get(name) for name in ("url", "outlet", "author", "date")},
                "paragraph": segment.block_position,
                "segment": segment.position,
                "kind": segment.kind.value,
                "source": segment.source,
                "target": segment.target,
                "status": segment.status.value,
                "model": model_name(segment),
                "pivot": segment.pivoted,
                "score": segment.score,
                "alignment": [list(pair) for pair in segment.alignment],
            }
            lines.append(json.dumps(record, ensure_ascii=False))
    return ("\n".join(lines) + "\n").encode() if lines else b""

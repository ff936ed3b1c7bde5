"""Unsaved reviewer texts: written while the reviewer types, removed when saved or discarded.

A draft lives in its own table, never in `segments`, so it cannot be mistaken for a saved text;
it carries the version it was typed over, so a restored draft over a segment changed since is
recognisable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from workbench.store.database import Store


@dataclass(frozen=True)
class Draft:
    segment_id: int
    text: str
    base_version: int


def put_draft(store: Store, segment_id: int, text: str, base_version: int) -> None:
    """Keep (or replace) the unsaved text of a segment."""
    with store._transaction() as db:
        db.execute(
            "INSERT OR REPLACE INTO drafts (segment_id, text, base_version, at) VALUES (?, ?, ?, ?)",
            (segment_id, text, base_version, datetime.now(UTC).isoformat(timespec="seconds")),
        )


def drop_draft(store: Store, segment_id: int) -> None:
    with store._transaction() as db:
        db.execute("DELETE FROM drafts WHERE segment_id = ?", (segment_id,))


def article_drafts(store: Store, article_id: int) -> dict[int, Draft]:
    """The drafts of an article's segments, by segment id."""
    rows = store._db.execute(
        "SELECT d.segment_id, d.text, d.base_version FROM drafts d"
        " JOIN segments s ON s.id = d.segment_id WHERE s.article_id = ?",
        (article_id,),
    )
    return {segment_id: Draft(segment_id, text, version) for segment_id, text, version in rows}

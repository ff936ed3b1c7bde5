"""Undo and redo as marked history rows: the store half of `review/undo.py`.

Each step is written like any other change (history row and segment in one transaction, the
version check included) and then marked `undo` or `redo` with the id of the row it steps over.
"""

from __future__ import annotations

from workbench.records import Status
from workbench.review.undo import HistoryStep
from workbench.store.database import EditConflict, Store


def history_steps(store: Store, segment_id: int) -> list[HistoryStep]:
    """A segment's history rows, oldest first, with their undo/redo marks."""
    rows = store._db.execute(
        "SELECT id, old_target, old_status, new_target, new_status, step, step_of"
        " FROM edits WHERE segment_id = ? ORDER BY id",
        (segment_id,),
    )
    return [
        HistoryStep(row_id, old, Status(old_status), new, Status(new_status), step, step_of)
        for row_id, old, old_status, new, new_status, step, step_of in rows
    ]


def change_as_step(
    store: Store,
    segment_id: int,
    target: str | None,
    status: Status,
    reviewer: str,
    expected_version: int | None,
    step: HistoryStep,
    kind: str,
    languages: tuple[str, str] | None = None,
) -> None:
    """Apply an undo (or redo) of `step`; a segment changed meanwhile raises EditConflict."""
    with store._transaction() as db:
        before = store._read_segment(db, segment_id)
        if expected_version is not None and before.version != expected_version:
            conflict = EditConflict(before, None)
        else:
            conflict = None
            store._change(db, before, target, status, reviewer, None, languages)
            db.execute(
                "UPDATE edits SET step = ?, step_of = ? WHERE id ="
                " (SELECT MAX(id) FROM edits WHERE segment_id = ?)",
                (kind, step.row_id, segment_id),
            )
    if conflict is not None:
        raise conflict

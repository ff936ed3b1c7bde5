"""Which history row an undo or redo steps over: a pure function of a segment's history.

Undo used to restore the state before the last row, itself a new row, so a second undo undid
the first and the segment toggled between two states forever. Here a change pushes onto an undo
stack, an undo pops it onto a redo stack and a redo pops it back, so repeated undos walk back,
row by row, to the machine translation (the state before the first row), and redo walks forward.
A new change after undos clears the redo stack, as in any editor.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from workbench.records import Status


@dataclass(frozen=True)
class HistoryStep:
    """A history row as undo sees it."""

    row_id: int
    old_target: str | None
    old_status: Status
    new_target: str | None
    new_status: Status
    step: str | None
    """None for a change, "undo" or "redo" for a step over row `step_of`."""
    step_of: int | None


def _stacks(history: Sequence[HistoryStep]) -> tuple[list[HistoryStep], list[HistoryStep]]:
    by_id = {row.row_id: row for row in history}
    undo: list[HistoryStep] = []
    redo: list[HistoryStep] = []
    for row in history:
        stepped = by_id.get(row.step_of) if row.step_of is not None else None
        if row.step == "undo" and stepped is not None:
            if stepped in undo:
                undo.remove(stepped)
            redo.append(stepped)
        elif row.step == "redo" and stepped is not None:
            if stepped in redo:
                redo.remove(stepped)
            undo.append(stepped)
        else:
            undo.append(row)
            redo.clear()
    return undo, redo


def undo_step(history: Sequence[HistoryStep]) -> HistoryStep | None:
    """The change an undo takes back (restoring its old text and status), or None at the start."""
    undo, _ = _stacks(history)
    return undo[-1] if undo else None


def redo_step(history: Sequence[HistoryStep]) -> HistoryStep | None:
    """The change a redo applies again (its new text and status), or None when nothing was undone."""
    _, redo = _stacks(history)
    return redo[-1] if redo else None

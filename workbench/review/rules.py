"""The review state machine: what edit, approve, needs-work, revert, undo and redo do to a segment.

Each action is a pure function from the segment as the reviewer saw it to the `Change` it asks
for, or a one-line error naming the segment. The store applies a change in one transaction
with its history row, and there the translation memory follows approvals: approving adds the
pair, and taking the approval back (or changing an approved text) removes it unless another
approved segment still holds it (`Store.change_segment`).
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.errors import WorkbenchError
from workbench.records import Segment, Status
from workbench.review.undo import HistoryStep


@dataclass(frozen=True)
class Change:
    target: str | None
    """The human text after the change; None in the machine states."""
    status: Status


def edit(segment: Segment, text: str) -> Change:
    """A reviewer's text (whitespace normalised); from now on no machine output replaces it."""
    text = " ".join(text.split())
    if not text:
        # "segment ID " as in every message here: the faces put the reader's number in its place.
        raise WorkbenchError(f"segment {segment.id} cannot be saved as an empty translation; revert instead")
    return checked(segment, Change(text, Status.EDITED))


def approve(segment: Segment) -> Change:
    """The current text, approved: it joins the translation memory."""
    return checked(segment, Change(segment.target, Status.APPROVED))


def needs_work(segment: Segment, on: bool = True) -> Change:
    """Flag a translation for another pass, or take the flag off; its text is kept."""
    if on:
        return checked(segment, Change(segment.target, Status.NEEDS_WORK))
    if segment.status is not Status.NEEDS_WORK:
        raise WorkbenchError(f"segment {segment.id} is not marked needs-work")
    if segment.target == segment.mt_text:
        return checked(segment, Change(None, Status.MT))
    return checked(segment, Change(segment.target, Status.EDITED))


def revert(segment: Segment) -> Change:
    """Back to the machine translation (or untranslated); the human text stays in history."""
    return checked(segment, Change(None, Status.MT if segment.mt_text else Status.UNTRANSLATED))


def undo(segment: Segment, step: HistoryStep | None) -> Change:
    """Take back the change `step` (review/undo.py picks it): its old text and status."""
    if step is None:
        raise WorkbenchError(f"segment {segment.id} has nothing left to undo")
    return _machine_state_kept(segment, Change(step.old_target, step.old_status))


def redo(segment: Segment, step: HistoryStep | None) -> Change:
    """Apply again the change `step` that an undo took back."""
    if step is None:
        raise WorkbenchError(f"segment {segment.id} has nothing to redo")
    return _machine_state_kept(segment, Change(step.new_target, step.new_status))


def _machine_state_kept(segment: Segment, change: Change) -> Change:
    """Back to the machine state with no machine text (it went with a model change): untranslated."""
    if change.status is Status.MT and not segment.mt_text:
        return Change(None, Status.UNTRANSLATED)
    return change


def checked(before: Segment, change: Change) -> Change:
    """The rules every change obeys: human states need a text; the machine state needs a machine
    translation to return to; a change must change something."""
    name = f"segment {before.id}"
    target, status = change.target, change.status
    if status.is_human and not target:
        raise WorkbenchError(f"{name} has no translation to mark {status.value}")
    if status is Status.MT and not before.mt_text:
        raise WorkbenchError(f"{name} has no machine translation to return to")
    if status is before.status and (target or None) == (before.target if status.is_human else None):
        raise WorkbenchError(f"{name} is already {status.value}")
    return change

"""One aligned row of the article screen: marker | source sentence | translation.

Both texts sit in one horizontal row whose height is the taller of the two, so rows line up
whatever the lengths. Inside the cursor row a word cursor walks the words of one side and the
words aligned to it light up on the other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static

from workbench.records import Flag, Segment, Status
from workbench.review.effort import word_diff
from workbench.tui.inline_editor import InlineEditor

_WORD = re.compile(r"\S+")
_MARKERS = {Status.EDITED: "✎", Status.APPROVED: "✓", Status.NEEDS_WORK: "⚑"}
_DIFF_STYLES = {"delete": "strike red", "insert": "bold green"}


@dataclass(frozen=True)
class WordFocus:
    """The word under the word cursor: which side it is on and its index there."""

    side: str  # "source" or "target"
    index: int


def styled_words(text: str, highlighted: set[int], cursor: int | None) -> Text:
    """`text` with the words at `highlighted` marked and the word at `cursor` reversed."""
    result = Text(text)
    for index, match in enumerate(_WORD.finditer(text)):
        if index == cursor:
            result.stylize("reverse bold", match.start(), match.end())
        elif index in highlighted:
            result.stylize("bold underline", match.start(), match.end())
    return result


def diff_text(machine: str, edited: str) -> Text:
    """The edited text with the machine output's removed words struck out and new words marked."""
    result = Text()
    for part in word_diff(machine, edited):
        if result:
            result.append(" ")
        result.append(part.text, style=_DIFF_STYLES.get(part.op, ""))
    return result


def word_count(text: str | None) -> int:
    return len(_WORD.findall(text or ""))


class SegmentRow(Widget):
    """A segment as a row; the screen owns the cursor and tells the row what to show."""

    class Clicked(Message):
        def __init__(self, row: SegmentRow) -> None:
            super().__init__()
            self.row = row

    def __init__(self, segment: Segment, flags: tuple[Flag, ...], paragraph_start: bool) -> None:
        super().__init__(classes="paragraph-start" if paragraph_start else "")
        self.segment = segment
        self.flags = flags
        """The service's flags for this segment (quality checks and conflicts alike)."""
        self.focus_word: WordFocus | None = None
        self.show_diff = False
        self.has_draft = False
        self._shown: dict[str, str] = {}
        """The plain text each cell shows (see `_set`)."""

    def compose(self) -> ComposeResult:
        yield Static(classes="marker")
        yield Static(classes="source")
        yield Static(classes="target")

    def on_mount(self) -> None:
        self.refresh_content()

    def show(self, segment: Segment, flags: tuple[Flag, ...]) -> None:
        self.segment = segment
        self.flags = flags
        self.refresh_content()

    def set_draft(self, present: bool) -> None:
        self.has_draft = present
        self.refresh_content()

    def begin_edit(self, text: str, saved: str) -> InlineEditor:
        """Put an editor in place of the target text; the source stays beside it."""
        target = self.query_one(".target", Static)
        target.display = False
        editor = InlineEditor(text, saved)
        self.mount(editor, after=target)
        self.add_class("editing")
        return editor

    def end_edit(self) -> None:
        for editor in self.query(InlineEditor):
            editor.remove()
        self.query_one(".target", Static).display = True
        self.remove_class("editing")
        self.set_draft(False)

    def set_diff(self, show: bool) -> None:
        """Show the human text as a word diff against the machine output (where there is one)."""
        self.show_diff = show
        self.refresh_content()

    def set_word_focus(self, focus: WordFocus | None) -> None:
        self.focus_word = focus
        self.refresh_content()

    def aligned(self, focus: WordFocus) -> set[int]:
        """Indices on the other side aligned to the focused word."""
        if focus.side == "target":
            return {s for s, t in self.segment.alignment if t == focus.index}
        return {t for s, t in self.segment.alignment if s == focus.index}

    def refresh_content(self) -> None:
        segment = self.segment
        self.set_class(segment.kind.value == "boilerplate", "boilerplate")
        self.set_class(segment.status is Status.UNTRANSLATED, "untranslated")
        flagged = bool(self.flags)
        self.set_class(flagged, "flagged")
        marker = _MARKERS.get(segment.status, "!" if flagged else " ")
        if segment.from_memory:
            marker = "≡"
        if self.has_draft:
            marker = "*"  # typed and not saved: the editor's mark for an unsaved buffer
        self._set(".marker", Text(("▶" if self.has_class("cursor") else " ") + marker))
        source_hi: set[int] = set()
        target_hi: set[int] = set()
        source_cursor = target_cursor = None
        if self.focus_word is not None:
            if self.focus_word.side == "target":
                target_cursor, source_hi = self.focus_word.index, self.aligned(self.focus_word)
            else:
                source_cursor, target_hi = self.focus_word.index, self.aligned(self.focus_word)
        self._set(".source", styled_words(segment.source, source_hi, source_cursor))
        self._set(".target", self._target_text(target_hi, target_cursor))

    def _set(self, cell: str, text: Text) -> None:
        """Show `text` in a cell; lay the screen out again only when the words changed.

        A layout pass walks every row of the article (seconds on a 500-segment one), and moving
        the cursor or the word focus only restyles words that are already there.
        """
        if cell == ".marker" or self._shown.get(cell) == text.plain:  # the marker is one cell wide
            self.query_one(cell, Static).update(text, layout=False)
            return
        self._shown[cell] = text.plain
        self.query_one(cell, Static).update(text)

    def _target_text(self, highlighted: set[int], cursor: int | None) -> Text:
        segment = self.segment
        if segment.kind.value == "boilerplate":
            return Text(f"[{segment.reason}]")
        if segment.target is None:
            return Text("…")
        if self.show_diff and segment.mt_text and segment.target != segment.mt_text:
            return diff_text(segment.mt_text, segment.target)
        return styled_words(segment.target, highlighted, cursor)

    def on_click(self) -> None:
        self.post_message(self.Clicked(self))

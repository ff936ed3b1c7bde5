"""One aligned row of the article grid: marker | source sentence | translation.

A row is not a widget: the grid (segment_grid.py) draws only the lines on screen, so an article
of 500 segments costs no more to lay out than one of five. A row holds what it shows (segment,
flags, cursor, word focus, diff, draft) and turns it into lines of cells for given column
widths, cached until something it shows changes. Inside the cursor row a word cursor walks the
words of one side and the words aligned to it light up on the other.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from rich.console import Console
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from workbench.records import Flag, Segment, Status
from workbench.review.effort import word_diff

_WORD = re.compile(r"\S+")
_MARKERS = {Status.EDITED: "✎", Status.APPROVED: "✓", Status.NEEDS_WORK: "⚑"}
_DIFF_STYLES = {"delete": "strike red", "insert": "bold green"}
MARKER_WIDTH = 3
CELL_PADDING = 1
"""Blank cells at the right of the source and target columns, so the texts never touch."""


@dataclass(frozen=True)
class WordFocus:
    """The word under the word cursor: which side it is on and its index there."""

    side: str  # "source" or "target"
    index: int


@dataclass(frozen=True)
class Columns:
    """Widths in cells of the grid's columns (each text column includes its padding)."""

    source: int
    target: int

    @classmethod
    def for_width(cls, width: int) -> Columns:
        """Source and target share what the marker leaves, as two equal columns would."""
        text = max(width - MARKER_WIDTH, 2 * (CELL_PADDING + 1))
        return cls(source=text // 2, target=text - text // 2)

    @property
    def target_x(self) -> int:
        return MARKER_WIDTH + self.source


@dataclass(frozen=True)
class RowStyles:
    """The theme's styles for rows, read from the grid's component classes (workbench.tcss)."""

    base: Style
    cursor: Style
    marker: Style
    cursor_marker: Style
    flagged_marker: Style
    boilerplate: Style
    boilerplate_target: Style
    untranslated_target: Style


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


class SegmentRow:
    """A segment as the grid shows it; the screen owns the cursor and tells the row what to show.

    Every change goes through a method that calls `changed`, the grid's hook that redraws the
    row (and moves the rows below when its height changed).
    """

    def __init__(
        self,
        segment: Segment,
        flags: tuple[Flag, ...],
        paragraph_start: bool,
        changed: Callable[[SegmentRow], None],
    ) -> None:
        self.segment = segment
        self.flags = flags
        """The service's flags for this segment (quality checks and conflicts alike)."""
        self.paragraph_start = paragraph_start
        """The first sentence of a block: a blank line above it sets the paragraphs apart."""
        self.cursor = False
        self.focus_word: WordFocus | None = None
        self.show_diff = False
        self.has_draft = False
        self.edit_height: int | None = None
        """Lines the inline editor takes over the target cell, or None when not editing."""
        self._changed = changed
        self._wrap: tuple[Columns, list[Text], list[Text]] | None = None
        self._lines: tuple[tuple[Columns, RowStyles], list[Strip]] | None = None

    # --- what the row shows --------------------------------------------------------------

    @property
    def boilerplate(self) -> bool:
        return self.segment.kind.value == "boilerplate"

    @property
    def editing(self) -> bool:
        return self.edit_height is not None

    def show(self, segment: Segment, flags: tuple[Flag, ...]) -> None:
        self.segment = segment
        self.flags = flags
        self._redraw()

    def set_cursor(self, present: bool) -> None:
        self.cursor = present
        if not present:
            self.focus_word = None
        self._redraw()

    def set_draft(self, present: bool) -> None:
        self.has_draft = present
        self._redraw()

    def set_edit_height(self, lines: int | None) -> None:
        self.edit_height = lines
        self._redraw()

    def set_diff(self, show: bool) -> None:
        """Show the human text as a word diff against the machine output (where there is one)."""
        self.show_diff = show
        self._redraw()

    def set_word_focus(self, focus: WordFocus | None) -> None:
        self.focus_word = focus
        self._redraw()

    def _redraw(self) -> None:
        self._wrap = self._lines = None
        self._changed(self)

    def aligned(self, focus: WordFocus) -> set[int]:
        """Indices on the other side aligned to the focused word."""
        if focus.side == "target":
            return {s for s, t in self.segment.alignment if t == focus.index}
        return {t for s, t in self.segment.alignment if s == focus.index}

    def marker(self) -> str:
        """The row's mark: state, memory origin, or an unsaved draft (the editor's `*`)."""
        if self.has_draft:
            return "*"
        if self.segment.from_memory:
            return "≡"
        return _MARKERS.get(self.segment.status, "!" if self.flags else " ")

    def source_text(self) -> Text:
        hi, cursor = self._focus("source")
        return styled_words(self.segment.source, hi, cursor)

    def target_text(self) -> Text:
        """The translation as the row shows it: a diff, the words in focus, `…` before MT."""
        segment = self.segment
        if self.boilerplate:
            return Text(f"[{segment.reason}]")
        if segment.target is None:
            return Text("…")
        if self.show_diff and segment.mt_text and segment.target != segment.mt_text:
            return diff_text(segment.mt_text, segment.target)
        hi, cursor = self._focus("target")
        return styled_words(segment.target, hi, cursor)

    def _focus(self, side: str) -> tuple[set[int], int | None]:
        """Words of `side` to highlight and the word cursor's index there, if on that side."""
        focus = self.focus_word
        if focus is None:
            return set(), None
        if focus.side == side:
            return set(), focus.index
        return self.aligned(focus), None

    # --- drawing --------------------------------------------------------------------------

    def height(self, columns: Columns, console: Console) -> int:
        """Lines the row takes: wrapping alone, so the grid places rows it does not draw."""
        source, target = self._wrapped(columns, console)
        return self.paragraph_start + max(len(source), len(target), self.edit_height or 0, 1)

    def lines(self, columns: Columns, styles: RowStyles, console: Console) -> list[Strip]:
        """The row's lines at these widths (a blank first line when a paragraph starts)."""
        key = (columns, styles)
        if self._lines is None or self._lines[0] != key:
            self._lines = (key, self._draw(columns, styles, console))
        return self._lines[1]

    def _wrapped(self, columns: Columns, console: Console) -> tuple[list[Text], list[Text]]:
        """The source's and the target's lines in their columns (no target lines while editing)."""
        if self._wrap is None or self._wrap[0] != columns:
            source = _wrap(self.source_text(), columns.source, console)
            target = [] if self.editing else _wrap(self.target_text(), columns.target, console)
            self._wrap = (columns, source, target)
        return self._wrap[1], self._wrap[2]

    def _draw(self, columns: Columns, styles: RowStyles, console: Console) -> list[Strip]:
        row_style = styles.base + (styles.cursor if self.cursor or self.editing else Style())
        if self.boilerplate:
            row_style += styles.boilerplate
        source, target = self._wrapped(columns, console)
        target_style = self._target_style(styles)
        marker = Text(("▶" if self.cursor else " ") + self.marker())
        marker.stylize(self._marker_style(styles))  # a span: `Text.render` leaves out a base style
        drawn = [Strip.blank(columns.target_x + columns.target, styles.base)] if self.paragraph_start else []
        for line in range(self.height(columns, console) - self.paragraph_start):
            cells = [
                _cell([marker] if line == 0 else [], 0, MARKER_WIDTH, console),
                _cell(source, line, columns.source, console),
                _cell(target, line, columns.target, console).apply_style(target_style),
            ]
            drawn.append(Strip.join(cells).apply_style(row_style))
        return drawn

    def _target_style(self, styles: RowStyles) -> Style:
        """Under the words' own styles: boilerplate's reason and a missing translation are dim."""
        if self.boilerplate:
            return styles.boilerplate_target
        if self.segment.status is Status.UNTRANSLATED:
            return styles.untranslated_target
        return Style()

    def _marker_style(self, styles: RowStyles) -> Style:
        if self.cursor:
            return styles.cursor_marker
        return styles.flagged_marker if self.flags else styles.marker


def _wrap(text: Text, width: int, console: Console) -> list[Text]:
    """The text's lines wrapped inside a column (its padding kept blank)."""
    return list(text.wrap(console, max(width - CELL_PADDING, 1), overflow="fold"))


def _cell(lines: list[Text], index: int, width: int, console: Console) -> Strip:
    """Line `index` of a cell, padded to the column's width (blank past the cell's last line)."""
    if index >= len(lines):
        return Strip.blank(width)
    return Strip(lines[index].render(console)).crop_extend(0, width, None)

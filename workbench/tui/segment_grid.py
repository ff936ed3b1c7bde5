"""The article's segments as one scrolling grid that draws only the lines on screen.

One widget per segment made every layout pass walk thousands of widgets: on a 500-segment
article a translated batch froze the keys for most of a second. Here the rows are plain objects
(segment_row.py); the grid keeps each row's top line, draws the lines in view from the rows'
cached strips, and when a row changes redraws that row alone (moving the tops below it when its
height changed). The inline editor is a real TextArea laid over the current row's target cell;
the grid keeps it there as the view scrolls and gives the row the editor's height.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from rich.style import Style
from textual import events
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

from workbench.records import Flag, Segment
from workbench.tui.segment_row import Columns, RowStyles, SegmentRow


class SegmentGrid(ScrollView, can_focus=False):
    """Rows of marker | source | translation; never focused, so the screen's keys move the cursor."""

    COMPONENT_CLASSES = {
        "segment-grid--cursor",
        "segment-grid--marker",
        "segment-grid--cursor-marker",
        "segment-grid--flagged-marker",
        "segment-grid--boilerplate",
        "segment-grid--boilerplate-target",
        "segment-grid--untranslated-target",
    }

    class Clicked(Message):
        """A row was clicked: the screen moves the cursor there."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[SegmentRow] = []
        self.hide_boilerplate = True
        self.editor: Widget | None = None
        """The inline editor laid over the editing row's target cell, or None."""
        self._editing = 0
        """The index of the row the editor is over (while `editor` is set)."""
        self._tops: list[int] = []
        """Each row's first line in the grid (a hidden row has the top of the next one)."""
        self._styles: RowStyles | None = None
        self._columns: Columns | None = None
        self._batching = False

    # --- rows -----------------------------------------------------------------------------

    def set_rows(self, segments: Sequence[Segment], flags: dict[int, tuple[Flag, ...]]) -> None:
        """The article's rows; a row whose block differs from the one before starts a paragraph."""
        self.rows = []
        previous_block = None
        for segment in segments:
            start = segment.block_position != previous_block
            self.rows.append(SegmentRow(segment, flags.get(segment.id, ()), start, self._row_changed))
            previous_block = segment.block_position
        self._relayout()

    def shows(self, index: int) -> bool:
        return not (self.hide_boilerplate and self.rows[index].boilerplate)

    def set_hide_boilerplate(self, hide: bool) -> None:
        self.hide_boilerplate = hide
        self._relayout()

    @contextmanager
    def changing_rows(self) -> Iterator[None]:
        """Changes to many rows at once (a translated batch, the diff view): one layout at the end."""
        self._batching = True
        try:
            yield
        finally:
            self._batching = False
            self._relayout()

    def _row_changed(self, row: SegmentRow) -> None:
        """A row's content changed: redraw it, and move what follows when its height changed."""
        if self._batching or not self._tops or not self.is_mounted:
            return
        index = self.rows.index(row)
        top = self._tops[index]
        bottom = self._tops[index + 1] if index + 1 < len(self._tops) else self.virtual_size.height
        if self.shows(index) and self._row_height(row) != bottom - top:
            self._relayout()
        else:
            self.refresh(Region(0, top - round(self.scroll_y), self.size.width, bottom - top))

    # --- geometry -------------------------------------------------------------------------

    def columns(self) -> Columns:
        """The column widths, measured at each layout (reading the region is not free)."""
        if self._columns is None:
            self._columns = Columns.for_width(self.scrollable_content_region.width)
        return self._columns

    def row_styles(self) -> RowStyles:
        if self._styles is None:
            self._styles = RowStyles(
                base=self.rich_style,
                cursor=self.get_component_rich_style("segment-grid--cursor"),
                marker=self._foreground("segment-grid--marker"),
                cursor_marker=self._foreground("segment-grid--cursor-marker"),
                flagged_marker=self._foreground("segment-grid--flagged-marker"),
                boilerplate=self._foreground("segment-grid--boilerplate"),
                boilerplate_target=self._foreground("segment-grid--boilerplate-target"),
                untranslated_target=self._foreground("segment-grid--untranslated-target"),
            )
        return self._styles

    def _foreground(self, component: str) -> Style:
        """A component's colour (where its rule sets one) and text style, blended as the theme
        means them, over any background: the cursor row's background must show through."""
        style = self.get_component_rich_style(component)
        color = style.color if self.get_component_styles(component).has_rule("color") else None
        return Style(color=color, bold=style.bold, italic=style.italic, underline=style.underline)

    def _row_height(self, row: SegmentRow) -> int:
        return row.height(self.columns(), self.app.console)

    def _relayout(self) -> None:
        """Every row's top again (heights are cached, so only changed rows are drawn anew)."""
        if not self.is_mounted or not self.scrollable_content_region.width:
            return
        self._columns = None
        tops, y = [], 0
        for index, row in enumerate(self.rows):
            tops.append(y)
            if self.shows(index):
                y += self._row_height(row)
        self._tops = tops
        self.virtual_size = Size(self.scrollable_content_region.width, y)
        self.refresh()
        self._place_editor()

    def row_region(self, index: int) -> Region:
        """The row's lines in the grid's own coordinates (before scrolling), paragraph gap left out."""
        row = self.rows[index]
        top = self._tops[index] + row.paragraph_start
        height = self._row_height(row) - row.paragraph_start if self.shows(index) else 0
        return Region(0, top, self.scrollable_content_region.width, height)

    def scroll_to_row(self, index: int) -> None:
        if self._tops:
            self.scroll_to_region(self.row_region(index), animate=False, immediate=True)

    def page_from(self, index: int, direction: int) -> int:
        """The row a page key goes to from row `index`: the one holding the first line past the
        view (below or above it), so paging shows every row; at least the next shown row."""
        view = self.scrollable_content_region.height
        y = self.scroll_y + view if direction > 0 else self.scroll_y - view
        y = int(min(max(y, 0), max(self.virtual_size.height - 1, 0)))
        target = self.index_at(y)
        if target is None or (target - index) * direction <= 0:
            target = self.next_shown(index, direction)
        return target

    def next_shown(self, index: int, direction: int) -> int:
        """The next shown row from `index` that way, or `index` itself at that end."""
        step = index + direction
        while 0 <= step < len(self.rows):
            if self.shows(step):
                return step
            step += direction
        return index

    def scroll_row_to_top(self, index: int) -> None:
        """The row's first line at the top of the view (as far as the article's end allows)."""
        if self._tops:
            self.scroll_to(y=self.row_region(index).y, animate=False, immediate=True)

    def index_at(self, y: int) -> int | None:
        """The row at line `y` of the grid (scrolling included), if a shown row is there."""
        index = bisect_right(self._tops, y) - 1
        if index < 0 or not self.shows(index):
            return None
        return index

    # --- the inline editor ----------------------------------------------------------------

    def attach_editor(self, index: int, editor: Widget) -> None:
        """Lay `editor` over the row's target cell; the row keeps room for the editor's lines."""
        self.editor = editor
        self._editing = index
        self.rows[index].set_edit_height(max(editor.size.height, 1))
        self._place_editor()

    def editor_resized(self, height: int) -> None:
        if self.editor is not None:
            self.rows[self._editing].set_edit_height(max(height, 1))
            self._place_editor()

    def detach_editor(self) -> None:
        if self.editor is not None:
            self.editor = None
            self.rows[self._editing].set_edit_height(None)

    def target_cell(self, index: int) -> Region:
        """Where the row's target text is on screen (the editor's place while it is open)."""
        columns = self.columns()
        row = self.row_region(index)
        origin = self.scrollable_content_region.offset
        top = origin.y + row.y - round(self.scroll_y)
        return Region(origin.x + columns.target_x, top, columns.target - 1, row.height)

    def _place_editor(self) -> None:
        """Move the editor (an absolute child of the grid's parent) over the target cell."""
        editor, parent = self.editor, self.parent
        if editor is None or not isinstance(parent, Widget):
            return
        cell = self.target_cell(self._editing)
        editor.styles.width = cell.width
        editor.styles.offset = cell.offset - parent.content_region.offset

    # --- drawing --------------------------------------------------------------------------

    def row_lines(self, index: int) -> list[Strip]:
        """The lines the row is drawn as (a blank first one where a paragraph starts)."""
        return self.rows[index].lines(self.columns(), self.row_styles(), self.app.console)

    def render_line(self, y: int) -> Strip:
        width = self.columns().target_x + self.columns().target
        line = y + round(self.scroll_y)
        index = self.index_at(line)
        if index is None:
            return Strip.blank(width, self.rich_style)
        lines = self.row_lines(index)
        within = line - self._tops[index]
        return lines[within] if within < len(lines) else Strip.blank(width, self.rich_style)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if self.editor is not None:  # the row being edited stays in view, so the editor never
            self.scroll_to_row(self._editing)  # lies over the column heads or off the grid
        self._place_editor()

    def on_resize(self, event: events.Resize) -> None:
        """Rows wrap anew at the new width; the cursor's row stays in view (also when the
        grid shrinks because the segment info under it took another line)."""
        self._relayout()
        cursor = next((index for index, row in enumerate(self.rows) if row.cursor), None)
        if cursor is not None:
            self.scroll_to_row(cursor)

    def notify_style_update(self) -> None:
        """A theme change: rows are drawn again in the new colours."""
        super().notify_style_update()
        self._styles = None  # rows cache their lines by styles: new styles draw them anew
        self.refresh()

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = self.index_at(offset.y + round(self.scroll_y))
        if index is not None:
            self.post_message(self.Clicked(index))

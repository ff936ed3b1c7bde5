"""The article screen: source and translation side by side, segment cursor, word alignment.

Translation runs in a thread worker that talks to its own clone of the service (its own
SQLite connection); after every committed batch it asks this screen to re-read the segments,
so the article fills in while the keys keep working. The status says "loading model…" until the
model is there; the sentences on screen go first, in a batch of their own, and the worker
starts before the screen's first paint.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum

from rich.markup import escape
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import Footer, ProgressBar, Static
from textual.worker import get_current_worker

from workbench.errors import WorkbenchError
from workbench.records import Flag, Segment, Status, TranslateReport
from workbench.review.navigation import WANTED, find, needs_work, progress
from workbench.review.replace import matches
from workbench.service import Cancelled, EditConflict
from workbench.tui.dialogs import HistoryDialog, SuggestionDialog, UnsavedDialog
from workbench.tui.inline_editor import InlineEditor
from workbench.tui.messages import (
    TranslationCancelled,
    TranslationFailed,
    TranslationFinished,
    TranslationProgress,
)
from workbench.tui.screen_base import WorkbenchScreen
from workbench.tui.search_dialog import SearchDialog, SearchRequest
from workbench.tui.segment_grid import SegmentGrid
from workbench.tui.segment_row import SegmentRow, WordFocus, word_count
from workbench.tui.status import StatusBar
from workbench.tui.summary_pane import SummaryPane

LIST_KEYS_ACTIONS = frozenset({"move", "page", "end", "edit_by_enter"})
"""Grid actions whose keys (arrows, pages, Home/End, Enter) the summary's list keeps while it
has the focus: there they pick a summary sentence."""

SCREEN_CHROME_LINES = 8
"""Header, column heads, segment info (two lines), progress, status bar and footer: the lines
that are not the list."""

RELOAD_FIRST_S = 0.05
RELOAD_EVERY_S = 0.3
"""While translating, rows are re-read at most this often (the first batch at once): a re-read
is one query and a redraw of the changed rows, and batches coalesce between re-reads."""

DRAFT_DELAY_S = 0.4
"""A draft is written this long after the last key, so typing does not write on every key."""


class Saved(Enum):
    """How a save ended: saved; kept as a suggestion beside a conflicting save; not saved (the
    text stays in the editor)."""

    YES = "yes"
    AS_SUGGESTION = "as a suggestion"
    NO = "no"


def grid_key(keys: str, action: str, description: str, shown: bool = False) -> Binding:
    """A key of the grid: a priority binding (see `ArticleScreen.BINDINGS`), in the footer if shown."""
    return Binding(keys, action, description, show=shown, priority=True)


class ArticleScreen(WorkbenchScreen[None]):
    AUTO_FOCUS = ""
    """The screen's keys work unfocused; auto-focus would hand them to a closing editor."""

    # The grid's keys are priority keys: the app runs them as it reads them, in the order typed,
    # so `j j e` edits the third row and the letters typed right after `e` or Enter go into the
    # editor it opens. They give way (`check_action`) to the editor while it is open and to the
    # summary's list for the keys that list has. Help stays an ordinary key, so `?` types in
    # the editor and F1 bubbles up from it.
    BINDINGS = [
        grid_key("down,j", "move(1)", "Next segment"),
        grid_key("up,k", "move(-1)", "Previous segment"),
        grid_key("pagedown", "page(1)", "Page down"),
        grid_key("pageup", "page(-1)", "Page up"),
        grid_key("home", "end(-1)", "First segment"),
        grid_key("end", "end(1)", "Last segment"),
        grid_key("right,l", "word(1)", "Next word"),
        grid_key("left,h", "word(-1)", "Previous word"),
        grid_key("tab", "swap_side", "Source/target words"),
        grid_key("e", "edit", "Edit", shown=True),
        grid_key("enter", "edit_by_enter", "Edit"),
        grid_key("a", "approve", "Approve+next", shown=True),
        grid_key("u", "undo", "Undo", shown=True),
        grid_key("U", "redo", "Redo"),
        grid_key("r", "revert", "Revert to machine translation"),
        grid_key("n", "needs_work", "Needs work"),
        grid_key("w", "seek('needing work', 1)", "Next needing work"),
        grid_key("right_square_bracket", "seek('untranslated', 1)", "Next untranslated"),
        grid_key("left_square_bracket", "seek('untranslated', -1)", "Previous untranslated"),
        grid_key("right_curly_bracket", "seek('unreviewed', 1)", "Next unreviewed"),
        grid_key("left_curly_bracket", "seek('unreviewed', -1)", "Previous unreviewed"),
        grid_key("f", "seek('flagged', 1)", "Next flagged"),
        grid_key("F", "seek('flagged', -1)", "Previous flagged"),
        grid_key("slash", "search", "Search and replace"),
        grid_key("ctrl+z", "undo_replace", "Undo the last replace"),
        grid_key("g", "suggestions", "Suggestions"),
        grid_key("d", "toggle_diff", "Diff against machine translation"),
        grid_key("H", "history", "History"),
        grid_key("t", "translate", "Translate", shown=True),
        grid_key("x", "cancel", "Cancel translation"),
        grid_key("b", "toggle_boilerplate", "Show or hide boilerplate"),
        grid_key("s", "toggle_summary", "Summary", shown=True),
        grid_key("B", "flip_block", "Mark the block body or boilerplate"),
        grid_key("escape,q", "back", "Back to the list"),
        Binding("f1,question_mark", "help", "Help", key_display="F1"),
    ]

    def __init__(self, article_id: int) -> None:
        super().__init__()
        self.article_id = article_id
        self.grid = SegmentGrid(id="segments")
        """The segments; kept here so tests and quitting still read the rows after unmount."""
        self.cursor = 0
        self.word: WordFocus | None = None
        self.show_diff = False
        self.editor: InlineEditor | None = None
        """The open inline editor, or None."""
        self.edit_row: SegmentRow | None = None
        self.edit_version = 0
        """The version of the segment the editor's text was typed over."""
        self.drafts: dict[int, str] = {}
        """Unsaved texts by segment id, as the store keeps them."""
        self._draft_timer: Timer | None = None
        self._reload_timer: Timer | None = None
        self._info_lines = -1
        self.last_search = ""
        self.last_replace: dict[int, int] = {}
        """The segments the last replace changed, with the version it made: ctrl+z takes them
        back as one step, leaving any changed since (its undo would take back the later change)."""
        self._rows_filled = False

    # --- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        info = self.bench.article(self.article_id)
        with Horizontal(id="article-header"):
            place = " · ".join(part for part in (info.outlet, info.language) if part)
            yield Static(escape(info.title), id="article-title")
            yield Static(escape(place), id="article-place")  # never cut: the title gives way
            yield ProgressBar(id="progress", show_eta=False)
        with Horizontal(id="article-body"):
            with Vertical(id="grid"):  # the heads sit over their columns, summary open or not
                with Horizontal(id="column-heads"):
                    yield Static("", classes="marker")
                    yield Static(f"source ({info.language})")
                    yield Static("translation")
                yield self.grid
            yield SummaryPane(self.article_id)
        yield Static(id="segment-info")
        yield Static(id="progress-line")
        yield StatusBar(id="status-bar")
        yield Footer()

    def on_mount(self) -> None:
        segments = self.bench.segments(self.article_id)
        self.grid.set_rows(segments, self.bench.article_flags(self.article_id))
        self._move_to(self._first_visible())
        self._show_drafts()
        untranslated = any(s.status is Status.UNTRANSLATED and s.kind.value == "body" for s in segments)
        if untranslated and self.is_current:  # not when the reader left before the screen mounted
            self.action_translate()

    # --- cursor ---------------------------------------------------------------------------

    @property
    def rows(self) -> list[SegmentRow]:
        return self.grid.rows

    def _visible(self, index: int) -> bool:
        return self.grid.shows(index)

    def _first_visible(self) -> int:
        return next((i for i in range(len(self.rows)) if self._visible(i)), 0)

    @property
    def current(self) -> SegmentRow | None:
        return self.rows[self.cursor] if self.rows else None

    def _move_to(self, index: int) -> None:
        if not self.rows or not self._leave_editor_for_move():
            return
        if self.current:
            self.current.set_cursor(False)
        self.cursor = index
        self.word = None
        self.rows[index].set_cursor(True)
        self.grid.scroll_to_row(index)
        self._describe_current()

    def _describe_current(self) -> None:
        """Where the cursor is and what its segment is: number, state, origin, flags, memory."""
        row = self.current
        if row is None:
            return
        segment = row.segment
        parts = [f"segment {self.cursor + 1}/{len(self.rows)}", segment.status.value]
        if segment.from_memory:
            parts.append("from translation memory")
        if segment.pivoted:
            parts.append("translated through English")
        if segment.alignment_stale:
            parts.append(self._stale_note())
        if segment.id in self.drafts:
            parts.append("unsaved draft: e to go on")
        parts.extend(flag.message for flag in row.flags)
        match = self.bench.best_memory_match(segment.id) if segment.kind.value == "body" else None
        info = " · ".join(parts)
        if match is not None:
            info += f"\n[dim]memory {match.score:.0f}%:[/] {escape(match.text)}"
        # A layout pass only when the info's height (as it wraps) changes: the rest stays put.
        box = self.query_one("#segment-info", Static)
        lines = len(Text.from_markup(info).wrap(self.app.console, max(box.content_region.width, 10)))
        box.update(info, layout=lines != self._info_lines)
        self._info_lines = lines
        self._show_progress()

    def _leave_editor_for_move(self) -> bool:
        """A click or a summary jump while editing: an unchanged editor closes, a changed one
        keeps the cursor where it is and asks first."""
        if self.editor is None:
            return True
        if self.has_unsaved_edit():
            self.editor.action_leave()
            return False
        self._close_editor(discard=True)
        return True

    def _stale_note(self) -> str:
        if self.bench.translators_loaded():
            return "alignment pending: aligned by the next translation (t)"
        return "alignment stale until the model is loaded"

    def _segments(self) -> list[Segment]:
        return [row.segment for row in self.rows]

    def _flags(self) -> dict[int, tuple[Flag, ...]]:
        return {row.segment.id: row.flags for row in self.rows}

    def _show_progress(self) -> None:
        line = progress(self._segments(), self._flags()).line()
        self.query_one("#progress-line", Static).update(line, layout=False)  # one line, always

    def action_move(self, step: int) -> None:
        """Move `step` shown rows; at either end, to the last shown row before it."""
        index = self.cursor
        direction = 1 if step > 0 else -1
        remaining = abs(step)
        target = index
        while remaining:
            index += direction
            if not 0 <= index < len(self.rows):
                break
            if self._visible(index):
                target = index
                remaining -= 1
        if target != self.cursor:
            self._move_to(target)

    def action_page(self, direction: int) -> None:
        """A screenful: the row just past the lines in view comes to the top, so paging skips no
        row unseen; at either end it stops at the first or last shown row, never nowhere."""
        target = self.grid.page_from(self.cursor, direction)
        if target != self.cursor:
            self._move_to(target)
            self.grid.scroll_row_to_top(target)

    def action_end(self, direction: int) -> None:
        self.action_move(direction * len(self.rows))

    def action_seek(self, kind: str, direction: int) -> None:
        """The next (or previous) untranslated, unreviewed, flagged or needing-work segment."""
        index = find(self._segments(), self._flags(), self.cursor, direction, WANTED[kind], self._visible)
        if index is None:
            self.notify(f"no other {kind} segment")
            return
        self._move_to(index)

    @on(SegmentGrid.Clicked)
    def _clicked(self, message: SegmentGrid.Clicked) -> None:
        self._move_to(message.index)

    # --- word alignment -------------------------------------------------------------------

    def action_word(self, step: int) -> None:
        row = self.current
        if row is None:
            return
        side = self.word.side if self.word else "target"
        text = row.segment.target if side == "target" else row.segment.source
        count = word_count(text)
        if not count:
            return
        index = 0 if self.word is None else (self.word.index + step) % count
        self.word = WordFocus(side, index)
        row.set_word_focus(self.word)

    def action_swap_side(self) -> None:
        row = self.current
        if row is None:
            return
        side = "source" if (self.word is None or self.word.side == "target") else "target"
        text = row.segment.source if side == "source" else row.segment.target
        self.word = WordFocus(side, 0) if word_count(text) else None
        row.set_word_focus(self.word)

    # --- review actions -------------------------------------------------------------------

    def _change(self, change: Callable[..., Segment], *args: object) -> bool:
        """Run a service change on the current segment and redraw its row, or say why not.

        The change carries the version the row shows, so a segment changed meanwhile by another
        window or process is reported (the other text stays, a new text is kept as a suggestion)
        rather than overwritten. True when the change was made.
        """
        row = self.current
        if row is None:
            return False
        made = True
        try:
            segment = change(row.segment.id, *args, expected_version=row.segment.version)
        except EditConflict as conflict:
            self.notify(self._for_reader(str(conflict)), severity="warning", timeout=12)
            segment, made = conflict.current, False
        except WorkbenchError as error:
            self.notify(self._for_reader(str(error)), severity="warning")
            return False
        self._redraw(row, segment)
        return made

    def _redraw(self, row: SegmentRow, segment: Segment) -> None:
        row.show(segment, self.bench.flags(segment))
        self._describe_current()

    def _for_reader(self, message: str, row: SegmentRow | None = None) -> str:
        """A service message about `row` (the current one by default) with the segment's number
        as the reader counts it, not its id."""
        row = row or self.current
        if row is None:
            return message
        number = self.rows.index(row) + 1
        return message.replace(f"segment {row.segment.id} ", f"segment {number} ")

    def action_approve(self) -> None:
        """Approve the current text and move on to the next segment that needs work."""
        if self._change(self.bench.approve_segment):
            self._next_needing_work()

    def action_revert(self) -> None:
        self._change(self.bench.revert_segment)

    def action_undo(self) -> None:
        """Step back through the segment's history, as far as the machine translation."""
        self._change(self.bench.undo_segment)

    def action_redo(self) -> None:
        self._change(self.bench.redo_segment)

    def _next_needing_work(self) -> None:
        index = find(self._segments(), self._flags(), self.cursor, 1, needs_work, self._visible)
        if index is None:
            self.notify("every segment is done: none needs work")
        elif index != self.cursor:
            self._move_to(index)

    # --- search and replace ---------------------------------------------------------------

    def action_search(self) -> None:
        self.app.push_screen(SearchDialog(self._segments(), self.last_search), self._searched)

    def _searched(self, request: SearchRequest | None) -> None:
        if request is None:
            return
        self.last_search = request.find
        if request.replace is None:
            found = [
                i for i in matches(self._segments(), request.find, request.in_source) if self._visible(i)
            ]
            after = [i for i in found if i > self.cursor] or found
            if after:
                self._move_to(after[0])
            else:
                self.notify(f"no segment holds '{request.find}'")
            return
        self._replace(request.find, request.replace)

    def _replace(self, find: str, replace: str) -> None:
        versions = {row.segment.id: row.segment.version for row in self.rows}
        changed, notes = self.bench.replace_in_article(self.article_id, find, replace, versions)
        self.last_replace = {segment.id: segment.version for segment in changed}
        self.reload_segments()
        for note in notes:
            self.notify(note, severity="warning", timeout=12)
        count = len(changed)
        self.notify(f"replaced in {count} translation{'s' if count != 1 else ''}; ctrl+z undoes it")

    def action_undo_replace(self) -> None:
        """Take back the last replace, segment by segment, as one step; a segment changed since
        the replace keeps its later text (undoing it would take back that change instead)."""
        if not self.last_replace:
            self.notify("no replace to undo")
            return
        by_id = {row.segment.id: row for row in self.rows}
        undone = 0
        for segment_id, version in self.last_replace.items():
            row = by_id[segment_id]
            if row.segment.version != version:
                later = f"segment {segment_id} changed after the replace: kept as it is"
                self.notify(self._for_reader(later, row))
                continue
            try:
                self.bench.undo_segment(segment_id, expected_version=version)
                undone += 1
            except WorkbenchError as error:
                self.notify(self._for_reader(str(error), row), severity="warning")
        self.notify(f"undid the replace in {undone} translation{'s' if undone != 1 else ''}")
        self.last_replace = {}
        self.reload_segments()

    # --- inline editing -------------------------------------------------------------------

    def action_edit(self) -> None:
        """Turn the current target cell into an editor; an unsaved draft comes back as it was."""
        row = self.current
        if row is None or row.segment.kind.value == "boilerplate" or self.editor is not None:
            return
        saved = row.segment.target or ""
        self.edit_row, self.edit_version = row, row.segment.version
        self.editor = InlineEditor(self.drafts.get(row.segment.id, saved), saved)
        self.query_one("#grid").mount(self.editor)
        self.grid.attach_editor(self.cursor, self.editor)
        # At once, not after the mount: the keys typed after `e` (a terminal sends them in one
        # burst) go where the focus is when the app reads them, and they are the editor's.
        self.set_focus(self.editor, scroll_visible=False)
        self.app.clear_notifications()  # read by now; they sit over the rows' right-hand side

    def action_edit_by_enter(self) -> None:
        """Enter edits as `e` does; a separate action, so the summary's list can keep Enter."""
        self.action_edit()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The grid's priority keys (see BINDINGS) are the editor's while it is open, and the
        summary list's keys are its own while it has the focus."""
        if action == "help":
            return True
        if self.editor is not None:
            return False
        return not (self.focused is not None and action in LIST_KEYS_ACTIONS)

    @on(InlineEditor.Resized)
    def _editor_resized(self, message: InlineEditor.Resized) -> None:
        """The editor's text wrapped onto more (or fewer) lines: its row makes room."""
        if message.editor is self.editor:
            self.grid.editor_resized(message.height)

    def has_unsaved_edit(self) -> bool:
        return self.editor is not None and self.editor.changed

    @on(InlineEditor.Changed)
    def _typed(self, event: InlineEditor.Changed) -> None:
        """Keep what is typed as a draft a moment after the last key (in the store: crash-safe)."""
        if self.editor is None or event.text_area is not self.editor:
            return
        if self._draft_timer is None:
            self._draft_timer = self.set_timer(DRAFT_DELAY_S, self._write_draft)
        else:
            self._draft_timer.reset()

    def _write_draft(self) -> None:
        self._draft_timer = None
        row, editor = self.edit_row, self.editor
        if row is None or editor is None:
            return
        try:
            if editor.changed:
                self.bench.save_draft(row.segment.id, editor.text, self.edit_version)
                self.drafts[row.segment.id] = editor.text
                row.set_draft(True)
            elif self.drafts.pop(row.segment.id, None) is not None:
                self.bench.discard_draft(row.segment.id)
        except Exception as error:  # noqa: BLE001 - the text stays in the editor whatever failed
            self.notify(f"the draft could not be kept ({error}); the text stays in the editor")

    @on(InlineEditor.Saved)
    def _saved_by_key(self, message: InlineEditor.Saved) -> None:
        self.save_edit()

    @on(InlineEditor.Confirmed)
    def _confirm(self, message: InlineEditor.Confirmed) -> None:
        """Save and move on; after a conflict the cursor stays, on the text that needs a look."""
        if self._save_text() is Saved.YES:
            self._next_needing_work()

    @on(InlineEditor.Leaving)
    def _leaving(self, message: InlineEditor.Leaving) -> None:
        if not self.has_unsaved_edit():
            self._close_editor(discard=True)
            return
        self.app.push_screen(UnsavedDialog("The translation was changed and not saved."), self._decide)

    def _decide(self, choice: str | None) -> None:
        """After the unsaved-text question: save, discard, or keep editing (anything else)."""
        if choice == "save":
            self.save_edit()
        elif choice == "discard":
            self.discard_edit()
        else:
            self.keep_editing()

    def discard_edit(self) -> None:
        self._close_editor(discard=True)

    def keep_editing(self) -> None:
        if self.editor is not None:
            self.editor.focus()

    def save_edit(self) -> bool:
        """Save the editor's text; True when the editor could close (saved, nothing to save, or
        kept as a suggestion beside a conflicting save), False when the text stays in it."""
        return self._save_text() is not Saved.NO

    def _save_text(self) -> Saved:
        """Whatever goes wrong, the text is never dropped: an error keeps the editor open with the
        text, and the draft stays in the store until a save succeeds or the reviewer discards it.
        """
        row, editor = self.edit_row, self.editor
        if row is None or editor is None:
            return Saved.YES
        if not editor.changed:
            self._close_editor(discard=True)
            return Saved.YES
        saved = Saved.YES
        try:
            segment = self.bench.edit_segment(row.segment.id, editor.text, expected_version=self.edit_version)
        except EditConflict as conflict:
            # The other text stays current; ours is kept as a suggestion, so the draft may go.
            self.notify(self._for_reader(str(conflict)), severity="warning", timeout=12)
            segment, saved = conflict.current, Saved.AS_SUGGESTION
        except Exception as error:  # noqa: BLE001 - a failed save keeps the text (see above)
            self._write_draft()
            self.notify(
                f"not saved, the text is kept: {self._for_reader(str(error) or repr(error))}",
                severity="error",
                timeout=12,
            )
            editor.focus()
            return Saved.NO
        self._close_editor(discard=True)
        self._redraw(row, segment)
        return saved

    def _close_editor(self, discard: bool) -> None:
        row = self.edit_row
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None
        if row is not None and discard and self.drafts.pop(row.segment.id, None) is not None:
            self.bench.discard_draft(row.segment.id)
        if self.editor is not None and self.focused is self.editor:
            self.set_focus(None)  # else a screen resuming from a question refocuses a removed editor
        if self.editor is not None:
            self.grid.detach_editor()
            self.editor.remove()
        if row is not None:
            row.set_draft(row.segment.id in self.drafts)
        self.editor = self.edit_row = None
        self._describe_current()

    def _show_drafts(self) -> None:
        """Drafts left by a session that ended without saving: marked, and said once."""
        self.drafts = {sid: draft.text for sid, draft in self.bench.drafts(self.article_id).items()}
        with self.grid.changing_rows():
            for row in self.rows:
                row.set_draft(row.segment.id in self.drafts)
        if self.drafts:
            count = len(self.drafts)
            drafts = f"{count} unsaved draft{'s' if count > 1 else ''}"
            self.notify(f"{drafts} kept from before (rows marked *): e goes on with one", timeout=12)

    def action_needs_work(self) -> None:
        row = self.current
        if row is not None:
            self._change(self.bench.set_needs_work, row.segment.status is not Status.NEEDS_WORK)

    def action_suggestions(self) -> None:
        row = self.current
        if row is None or row.segment.kind.value == "boilerplate":
            return
        found = self.bench.suggestions(row.segment.id)
        if not found:
            self.notify("no suggestions: no memory match and no other translation of this sentence")
            return
        self.app.push_screen(SuggestionDialog(row.segment, found), self._take_suggestion)

    def _take_suggestion(self, text: str | None) -> None:
        row = self.current
        if row is not None and text is not None and text != row.segment.target:
            self._change(self.bench.edit_segment, text)

    def action_toggle_diff(self) -> None:
        self.show_diff = not self.show_diff
        with self.grid.changing_rows():
            for row in self.rows:
                row.set_diff(self.show_diff)
        self.notify("diff against the machine translation " + ("on" if self.show_diff else "off"))

    def action_history(self) -> None:
        if self.current:
            segment = self.current.segment
            self.app.push_screen(HistoryDialog(segment, self.bench.history(segment.id)))

    def action_toggle_boilerplate(self) -> None:
        self.grid.set_hide_boilerplate(not self.grid.hide_boilerplate)
        self._keep_cursor_shown()

    def _keep_cursor_shown(self) -> None:
        """A cursor on a row just hidden goes to the nearest shown row, the one above first."""
        if self._visible(self.cursor):
            return
        above = self.grid.next_shown(self.cursor, -1)
        self._move_to(above if above != self.cursor else self.grid.next_shown(self.cursor, 1))

    def action_flip_block(self) -> None:
        """Mark the current block body when it is boilerplate and the other way round."""
        row = self.current
        if row is None:
            return
        segment = row.segment
        self.bench.set_boilerplate(
            self.article_id, segment.block_position, boilerplate=segment.kind.value == "body"
        )
        self.reload_segments()
        self._keep_cursor_shown()

    # --- summary pane -----------------------------------------------------------------------

    def action_toggle_summary(self) -> None:
        """Show the summary beside the article (focused, so its keys pick a sentence), or hide it."""
        pane = self.query_one(SummaryPane)
        if pane.shown:
            pane.hide()
        else:
            pane.show()

    @on(SummaryPane.Picked)
    def _summary_picked(self, message: SummaryPane.Picked) -> None:
        """Jump to the first segment the chosen summary sentence comes from."""
        index = next((i for i, row in enumerate(self.rows) if row.segment.id == message.segment_id), None)
        if index is not None:
            if not self._visible(index):
                self.action_toggle_boilerplate()
            self._move_to(index)

    # --- translation ----------------------------------------------------------------------

    def action_translate(self) -> None:
        self._rows_filled = False
        self.query_one("#progress").add_class("running")
        loaded = self.bench.translators_loaded()
        self.workbench_app.set_state("translating…" if loaded else "loading model…")
        self._translate(self._untranslated_on_screen())

    def _untranslated_on_screen(self) -> int:
        """Untranslated body rows on screen from the cursor down: these are translated first.

        Estimated from the terminal's size rather than read from the layout, so the worker
        starts before the screen's first paint (which takes a good part of a second): a row
        takes a line per half-width of its source text, and a paragraph's first row one more.
        """
        lines = self.app.size.height - SCREEN_CHROME_LINES
        column = max(self.app.size.width // 2 - 4, 10)
        count = 0
        for index in range(self.cursor, len(self.rows)):
            if lines <= 0:
                break
            if not self._visible(index):
                continue
            row = self.rows[index]
            lines -= -(-len(row.segment.source) // column) + row.paragraph_start
            count += row.segment.status is Status.UNTRANSLATED and row.segment.kind.value == "body"
        return count

    def action_cancel(self) -> None:
        if self.workers.cancel_group(self, "translate"):
            self.workbench_app.set_state("cancelling…")

    @work(thread=True, exclusive=True, group="translate")
    def _translate(self, first: int = 0) -> None:
        worker = get_current_worker()
        bench = self.bench.clone()
        reported = TranslateReport()

        def progress(report: TranslateReport) -> None:
            nonlocal reported
            reported = report
            if worker.is_cancelled or not self.is_attached:  # cancelled, or the screen left
                raise Cancelled("translation cancelled")
            self.post_message(TranslationProgress(report.done, report.segments, bench.translators_loaded()))

        try:
            report = bench.translate_article(self.article_id, on_progress=progress, first=first)
        except Cancelled:
            self.post_message(TranslationCancelled(reported.done, reported.segments))
        except WorkbenchError as error:
            self.post_message(TranslationFailed(str(error)))
        else:
            self.post_message(TranslationFinished(report.from_cache, report.segments))
        finally:
            bench.close()

    @on(TranslationProgress)
    def _on_progress(self, message: TranslationProgress) -> None:
        if self not in self.app.screen_stack:
            return  # sent before the reader left: the list already says how it ended
        done, total = message.done, message.total
        self.query_one("#progress", ProgressBar).update(total=max(total, 1), progress=done)
        if self.workbench_app.status.state == "cancelling…":
            pass  # the batch that was running when x was pressed: the status keeps saying so
        elif message.model_loaded and not done and total:
            self.workbench_app.set_state("translating…")  # the model is there: its first batch runs
        elif message.model_loaded or done >= total:
            self.workbench_app.set_state(f"translating {done}/{total}")
        else:
            self.workbench_app.set_state("loading model…")
        if self._reload_timer is None:  # batches coalesce: keys stay answered between redraws
            delay = RELOAD_EVERY_S if self._rows_filled else RELOAD_FIRST_S
            self._reload_timer = self.set_timer(delay, self.reload_segments)
            self._rows_filled = True

    def _translation_ended(self, state: str) -> None:
        self.query_one("#progress").remove_class("running")
        self.workbench_app.set_state(state)

    @on(TranslationFinished)
    def _on_finished(self, message: TranslationFinished) -> None:
        app = self.workbench_app
        app.status = app.status.with_cache(message.cached, message.total)
        self._translation_ended("done")
        self.reload_segments()
        if self.query_one(SummaryPane).shown:
            self.query_one(SummaryPane).refill()

    @on(TranslationCancelled)
    def _on_cancelled(self, message: TranslationCancelled) -> None:
        self._translation_ended("cancelled")
        self.notify(f"translation cancelled after {message.done} of {message.total} segments; t goes on")
        self.reload_segments()

    @on(TranslationFailed)
    def _on_failed(self, message: TranslationFailed) -> None:
        self._translation_ended("failed")
        self.workbench_app.report_error(message.error)
        self.reload_segments()  # the batches committed before the failure

    def reload_segments(self) -> None:
        """Re-read segments from the store; rows keep their place (segment order is stable)."""
        if self._reload_timer is not None:
            self._reload_timer.stop()
            self._reload_timer = None
        fresh = {s.id: s for s in self.bench.segments(self.article_id)}
        with self.grid.changing_rows():
            for row in self.rows:
                segment: Segment | None = fresh.get(row.segment.id)
                if segment is not None and segment != row.segment:
                    row.show(segment, self.bench.flags(segment))
        self._describe_current()

    # --- navigation -----------------------------------------------------------------------

    def action_back(self) -> None:
        if self.editor is not None:
            self.editor.action_leave()  # asks first when the text changed
            return
        if self.query_one(SummaryPane).shown:
            self.action_toggle_summary()
            return
        if self.workers.cancel_group(self, "translate"):
            # The worker stops at its next batch, but its messages come to this screen, which is
            # gone by then: the app's state is said here, and the list shows it as ready.
            self.workbench_app.set_state("cancelled")
        self.app.pop_screen()

    def action_help(self) -> None:
        self.workbench_app.show_help(self)

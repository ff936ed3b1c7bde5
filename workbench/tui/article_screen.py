"""The article screen: source and translation side by side, segment cursor, word alignment.

Translation runs in a thread worker that talks to its own clone of the service (its own
SQLite connection); after every committed batch it asks this screen to re-read the segments,
so the article fills in while the keys keep working. The status says "loading model…" until the
model is there; the sentences on screen go first, in a batch of their own, and the worker
starts before the screen's first paint.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, OptionList, ProgressBar, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from workbench.errors import WorkbenchError
from workbench.records import Segment, Status, TranslateReport
from workbench.service import Cancelled, EditConflict
from workbench.tui.dialogs import EditDialog, HistoryDialog, SuggestionDialog
from workbench.tui.messages import (
    SummaryFailed,
    SummaryReady,
    TranslationCancelled,
    TranslationFailed,
    TranslationFinished,
    TranslationProgress,
)
from workbench.tui.screen_base import WorkbenchScreen
from workbench.tui.segment_row import SegmentRow, WordFocus, word_count
from workbench.tui.status import StatusBar

SCREEN_CHROME_LINES = 6
"""Header, column heads, segment info, status bar and footer: the lines that are not the list."""


class SegmentList(VerticalScroll, can_focus=False):
    """The scrolling column of rows; never focused, so the screen's keys move the cursor."""


class ArticleScreen(WorkbenchScreen[None]):
    BINDINGS = [
        Binding("down,j", "move(1)", "Next", show=False),
        Binding("up,k", "move(-1)", "Previous", show=False),
        Binding("pagedown", "move(10)", "Page down", show=False),
        Binding("pageup", "move(-10)", "Page up", show=False),
        Binding("right,l", "word(1)", "Next word", show=False),
        Binding("left,h", "word(-1)", "Previous word", show=False),
        Binding("tab", "swap_side", "Source/target words", show=False),
        Binding("enter,e", "edit", "Edit"),
        Binding("a", "approve", "Approve"),
        Binding("r", "revert", "Revert"),
        Binding("u", "undo", "Undo"),
        Binding("n", "needs_work", "Needs work", show=False),
        Binding("g", "suggestions", "Suggestions", show=False),
        Binding("d", "toggle_diff", "Diff vs MT", show=False),
        Binding("f", "next_flagged", "Next flagged", show=False),
        Binding("H", "history", "History", show=False),
        Binding("t", "translate", "Translate"),
        Binding("x", "cancel", "Cancel"),
        Binding("b", "toggle_boilerplate", "Boilerplate"),
        Binding("s", "toggle_summary", "Summary"),
        Binding("B", "flip_block", "Body/boilerplate", show=False),
        Binding("question_mark", "help", "Help"),
        Binding("escape,q", "back", "Back", show=False),
    ]

    def __init__(self, article_id: int) -> None:
        super().__init__()
        self.article_id = article_id
        self.rows: list[SegmentRow] = []
        self.cursor = 0
        self.word: WordFocus | None = None
        self.show_diff = False

    # --- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        info = self.bench.article(self.article_id)
        with Horizontal(id="article-header"):
            yield Static(f"{info.title}  [dim]{info.outlet or ''} · {info.language}[/]", id="article-title")
            yield ProgressBar(id="progress", show_eta=False)
        with Horizontal(id="column-heads"):
            yield Static("", classes="marker")
            yield Static(f"source ({info.language})")
            yield Static("translation")
        with Horizontal(id="article-body"):
            yield SegmentList(id="segments", classes="hide-boilerplate")
            yield OptionList(id="summary", disabled=True)  # enabled while shown: never focused hidden
        yield Static(id="segment-info")
        yield StatusBar(id="status-bar")
        yield Footer()

    async def on_mount(self) -> None:
        segments = self.bench.segments(self.article_id)
        flags = self.bench.article_flags(self.article_id)
        previous_block = None
        for segment in segments:
            start = segment.block_position != previous_block
            self.rows.append(SegmentRow(segment, flags.get(segment.id, ()), paragraph_start=start))
            previous_block = segment.block_position
        await self.query_one("#segments").mount_all(self.rows)
        self._move_to(self._first_visible())
        if any(s.status is Status.UNTRANSLATED and s.kind.value == "body" for s in segments):
            self.action_translate()

    # --- cursor ---------------------------------------------------------------------------

    def _visible(self, index: int) -> bool:
        row = self.rows[index]
        return not (row.has_class("boilerplate") and self._boilerplate_hidden())

    def _boilerplate_hidden(self) -> bool:
        return self.query_one("#segments").has_class("hide-boilerplate")

    def _first_visible(self) -> int:
        return next((i for i in range(len(self.rows)) if self._visible(i)), 0)

    @property
    def current(self) -> SegmentRow | None:
        return self.rows[self.cursor] if self.rows else None

    def _move_to(self, index: int) -> None:
        if not self.rows:
            return
        if self.current:
            self.current.remove_class("cursor")
            self.current.set_word_focus(None)
        self.cursor = index
        self.word = None
        row = self.rows[index]
        row.add_class("cursor")
        row.refresh_content()
        self.query_one("#segments", VerticalScroll).scroll_to_widget(row, animate=False)
        self._describe_current()

    def _describe_current(self) -> None:
        """One line about the cursor segment: its state, where its text came from, its flags."""
        row = self.current
        if row is None:
            return
        segment = row.segment
        parts = [segment.status.value]
        if segment.from_memory:
            parts.append("from translation memory")
        if segment.pivoted:
            parts.append("translated through English")
        if segment.alignment_stale:
            parts.append("alignment stale until the model is loaded")
        parts.extend(flag.message for flag in row.flags)
        self.query_one("#segment-info", Static).update(" · ".join(parts))

    def action_move(self, step: int) -> None:
        index = self.cursor
        direction = 1 if step > 0 else -1
        remaining = abs(step)
        while remaining:
            candidate = index + direction
            if not 0 <= candidate < len(self.rows):
                break
            index = candidate
            if self._visible(index):
                remaining -= 1
        if self._visible(index):
            self._move_to(index)

    def on_segment_row_clicked(self, message: SegmentRow.Clicked) -> None:
        self._move_to(self.rows.index(message.row))

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

    def _change(self, change: Callable[..., Segment], *args: object) -> None:
        """Run a service change on the current segment and redraw its row, or say why not.

        The change carries the version the row shows, so a segment changed meanwhile by another
        window or process is reported (the other text stays, a new text is kept as a suggestion)
        rather than overwritten.
        """
        row = self.current
        if row is None:
            return
        try:
            segment = change(row.segment.id, *args, expected_version=row.segment.version)
        except EditConflict as conflict:
            self.notify(str(conflict), severity="warning", timeout=12)
            segment = conflict.current
        except WorkbenchError as error:
            self.notify(str(error), severity="warning")
            return
        row.show(segment, self.bench.flags(segment))
        self._describe_current()

    def action_edit(self) -> None:
        row = self.current
        if row is None or row.segment.kind.value == "boilerplate":
            return
        self.app.push_screen(EditDialog(row.segment), self._save_text)

    def _save_text(self, text: str | None) -> None:
        row = self.current
        if row is not None and text is not None and text != row.segment.target:
            self._change(self.bench.edit_segment, text)

    def action_approve(self) -> None:
        self._change(self.bench.approve_segment)

    def action_revert(self) -> None:
        self._change(self.bench.revert_segment)

    def action_undo(self) -> None:
        self._change(self.bench.undo_last_change)

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
        self.app.push_screen(SuggestionDialog(row.segment, found), self._save_text)

    def action_toggle_diff(self) -> None:
        self.show_diff = not self.show_diff
        for row in self.rows:
            row.set_diff(self.show_diff)
        self.notify("diff against the machine translation " + ("on" if self.show_diff else "off"))

    def action_next_flagged(self) -> None:
        """The next flagged segment after the cursor, wrapping around: flagged ones come first."""
        count = len(self.rows)
        for step in range(1, count + 1):
            index = (self.cursor + step) % count
            if self.rows[index].flags and self._visible(index):
                self._move_to(index)
                return
        self.notify("no flagged segments")

    def action_history(self) -> None:
        if self.current:
            segment = self.current.segment
            self.app.push_screen(HistoryDialog(segment, self.bench.history(segment.id)))

    def action_toggle_boilerplate(self) -> None:
        self.query_one("#segments").toggle_class("hide-boilerplate")
        if not self._visible(self.cursor):
            self._move_to(self._first_visible())

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

    # --- summary pane -----------------------------------------------------------------------

    def action_toggle_summary(self) -> None:
        """Show the summary beside the article (focused, so its keys pick a sentence), or hide it."""
        pane = self.query_one("#summary", OptionList)
        if pane.has_class("shown"):
            pane.remove_class("shown")
            pane.disabled = True
            return
        self.fill_summary()
        pane.add_class("shown")
        pane.disabled = False
        pane.focus()

    def fill_summary(self) -> None:
        """Summarise in a worker thread: an abstractive model takes seconds to load and run."""
        pane = self.query_one("#summary", OptionList)
        pane.border_title = "summary · summarising…"
        self._summarize()

    @work(thread=True, exclusive=True, group="summary")
    def _summarize(self) -> None:
        bench = self.bench.clone()
        try:
            summary = bench.summarize(self.article_id)
        except WorkbenchError as error:
            self.post_message(SummaryFailed(str(error)))
            return
        finally:
            bench.close()
        self.post_message(SummaryReady(summary))

    @on(SummaryFailed)
    def _summary_failed(self, message: SummaryFailed) -> None:
        self.workbench_app.report_error(message.error)

    @on(SummaryReady)
    def _show_summary(self, message: SummaryReady) -> None:
        summary = message.summary
        pane = self.query_one("#summary", OptionList)
        pane.clear_options()
        title = "summary" if summary.mode == "extractive" else f"summary ({summary.mode})"
        pane.border_title = title + (f" · {summary.note}" if summary.note else "")
        pane.add_options(
            Option(sentence.text, id=",".join(map(str, sentence.segment_ids)))
            for sentence in summary.sentences
        )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Jump to the first segment the chosen summary sentence comes from."""
        wanted = int((event.option.id or "0").split(",")[0])
        index = next((i for i, row in enumerate(self.rows) if row.segment.id == wanted), None)
        if index is not None:
            if not self._visible(index):
                self.action_toggle_boilerplate()
            self._move_to(index)

    # --- translation ----------------------------------------------------------------------

    def action_translate(self) -> None:
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
            lines -= -(-len(row.segment.source) // column) + row.has_class("paragraph-start")
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
            self.post_message(TranslationProgress(report.done, report.segments, bench.translators_loaded()))
            if worker.is_cancelled:
                raise Cancelled("translation cancelled")

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
        done, total = message.done, message.total
        self.query_one("#progress", ProgressBar).update(total=max(total, 1), progress=done)
        if message.model_loaded or done >= total:
            self.workbench_app.set_state(f"translating {done}/{total}")
        else:
            self.workbench_app.set_state("loading model…")
        self.reload_segments()

    def _translation_ended(self, state: str) -> None:
        self.query_one("#progress").remove_class("running")
        self.workbench_app.set_state(state)

    @on(TranslationFinished)
    def _on_finished(self, message: TranslationFinished) -> None:
        app = self.workbench_app
        app.status = app.status.with_cache(message.cached, message.total)
        self._translation_ended("done")
        self.reload_segments()
        if self.query_one("#summary").has_class("shown"):
            self.fill_summary()

    @on(TranslationCancelled)
    def _on_cancelled(self, message: TranslationCancelled) -> None:
        self._translation_ended("cancelled")
        self.reload_segments()

    @on(TranslationFailed)
    def _on_failed(self, message: TranslationFailed) -> None:
        self._translation_ended("failed")
        self.workbench_app.report_error(message.error)

    def reload_segments(self) -> None:
        """Re-read segments from the store; rows keep their place (segment order is stable)."""
        fresh = {s.id: s for s in self.bench.segments(self.article_id)}
        for row in self.rows:
            segment: Segment | None = fresh.get(row.segment.id)
            if segment is not None and segment != row.segment:
                row.show(segment, self.bench.flags(segment))
        self._describe_current()

    # --- navigation -----------------------------------------------------------------------

    def action_back(self) -> None:
        if self.query_one("#summary").has_class("shown"):
            self.action_toggle_summary()
            return
        self.workers.cancel_group(self, "translate")
        self.app.pop_screen()

    def action_help(self) -> None:
        self.workbench_app.show_help(self)

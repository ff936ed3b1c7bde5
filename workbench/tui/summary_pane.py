"""The summary beside the article: summarised in a worker, each sentence leads to its segment.

The pane's border names the mode; the reason for it (which summarizer, and why) is a line of its
own inside the pane, so a narrow pane wraps it instead of cutting it off.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from workbench.errors import WorkbenchError
from workbench.tui.messages import SummaryFailed, SummaryReady
from workbench.tui.screen_base import app_of


class SummaryPane(Vertical):
    @dataclass
    class Picked(Message):
        """A summary sentence was chosen: the first segment it comes from."""

        segment_id: int

    def __init__(self, article_id: int) -> None:
        super().__init__(id="summary-pane")
        self.article_id = article_id

    def compose(self) -> ComposeResult:
        yield Static(id="summary-note")
        yield OptionList(id="summary", disabled=True)  # enabled while shown: never focused hidden

    @property
    def shown(self) -> bool:
        return self.has_class("shown")

    def show(self) -> None:
        """Summarise afresh and take the focus, so the arrow keys pick a sentence."""
        self.refill()
        self.add_class("shown")
        options = self.query_one(OptionList)
        options.disabled = False
        options.focus()

    def hide(self) -> None:
        self.remove_class("shown")
        self.query_one(OptionList).disabled = True

    def refill(self) -> None:
        """Summarise in a worker thread: an abstractive model takes seconds to load and run."""
        self.border_title = "summary · summarising…"
        self._summarize()

    @work(thread=True, exclusive=True, group="summary")
    def _summarize(self) -> None:
        try:
            bench = app_of(self).bench.clone()  # its own connection: may fail, as a notice
        except WorkbenchError as error:
            self.post_message(SummaryFailed(str(error)))
            return
        try:
            summary = bench.summarize(self.article_id)
        except WorkbenchError as error:
            self.post_message(SummaryFailed(str(error)))
            return
        finally:
            bench.close()
        self.post_message(SummaryReady(summary))

    @on(SummaryFailed)
    def _failed(self, message: SummaryFailed) -> None:
        self.border_title = "summary"
        app_of(self).report_error(message.error)

    @on(SummaryReady)
    def _show(self, message: SummaryReady) -> None:
        summary = message.summary
        self.border_title = "summary" if summary.mode == "extractive" else f"summary ({summary.mode})"
        self.query_one("#summary-note", Static).update(escape(summary.note or ""))
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(
            Option(sentence.text, id=",".join(map(str, sentence.segment_ids)))
            for sentence in summary.sentences
        )

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(self.Picked(int((event.option.id or "0").split(",")[0])))

"""Modal screens: editing a translation, a segment's history, and the key help."""

from __future__ import annotations

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea

from workbench.records import Edit, Segment


class EditDialog(ModalScreen[str | None]):
    """A TextArea prefilled with the current translation; returns the new text or None."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, segment: Segment) -> None:
        super().__init__()
        self.segment = segment

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static("Edit translation", classes="dialog-title")
            yield Static(escape(self.segment.source), classes="dialog-source")
            yield TextArea(self.segment.target or "", id="editor", soft_wrap=True)
            yield Static("ctrl+s save · escape cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        editor = self.query_one(TextArea)
        editor.focus()
        editor.move_cursor(editor.document.end)

    def action_save(self) -> None:
        text = " ".join(self.query_one(TextArea).text.split())
        self.dismiss(text or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class HistoryDialog(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,H", "close", "Close")]

    def __init__(self, segment: Segment, history: list[Edit]) -> None:
        super().__init__()
        self.segment = segment
        self.history = history

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static("History", classes="dialog-title")
            yield Static(escape(self.segment.source), classes="dialog-source")
            with VerticalScroll():
                if not self.history:
                    yield Static("No changes yet: the text is the machine translation.")
                for edit in self.history:
                    yield Static(_history_line(edit))
            yield Static("escape close", classes="dialog-hint")

    def action_close(self) -> None:
        self.dismiss(None)


def _history_line(edit: Edit) -> str:
    text = escape(edit.new_target) if edit.new_target else "[i](machine translation)[/i]"
    return f"[b]{edit.at}[/b] {escape(edit.reviewer)}: {edit.old_status} → {edit.new_status}\n  {text}"


class HelpScreen(ModalScreen[None]):
    """Keys of the screen underneath, from its own bindings, so the help never goes stale."""

    BINDINGS = [Binding("escape,q,question_mark", "close", "Close")]

    def __init__(self, title: str, bindings: list[Binding]) -> None:
        super().__init__()
        self.help_title = title
        self.help_bindings = bindings

    def compose(self) -> ComposeResult:
        lines = [
            f"[b]{escape(b.key_display or b.key):>12}[/b]  {escape(b.description)}"
            for b in self.help_bindings
            if b.description
        ]
        lines.append("[b]      ctrl+p[/b]  command palette: every action by name")
        with Vertical(id="dialog"):
            yield Static(f"Keys: {self.help_title}", classes="dialog-title")
            yield Static("\n".join(lines))
            yield Static("escape close", classes="dialog-hint")

    def action_close(self) -> None:
        self.dismiss(None)

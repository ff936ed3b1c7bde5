"""Modal screens: editing a translation, a segment's history, and the key help."""

from __future__ import annotations

from rich.markup import escape
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static, TextArea
from textual.widgets.option_list import Option

from workbench.records import Edit, Segment, Suggestion


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


class SuggestionDialog(ModalScreen[str | None]):
    """Kept conflicting saves, memory matches and other models' output; Enter takes one."""

    BINDINGS = [Binding("escape,q", "close", "Close")]

    def __init__(self, segment: Segment, suggestions: list[Suggestion]) -> None:
        super().__init__()
        self.segment = segment
        self.suggestions = suggestions

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static("Suggestions", classes="dialog-title")
            yield Static(escape(self.segment.source), classes="dialog-source")
            yield OptionList(
                *(Option(_suggestion_line(s), id=str(i)) for i, s in enumerate(self.suggestions)),
                id="suggestions",
            )
            yield Static("enter take (as an edit) · escape close", classes="dialog-hint")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.suggestions[int(event.option.id or 0)].text)

    def action_close(self) -> None:
        self.dismiss(None)


def _suggestion_line(suggestion: Suggestion) -> Text:
    score = f" {suggestion.score:.0f}%" if suggestion.score is not None else ""
    return Text.assemble(
        (f"{suggestion.kind}{score}", "bold"), " ", suggestion.text, "\n  ", (suggestion.origin, "dim")
    )


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

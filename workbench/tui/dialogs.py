"""Modal screens: leaving an unsaved text, a segment's history, suggestions, and the key help."""

from __future__ import annotations

from datetime import datetime

from rich.markup import escape
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from workbench.records import Edit, Segment, Suggestion
from workbench.tui.key_help import KeyHelp

FIELD_FOCUS_KEYS = [
    Binding("tab", "app.focus_next", "Next field", show=False, priority=True),
    Binding("shift+tab", "app.focus_previous", "Previous field", show=False, priority=True),
]
"""Tab and shift+tab in a dialog with fields, as priority keys: the focus moves as the key is
read, so letters typed right after Tab (one burst from a terminal) land in the next field."""


class UnsavedDialog(ModalScreen[str]):
    """A changed text is about to be left: keep editing, discard it, or save it.

    Returns "keep", "discard" or "save"; Escape keeps editing, so no key loses the text by accident.
    """

    BINDINGS = [
        Binding("k,escape", "choose('keep')", "Keep editing"),
        Binding("d", "choose('discard')", "Discard"),
        Binding("s", "choose('save')", "Save"),
    ]

    def __init__(self, what: str) -> None:
        super().__init__()
        self.what = what

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static("Unsaved text", classes="dialog-title")
            yield Static(escape(self.what))
            yield Static("k keep editing · d discard · s save", classes="dialog-hint")

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)


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
            # Above the list: a long history fills the dialog and would push a hint below it out.
            yield Static("newest first · arrows scroll · escape close", classes="dialog-hint history-hint")
            with VerticalScroll(id="history"):
                if not self.history:
                    yield Static("No changes yet: the text is the machine translation.")
                for edit in reversed(self.history):  # newest first: in view however long the list
                    yield Static(_history_line(edit))

    def on_mount(self) -> None:
        self.query_one("#history").focus()

    def action_close(self) -> None:
        self.dismiss(None)


def _history_line(edit: Edit) -> str:
    """When (local time), who, the state change, and the text before → after."""
    old = escape(edit.old_target) if edit.old_target else "[i](none)[/i]"
    new = escape(edit.new_target) if edit.new_target else "[i](machine translation)[/i]"
    step = f" [i]({edit.step})[/i]" if edit.step else ""
    return (
        f"[b]{local_time(edit.at)}[/b] {escape(edit.reviewer)}: {edit.old_status} → {edit.new_status}{step}"
        f"\n  [dim]{old}[/]\n  → {new}"
    )


def local_time(stamp: str) -> str:
    """A stored UTC time as the reader's clock shows it; a stamp that does not parse as it is."""
    try:
        return datetime.fromisoformat(stamp).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return stamp


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
    """Keys of the screen underneath, from its own bindings, so the help never goes stale; it
    scrolls (arrows, PageDown) where the terminal is shorter than the list."""

    BINDINGS = [Binding("escape,q,question_mark,f1", "close", "Close")]

    def __init__(self, title: str, sections: list[tuple[str, list[KeyHelp]]]) -> None:
        super().__init__()
        self.help_title = title
        self.sections = sections

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(f"Keys: {self.help_title}", classes="dialog-title")
            with VerticalScroll(id="help-keys"):
                for heading, keys in self.sections:
                    lines = [f"[b]{escape(k.keys):>12}[/b]  {escape(k.description)}" for k in keys]
                    yield Static(f"[u]{escape(heading)}[/u]\n" + "\n".join(lines), classes="help-section")
            yield Static("arrows and PageDown scroll · escape close", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#help-keys").focus()

    def action_close(self) -> None:
        self.dismiss(None)

"""Search the article (translations or sources) and replace in its translations, with a preview.

The dialog shows, as you type, every segment that matches and, with a replacement typed, each
translation as it would become. Enter searches (the cursor goes to the next match); ctrl+r
replaces everywhere the preview shows, as one step that ctrl+z takes back.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from workbench.records import Segment
from workbench.review.replace import matches, plan_replacements
from workbench.tui.dialogs import FIELD_FOCUS_KEYS

PREVIEW_LIMIT = 200


@dataclass(frozen=True)
class SearchRequest:
    find: str
    replace: str | None
    """None: search only (Enter); a text: replace everywhere (ctrl+r)."""
    in_source: bool


class SearchDialog(ModalScreen[SearchRequest | None]):
    BINDINGS = [
        Binding("enter", "search", "Search", priority=True),
        Binding("ctrl+r", "replace", "Replace all", priority=True),
        Binding("ctrl+o", "toggle_side", "Search sources/translations", priority=True),
        Binding("escape", "close", "Close"),
        *FIELD_FOCUS_KEYS,
    ]

    def __init__(self, segments: list[Segment], find: str = "") -> None:
        super().__init__()
        self.segments = segments
        self.in_source = False
        self.initial = find

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static("Search and replace", classes="dialog-title")
            yield Input(self.initial, placeholder="find", id="find")
            yield Input(placeholder="replace with (translations only)", id="replace")
            yield Static(id="search-summary")
            yield OptionList(id="preview")
            yield Static(
                "lower case finds any case · enter go to next match · ctrl+r replace all "
                "(ctrl+z undoes it) · ctrl+o sources/translations · tab next field · escape close",
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        self.query_one("#find", Input).focus()
        self._preview()

    def _replacing(self) -> bool:
        """A replacement is typed, or its field has the focus (an empty one deletes the matches):
        then the preview shows each translation as it would become, and ctrl+r does that."""
        field = self.query_one("#replace", Input)
        return not self.in_source and (bool(field.value) or field.has_focus)

    @on(Input.Changed)
    @on(events.DescendantFocus)
    def _preview(self) -> None:
        """Matches as you type; with a replacement, each translation as it would become."""
        find, replace = self._find(), self.query_one("#replace", Input).value
        preview = self.query_one("#preview", OptionList)
        preview.clear_options()
        if self._replacing():
            plan = plan_replacements(self.segments, find, replace)
            lines = [
                Text.assemble((f"{r.number:>4} ", "bold"), (r.old, "strike dim"), "\n   → ", r.new)
                for r in plan
            ]
            summary = f"{len(plan)} translation{'s' if len(plan) != 1 else ''} would change"
            summary += "" if replace else " (the matches deleted)"
        else:
            found = matches(self.segments, find, self.in_source)
            side = "source" if self.in_source else "translation"
            texts = [
                (i, (self.segments[i].source if self.in_source else self.segments[i].target) or "")
                for i in found
            ]
            lines = [Text.assemble((f"{i + 1:>4} ", "bold"), text) for i, text in texts]
            summary = f"{len(found)} {side}{' matches' if len(found) == 1 else 's match'}" if find else ""
        preview.add_options(Option(line) for line in lines[:PREVIEW_LIMIT])
        self.query_one("#search-summary", Static).update(summary)

    def _find(self) -> str:
        return self.query_one("#find", Input).value

    def action_search(self) -> None:
        if self._find():
            self.dismiss(SearchRequest(self._find(), None, self.in_source))

    def action_replace(self) -> None:
        """Replace what the preview shows; never unseen: a replace nobody previewed is refused."""
        if self.in_source:
            self.notify("sources are not edited: ctrl+o to replace in translations", severity="warning")
        elif not self._replacing():
            self.notify("type the replacement first (tab goes to it); its preview shows what changes")
        elif self._find():
            replace = self.query_one("#replace", Input).value
            self.dismiss(SearchRequest(self._find(), replace, in_source=False))

    def action_toggle_side(self) -> None:
        self.in_source = not self.in_source
        self._preview()

    def action_close(self) -> None:
        self.dismiss(None)

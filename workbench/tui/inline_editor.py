"""The target cell of the segment being edited: a TextArea laid over the grid's target cell.

The source and the neighbouring segments stay in view. Its own keys are the editing convention
the footer shows: Enter confirms (save and go to the next segment needing work), ctrl+s saves
and stays, Escape leaves (asking first when the text changed). A segment holds one line, so
shift+Enter and alt+Enter, which insert a line break where a text may hold one, only say so.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import TextArea

LINE_BREAK_KEYS = ("shift+enter", "alt+enter")


class InlineEditor(TextArea):
    BINDINGS = [
        Binding("enter", "confirm", "Confirm+next", priority=True),
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "leave", "Leave editor", priority=True),
    ]

    allows_line_breaks = False
    """Segments are sentences: the service joins whitespace, so a line break would not be kept."""

    @dataclass
    class Confirmed(Message):
        """Save the text and move on to the next segment that needs work."""

        editor: InlineEditor
        text: str

    @dataclass
    class Saved(Message):
        """Save the text and stay on the segment."""

        editor: InlineEditor
        text: str

    @dataclass
    class Resized(Message):
        """The text wraps onto another number of lines: the grid gives the row that height."""

        editor: InlineEditor
        height: int

    @dataclass
    class Leaving(Message):
        """Escape: the screen asks what to do with a changed text."""

        editor: InlineEditor

    def __init__(self, text: str, original: str) -> None:
        super().__init__(text, soft_wrap=True, id="inline-editor")
        self.original = original
        """The saved text the editing started from: a different text is an unsaved edit."""

    @property
    def changed(self) -> bool:
        return " ".join(self.text.split()) != " ".join(self.original.split())

    def on_mount(self) -> None:
        self.move_cursor(self.document.end)

    def on_resize(self, event: events.Resize) -> None:
        self.post_message(self.Resized(self, event.size.height))

    async def _on_key(self, event: events.Key) -> None:
        """Runs before TextArea's own handler (Textual walks the MRO); preventing the default
        keeps TextArea from inserting the line break."""
        if event.key in LINE_BREAK_KEYS and not self.allows_line_breaks:
            event.stop()
            event.prevent_default()
            self.notify("a segment is one line: its text cannot hold a line break", severity="warning")

    def action_confirm(self) -> None:
        self.post_message(self.Confirmed(self, self.text))

    def action_save(self) -> None:
        self.post_message(self.Saved(self, self.text))

    def action_leave(self) -> None:
        self.post_message(self.Leaving(self))

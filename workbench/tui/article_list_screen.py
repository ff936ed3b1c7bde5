"""The first screen: every article in the workspace, filtered as you type, sortable."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Static

from workbench.records import ArticleInfo
from workbench.tui.screen_base import WorkbenchScreen
from workbench.tui.status import StatusBar

SORTS = (
    ("imported", lambda a: a.id),
    ("title", lambda a: a.title.casefold()),
    ("language", lambda a: (a.language, a.id)),
    ("% translated", lambda a: (-_share(a.translated, a.segments), a.id)),
    ("% reviewed", lambda a: (-_share(a.reviewed, a.segments), a.id)),
)


_FIXED_COLUMNS_WIDTH = 56


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _share(part: int, whole: int) -> int:
    return 100 * part // whole if whole else 0


class ArticleListScreen(WorkbenchScreen[None]):
    # Every printable key types into the filter, so the bindings here are all non-printable.
    BINDINGS = [
        Binding("enter", "open", "Open"),
        Binding("ctrl+s", "sort", "Sort"),
        Binding("escape", "clear_filter", "Clear filter"),
        Binding("backspace", "filter_backspace", "Delete filter character", show=False),
        Binding("f1", "help", "Help"),
        Binding("ctrl+q", "app.quit", "Quit"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.filter_text = ""
        self.sort_index = 0
        self.shown: list[ArticleInfo] = []

    def compose(self) -> ComposeResult:
        yield Static(id="filter")
        yield DataTable(id="articles", cursor_type="row", zebra_stripes=True)
        yield Static(id="empty")
        yield StatusBar(id="status-bar")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        # The title takes what the fixed columns leave; long titles are cut, not wrapped.
        table.add_column("title", width=max(20, self.app.size.width - _FIXED_COLUMNS_WIDTH))
        table.add_columns("lang", "outlet", "segs", "translated", "reviewed")
        self.reload()
        table.focus()

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        """Re-read the articles and redraw the table with the filter and sort applied."""
        articles = self.bench.articles()
        needle = self.filter_text.casefold()
        name, key = SORTS[self.sort_index]
        self.shown = sorted(
            (a for a in articles if needle in f"{a.title} {a.outlet or ''} {a.language}".casefold()), key=key
        )
        table = self.query_one(DataTable)
        table.clear()
        for a in self.shown:
            table.add_row(
                a.title,
                a.language,
                a.outlet or "",
                str(a.segments),
                f"{_share(a.translated, a.segments)}%",
                f"{_share(a.reviewed, a.segments)}%",
                key=str(a.id),
            )
        filter_line = self.query_one("#filter", Static)
        filter_line.set_class(bool(self.filter_text), "active")
        filter_line.update(
            f"filter: {self.filter_text}▏  sorted by {name}"
            if self.filter_text
            else f"type to filter · sorted by {name} (ctrl+s) · {_plural(len(articles), 'article')}"
        )
        empty = self.query_one("#empty", Static)
        empty.display = not self.shown
        empty.update(
            "No article matches the filter." if articles else "No articles yet: run `workbench import PATH`."
        )

    def on_key(self, event: events.Key) -> None:
        """Type-to-filter: printable keys that are not bindings extend the filter."""
        if event.is_printable and event.character:
            self.filter_text += event.character
            event.stop()
            self.reload()

    def action_filter_backspace(self) -> None:
        if self.filter_text:
            self.filter_text = self.filter_text[:-1]
            self.reload()

    def action_clear_filter(self) -> None:
        self.filter_text = ""
        self.reload()

    def action_sort(self) -> None:
        self.sort_index = (self.sort_index + 1) % len(SORTS)
        self.reload()

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if self.shown:
            self.workbench_app.open_article(self.shown[table.cursor_row].id)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.workbench_app.open_article(int(event.row_key.value or 0))

    def action_help(self) -> None:
        self.workbench_app.show_help(self)
